"""Import tasks through boto3: AWS imports from CloudTrail Lake event data stores, which cwlogd
does not have. Each operation checks its request as the model says, then finds no source
(CreateImportTask) or no task (CancelImportTask, DescribeImportTaskBatches); DescribeImportTasks
answers an empty page."""

import unittest

from cwlogd_harness import RecentModelTestCase, validation_message

STORE_ARN = "arn:aws:cloudtrail:us-east-1:000000000000:eventdatastore/EXAMPLE-f852-4e8f-8bd1"
ROLE_ARN = "arn:aws:iam::000000000000:role/ImportRole"


class ImportTaskTest(RecentModelTestCase):
    def test_no_source_can_be_imported_from(self):
        self.assertClientError("ResourceNotFoundException",
                               "The specified event data store does not exist.",
                               self.logs.create_import_task, importSourceArn=STORE_ARN,
                               importRoleArn=ROLE_ARN,
                               importFilter={"startEventTime": 0, "endEventTime": 1000})
        for source in ("arn:aws:logs:us-east-1:000000000000:log-group:a",
                       "arn:aws:cloudtrail:us-east-1:000000000000:trail/t", "not-an-arn"):
            self.assertClientError("InvalidParameterException",
                                   "Invalid importSourceArn: only CloudTrail Lake event data "
                                   "stores can be imported from.",
                                   self.logs.create_import_task, importSourceArn=source,
                                   importRoleArn=ROLE_ARN)
        # Nothing was created: no task, and no managed log group.
        self.assertEqual(self.logs.describe_import_tasks()["imports"], [])
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])

    def test_no_task_exists(self):
        self.assertEqual(self.logs.describe_import_tasks(importStatus="IN_PROGRESS", limit=5,
                                                         importSourceArn=STORE_ARN)["imports"], [])
        self.assertClientError("ResourceNotFoundException",
                               "The specified import task does not exist.",
                               self.logs.cancel_import_task, importId="abc-123")
        self.assertClientError("ResourceNotFoundException",
                               "The specified import task does not exist.",
                               self.logs.describe_import_task_batches, importId="abc-123",
                               batchImportStatus=["FAILED", "COMPLETED"])
        self.assertClientError("InvalidParameterException",
                               "The specified nextToken is invalid.",
                               self.logs.describe_import_tasks, nextToken="x")

    def test_model_validation(self):
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "importRoleArn", "not be null"),
            self.raw.create_import_task, importSourceArn=STORE_ARN)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'a_b'", "importId",
                               "satisfy regular expression pattern: [\\-a-zA-Z0-9]+"),
            self.raw.cancel_import_task, importId="a_b")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'DONE'", "importStatus",
                               "satisfy enum value set: [IN_PROGRESS, CANCELLED, COMPLETED, "
                               "FAILED]"),
            self.raw.describe_import_tasks, importStatus="DONE")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'DONE'", "batchImportStatus.2.member",
                               "satisfy enum value set: [IN_PROGRESS, CANCELLED, COMPLETED, "
                               "FAILED]"),
            self.raw.describe_import_task_batches, importId="a", batchImportStatus=["FAILED",
                                                                                    "DONE"])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'51'", "limit", "have value less than or equal to 50"),
            self.raw.describe_import_tasks, limit=51)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'-1'", "importFilter.startEventTime",
                               "have value greater than or equal to 0"),
            self.raw.create_import_task, importSourceArn=STORE_ARN, importRoleArn=ROLE_ARN,
            importFilter={"startEventTime": -1})


if __name__ == "__main__":
    unittest.main()
