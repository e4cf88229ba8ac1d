"""Log anomaly detectors, ListAnomalies/UpdateAnomaly, integrations and S3-table integration
sources through boto3. Per family: the happy path, the model's validation errors (sent raw, as
botocore validates on the client first), not-found, limits, paging and durability across a
restart."""

import re
import unittest

from cwlogd_harness import RecentModelTestCase, validation_message

ACCOUNT = "000000000000"
REGION = "us-east-1"
DETECTOR_ARN = re.compile(
    rf"arn:aws:logs:{REGION}:{ACCOUNT}:anomaly-detector:"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
S3_INTEGRATION = f"arn:aws:logs:{REGION}:{ACCOUNT}:integration/s3tables-1"
OPENSEARCH = {"openSearchResourceConfig": {
    "dataSourceRoleArn": f"arn:aws:iam::{ACCOUNT}:role/os-source",
    "dashboardViewerPrincipals": [f"arn:aws:iam::{ACCOUNT}:role/viewer"],
    "applicationArn": f"arn:aws:opensearch:{REGION}:{ACCOUNT}:application/app1",
    "retentionDays": 7}}


def group_arn(name):
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


class AnomalyDetectorTest(RecentModelTestCase):
    def setUp(self):
        super().setUp()
        self.logs.create_log_group(logGroupName="/app/a")
        self.logs.create_log_group(logGroupName="/app/b")

    def create(self, group="/app/a", **kwargs):
        return self.logs.create_log_anomaly_detector(logGroupArnList=[group_arn(group)],
                                                     **kwargs)["anomalyDetectorArn"]

    def test_create_get_list_update_delete(self):
        arn = self.create(detectorName="errors", evaluationFrequency="FIVE_MIN",
                          filterPattern="ERROR", anomalyVisibilityTime=14,
                          kmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234-abcd",
                          tags={"team": "ops"})
        self.assertRegex(arn, DETECTOR_ARN)
        got = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        got.pop("ResponseMetadata", None)
        self.assertEqual(got["detectorName"], "errors")
        self.assertEqual(got["logGroupArnList"], [group_arn("/app/a")])
        self.assertEqual(got["evaluationFrequency"], "FIVE_MIN")
        self.assertEqual(got["filterPattern"], "ERROR")
        self.assertEqual(got["anomalyVisibilityTime"], 14)
        self.assertEqual(got["kmsKeyId"], f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234-abcd")
        self.assertEqual(got["anomalyDetectorStatus"], "INITIALIZING")
        self.assertIsInstance(got["creationTimeStamp"], int)
        self.assertNotIn("anomalyDetectorArn", got)  # not a member of the Get answer
        listed = self.logs.list_log_anomaly_detectors()["anomalyDetectors"]
        self.assertEqual(listed, [dict(got, anomalyDetectorArn=arn)])

        self.logs.update_log_anomaly_detector(anomalyDetectorArn=arn, enabled=False,
                                              evaluationFrequency="ONE_HOUR",
                                              anomalyVisibilityTime=30)
        got = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        self.assertEqual(got["anomalyDetectorStatus"], "PAUSED")
        self.assertEqual(got["evaluationFrequency"], "ONE_HOUR")
        self.assertEqual(got["anomalyVisibilityTime"], 30)
        self.assertEqual(got["filterPattern"], "ERROR")  # kept
        self.logs.update_log_anomaly_detector(anomalyDetectorArn=arn, enabled=True)
        got = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        self.assertEqual(got["anomalyDetectorStatus"], "INITIALIZING")

        self.logs.delete_log_anomaly_detector(anomalyDetectorArn=arn)
        self.assertEqual(self.logs.list_log_anomaly_detectors()["anomalyDetectors"], [])
        self.assertClientError("ResourceNotFoundException",
                               "The specified anomaly detector does not exist.",
                               self.logs.get_log_anomaly_detector, anomalyDetectorArn=arn)

    def test_minimal_detector_has_only_what_was_given(self):
        arn = self.create()
        got = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        for member in ("detectorName", "evaluationFrequency", "filterPattern", "kmsKeyId",
                       "anomalyVisibilityTime"):
            self.assertNotIn(member, got)

    def test_model_validation(self):
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "logGroupArnList", "not be null"),
            self.raw.create_log_anomaly_detector)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'HOURLY'", "evaluationFrequency",
                       "satisfy enum value set: [ONE_MIN, FIVE_MIN, TEN_MIN, FIFTEEN_MIN, "
                       "THIRTY_MIN, ONE_HOUR]"),
            self.raw.create_log_anomaly_detector, logGroupArnList=[group_arn("/app/a")],
            evaluationFrequency="HOURLY")
        self.assertClientError(
            "InvalidParameterException",
            "2 validation errors detected: Value '' at 'detectorName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1; Value '6' at "
            "'anomalyVisibilityTime' failed to satisfy constraint: Member must have value "
            "greater than or equal to 7",
            self.raw.create_log_anomaly_detector, logGroupArnList=[group_arn("/app/a")],
            detectorName="", anomalyVisibilityTime=6)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'a b'", "logGroupArnList.1.member",
                       "satisfy regular expression pattern: [\\w#+=/:,.@-]*"),
            self.raw.create_log_anomaly_detector, logGroupArnList=["a b"])
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'alias/mine'", "kmsKeyId",
                       "satisfy regular expression pattern: "
                       "^arn:aws[a-z\\-]*:kms:[-a-z0-9]*:[0-9]*:key/[-a-z0-9]*$"),
            self.raw.create_log_anomaly_detector, logGroupArnList=[group_arn("/app/a")],
            kmsKeyId="alias/mine")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'" + "x" * 1025 + "'", "filterPattern",
                       "have length less than or equal to 1024"),
            self.raw.create_log_anomaly_detector, logGroupArnList=[group_arn("/app/a")],
            filterPattern="x" * 1025)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("null", "enabled", "not be null"),
            self.raw.update_log_anomaly_detector, anomalyDetectorArn="arn:x")
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'0'", "limit", "have value greater than or equal to 1"),
            self.raw.list_log_anomaly_detectors, limit=0)
        self.assertClientError("SerializationException", None,
                               self.raw.create_log_anomaly_detector,
                               logGroupArnList=group_arn("/app/a"))

    def test_log_groups_are_checked(self):
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.create_log_anomaly_detector,
                               logGroupArnList=[group_arn("/app/none")])
        self.assertClientError("InvalidParameterException",
                               "logGroupArnList must hold exactly one log group ARN.",
                               self.raw.create_log_anomaly_detector,
                               logGroupArnList=[group_arn("/app/a"), group_arn("/app/b")])
        self.assertClientError("InvalidParameterException", "Invalid log group ARN: /app/a",
                               self.raw.create_log_anomaly_detector, logGroupArnList=["/app/a"])
        self.assertClientError("InvalidParameterException",
                               re.compile("(Invalid filter pattern|If a filter pattern).*"),
                               self.raw.create_log_anomaly_detector,
                               logGroupArnList=[group_arn("/app/a")], filterPattern='{ $.a = ')
        # The model's pattern has no '*': the ":*" form of a group ARN is refused.
        self.assertClientError(
            "InvalidParameterException",
            validation_message(f"'{group_arn('/app/b')}:*'", "logGroupArnList.1.member",
                       "satisfy regular expression pattern: [\\w#+=/:,.@-]*"),
            self.raw.create_log_anomaly_detector, logGroupArnList=[group_arn("/app/b") + ":*"])

    def test_not_found(self):
        missing = f"arn:aws:logs:{REGION}:{ACCOUNT}:anomaly-detector:" \
                  "00000000-0000-4000-8000-000000000000"
        for fn, kwargs in ((self.logs.get_log_anomaly_detector, {}),
                           (self.logs.delete_log_anomaly_detector, {}),
                           (self.logs.update_log_anomaly_detector, {"enabled": True}),
                           (self.logs.list_anomalies, {})):
            for arn in (missing, "arn:aws:logs:us-east-1:000000000000:destination:x"):
                self.assertClientError("ResourceNotFoundException",
                                       "The specified anomaly detector does not exist.",
                                       fn, anomalyDetectorArn=arn, **kwargs)
        # Another region's client does not see this region's detectors.
        arn = self.create()
        other = self.server.recent_client(region="eu-west-1")
        self.assertClientError("ResourceNotFoundException", None,
                               other.get_log_anomaly_detector, anomalyDetectorArn=arn)

    def test_tags_by_arn(self):
        arn = self.create(tags={"team": "web"})
        self.logs.tag_resource(resourceArn=arn, tags={"env": "prod"})
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"],
                         {"team": "web", "env": "prod"})
        self.logs.untag_resource(resourceArn=arn, tagKeys=["team"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"],
                         {"env": "prod"})
        self.logs.delete_log_anomaly_detector(anomalyDetectorArn=arn)
        self.assertClientError("ResourceNotFoundException",
                               "The specified anomaly detector does not exist.",
                               self.logs.list_tags_for_resource, resourceArn=arn)

    def test_paging_and_filter(self):
        arns = sorted([self.create() for _ in range(3)] + [self.create(group="/app/b")])
        first = self.logs.list_log_anomaly_detectors(limit=3)
        self.assertEqual([d["anomalyDetectorArn"] for d in first["anomalyDetectors"]], arns[:3])
        second = self.logs.list_log_anomaly_detectors(limit=3, nextToken=first["nextToken"])
        self.assertEqual([d["anomalyDetectorArn"] for d in second["anomalyDetectors"]], arns[3:])
        self.assertNotIn("nextToken", second)
        only_b = self.logs.list_log_anomaly_detectors(filterLogGroupArn=group_arn("/app/b"))
        self.assertEqual(len(only_b["anomalyDetectors"]), 1)
        self.assertEqual(only_b["anomalyDetectors"][0]["logGroupArnList"], [group_arn("/app/b")])
        a_pages = []
        token = None
        while True:
            kwargs = {"nextToken": token} if token else {}
            page = self.logs.list_log_anomaly_detectors(filterLogGroupArn=group_arn("/app/a"),
                                                        limit=2, **kwargs)
            a_pages.append(len(page["anomalyDetectors"]))
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(a_pages, [2, 1])
        # A token from another query is refused.
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.list_log_anomaly_detectors,
                               filterLogGroupArn=group_arn("/app/b"), nextToken=first["nextToken"])

    def test_list_anomalies(self):
        arn = self.create()
        self.assertEqual(self.logs.list_anomalies()["anomalies"], [])
        answer = self.logs.list_anomalies(anomalyDetectorArn=arn, suppressionState="SUPPRESSED",
                                          limit=10)
        self.assertEqual(answer["anomalies"], [])
        self.assertNotIn("nextToken", answer)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.list_anomalies, nextToken="abc")
        self.assertClientError(
            "InvalidParameterException",
            "2 validation errors detected: Value 'HIDDEN' at 'suppressionState' failed to "
            "satisfy constraint: Member must satisfy enum value set: [SUPPRESSED, UNSUPPRESSED]; "
            "Value '51' at 'limit' failed to satisfy constraint: Member must have value less "
            "than or equal to 50",
            self.raw.list_anomalies, suppressionState="HIDDEN", limit=51)

    def test_update_anomaly(self):
        arn = self.create()
        anomaly_id = "11111111-2222-3333-4444-555555555555"
        pattern_id = "0123456789abcdef0123456789abcdef"
        self.assertClientError("ResourceNotFoundException",
                               "The specified anomaly does not exist.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn,
                               anomalyId=anomaly_id, suppressionType="INFINITE")
        self.assertClientError("ResourceNotFoundException",
                               "The specified pattern does not exist.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn,
                               patternId=pattern_id, suppressionType="LIMITED",
                               suppressionPeriod={"value": 2, "suppressionUnit": "HOURS"})
        self.assertClientError("ResourceNotFoundException",
                               "The specified anomaly detector does not exist.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn + "0",
                               anomalyId=anomaly_id)
        self.assertClientError("InvalidParameterException",
                               "Specify either anomalyId or patternId, but not both.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn)
        self.assertClientError("InvalidParameterException",
                               "Specify either anomalyId or patternId, but not both.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn,
                               anomalyId=anomaly_id, patternId=pattern_id)
        self.assertClientError("InvalidParameterException",
                               "A suppressionPeriod is required when suppressionType is LIMITED.",
                               self.logs.update_anomaly, anomalyDetectorArn=arn,
                               anomalyId=anomaly_id, suppressionType="LIMITED")
        self.assertClientError(
            "InvalidParameterException",
            "3 validation errors detected: Value 'short' at 'anomalyId' failed to satisfy "
            "constraint: Member must have length greater than or equal to 36; Value null at "
            "'anomalyDetectorArn' failed to satisfy constraint: Member must not be null; "
            "Value 'DAYS' at 'suppressionPeriod.suppressionUnit' failed to satisfy constraint: "
            "Member must satisfy enum value set: [SECONDS, MINUTES, HOURS]",
            self.raw.update_anomaly, anomalyId="short",
            suppressionPeriod={"value": 1, "suppressionUnit": "DAYS"})
        self.assertClientError("SerializationException", None, self.raw.update_anomaly,
                               anomalyDetectorArn=arn, anomalyId=anomaly_id,
                               suppressionPeriod=[1])


class IntegrationTest(RecentModelTestCase):
    def test_put_get_list_delete(self):
        put = self.logs.put_integration(integrationName="dashboards", integrationType="OPENSEARCH",
                                        resourceConfig=OPENSEARCH)
        self.assertEqual((put["integrationName"], put["integrationStatus"]),
                         ("dashboards", "PROVISIONING"))
        got = self.logs.get_integration(integrationName="dashboards")
        self.assertEqual(got["integrationName"], "dashboards")
        self.assertEqual(got["integrationType"], "OPENSEARCH")
        self.assertEqual(got["integrationStatus"], "ACTIVE")
        self.assertEqual(got["integrationDetails"]["openSearchIntegrationDetails"]["application"],
                         {"applicationArn": OPENSEARCH["openSearchResourceConfig"]
                          ["applicationArn"]})
        summary = {"integrationName": "dashboards", "integrationType": "OPENSEARCH",
                   "integrationStatus": "ACTIVE"}
        self.assertEqual(self.logs.list_integrations()["integrationSummaries"], [summary])
        self.assertEqual(self.logs.list_integrations(integrationNamePrefix="dash",
                                                     integrationType="OPENSEARCH",
                                                     integrationStatus="ACTIVE")
                         ["integrationSummaries"], [summary])
        self.assertEqual(self.logs.list_integrations(integrationNamePrefix="other")
                         ["integrationSummaries"], [])
        self.assertEqual(self.logs.list_integrations(integrationStatus="FAILED")
                         ["integrationSummaries"], [])
        self.logs.delete_integration(integrationName="dashboards", force=True)
        self.assertEqual(self.logs.list_integrations()["integrationSummaries"], [])

    def test_one_integration_that_cannot_be_modified(self):
        self.logs.put_integration(integrationName="one", integrationType="OPENSEARCH",
                                  resourceConfig=OPENSEARCH)
        self.assertClientError("ValidationException",
                               "An integration named one already exists; an integration cannot "
                               "be modified.",
                               self.logs.put_integration, integrationName="one",
                               integrationType="OPENSEARCH", resourceConfig=OPENSEARCH)
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.logs.put_integration, integrationName="two",
                               integrationType="OPENSEARCH", resourceConfig=OPENSEARCH)

    def test_not_found(self):
        for fn in (self.logs.get_integration, self.logs.delete_integration):
            self.assertClientError("ResourceNotFoundException",
                                   "The specified integration does not exist.", fn,
                                   integrationName="nope")

    def test_model_validation(self):
        config = {"openSearchResourceConfig": dict(OPENSEARCH["openSearchResourceConfig"],
                                                   retentionDays=31)}
        del config["openSearchResourceConfig"]["dataSourceRoleArn"]
        self.assertClientError(
            "InvalidParameterException",
            "4 validation errors detected: Value 'a b' at 'integrationName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "[\\.\\-_/#A-Za-z0-9]+; Value null at "
            "'resourceConfig.openSearchResourceConfig.dataSourceRoleArn' failed to satisfy "
            "constraint: Member must not be null; Value '31' at "
            "'resourceConfig.openSearchResourceConfig.retentionDays' failed to satisfy "
            "constraint: Member must have value less than or equal to 30; Value 'S3' at "
            "'integrationType' failed to satisfy constraint: Member must satisfy enum value "
            "set: [OPENSEARCH]",
            self.raw.put_integration, integrationName="a b", integrationType="S3",
            resourceConfig=config)
        self.assertClientError(
            "InvalidParameterException", validation_message("null", "resourceConfig", "not be null"),
            self.raw.put_integration, integrationName="x", integrationType="OPENSEARCH")
        self.assertClientError("ValidationException",
                               "resourceConfig must set exactly one of its members.",
                               self.raw.put_integration, integrationName="x",
                               integrationType="OPENSEARCH", resourceConfig={})
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'" + "n" * 51 + "'", "integrationName",
                       "have length less than or equal to 50"),
            self.raw.get_integration, integrationName="n" * 51)
        self.assertClientError(
            "InvalidParameterException",
            validation_message("'PENDING'", "integrationStatus",
                       "satisfy enum value set: [PROVISIONING, ACTIVE, FAILED]"),
            self.raw.list_integrations, integrationStatus="PENDING")
        self.assertClientError("SerializationException", None, self.raw.put_integration,
                               integrationName="x", integrationType="OPENSEARCH",
                               resourceConfig="opensearch")


class S3TableSourceTest(RecentModelTestCase):
    def associate(self, name, kind="flow", integration=S3_INTEGRATION):
        source = {"name": name} if kind is None else {"name": name, "type": kind}
        return self.logs.associate_source_to_s3_table_integration(
            integrationArn=integration, dataSource=source)["identifier"]

    def test_associate_list_disassociate(self):
        first = self.associate("amazon_vpc")
        self.assertEqual(self.associate("amazon_vpc"), first)  # the same association
        second = self.associate("aws_cloudtrail", kind=None)
        self.assertNotEqual(first, second)
        other = self.associate("amazon_vpc", integration=S3_INTEGRATION + "x")
        listed = self.logs.list_sources_for_s3_table_integration(
            integrationArn=S3_INTEGRATION)["sources"]
        self.assertEqual(sorted(s["identifier"] for s in listed), sorted([first, second]))
        by_id = {s["identifier"]: s for s in listed}
        self.assertEqual(by_id[first]["dataSource"], {"name": "amazon_vpc", "type": "flow"})
        self.assertEqual(by_id[second]["dataSource"], {"name": "aws_cloudtrail"})
        self.assertEqual(by_id[first]["status"], "ACTIVE")
        self.assertIsInstance(by_id[first]["createdTimeStamp"], int)
        answer = self.logs.disassociate_source_from_s3_table_integration(identifier=first)
        self.assertEqual(answer["identifier"], first)
        listed = self.logs.list_sources_for_s3_table_integration(
            integrationArn=S3_INTEGRATION)["sources"]
        self.assertEqual([s["identifier"] for s in listed], [second])
        self.assertClientError("ResourceNotFoundException",
                               "The specified data source association does not exist.",
                               self.logs.disassociate_source_from_s3_table_integration,
                               identifier=first)
        self.assertEqual(len(self.logs.list_sources_for_s3_table_integration(
            integrationArn=S3_INTEGRATION + "x")["sources"]), 1)
        self.assertNotEqual(other, first)

    def test_paging(self):
        ids = sorted(self.associate(f"source_{i}") for i in range(5))
        self.associate("elsewhere", integration=S3_INTEGRATION + "x")
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"nextToken": token} if token else {}
            page = self.logs.list_sources_for_s3_table_integration(
                integrationArn=S3_INTEGRATION, maxResults=2, **kwargs)
            seen += [s["identifier"] for s in page["sources"]]
            pages += 1
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual((seen, pages), (ids, 3))
        self.assertClientError("ValidationException", "The specified nextToken is invalid.",
                               self.logs.list_sources_for_s3_table_integration,
                               integrationArn=S3_INTEGRATION + "x", nextToken="bogus")

    def test_model_validation(self):
        self.assertClientError(
            "ValidationException",
            "2 validation errors detected: Value null at 'integrationArn' failed to satisfy "
            "constraint: Member must not be null; Value null at 'dataSource.name' failed to "
            "satisfy constraint: Member must not be null",
            self.raw.associate_source_to_s3_table_integration, dataSource={"type": "flow"})
        self.assertClientError("ValidationException", "Invalid integrationArn: s3tables",
                               self.raw.associate_source_to_s3_table_integration,
                               integrationArn="s3tables", dataSource={"name": "x"})
        self.assertClientError(
            "ValidationException",
            validation_message("'101'", "maxResults", "have value less than or equal to 100"),
            self.raw.list_sources_for_s3_table_integration, integrationArn=S3_INTEGRATION,
            maxResults=101)
        self.assertClientError(
            "ValidationException",
            validation_message("''", "identifier", "have length greater than or equal to 1"),
            self.raw.disassociate_source_from_s3_table_integration, identifier="")
        self.assertClientError("SerializationException", None,
                               self.raw.associate_source_to_s3_table_integration,
                               integrationArn=S3_INTEGRATION, dataSource="x")


class HostileInputTest(RecentModelTestCase):
    def test_odd_shapes_are_refused_and_the_server_keeps_answering(self):
        calls = [
            ("create_log_anomaly_detector", {"logGroupArnList": [None]}),
            ("create_log_anomaly_detector", {"logGroupArnList": [1, {}]}),
            ("create_log_anomaly_detector", {"logGroupArnList": [], "tags": {"a": None}}),
            ("create_log_anomaly_detector", {"logGroupArnList": ["arn:"],
                                             "anomalyVisibilityTime": 1e300}),
            ("update_log_anomaly_detector", {"anomalyDetectorArn": {}, "enabled": "yes"}),
            ("list_log_anomaly_detectors", {"limit": "9", "nextToken": "\u0000"}),
            ("update_anomaly", {"anomalyDetectorArn": "x", "suppressionPeriod": {"value": "x"}}),
            ("update_anomaly", {"anomalyDetectorArn": "x", "suppressionPeriod": {"value": 2**40}}),
            ("put_integration", {"integrationName": "x", "integrationType": "OPENSEARCH",
                                 "resourceConfig": {"openSearchResourceConfig": None}}),
            ("put_integration", {"integrationName": "x", "integrationType": "OPENSEARCH",
                                 "resourceConfig": {"openSearchResourceConfig": {
                                     "dataSourceRoleArn": "r", "retentionDays": 1,
                                     "dashboardViewerPrincipals": [None, 3]}}}),
            ("put_integration", {"integrationName": "x", "integrationType": "OPENSEARCH",
                                 "resourceConfig": {"other": {}}}),
            ("associate_source_to_s3_table_integration", {"integrationArn": "arn:a:b:c:d:e",
                                                          "dataSource": {"name": 5}}),
            ("list_sources_for_s3_table_integration", {"integrationArn": [],
                                                       "maxResults": -1}),
        ]
        for operation, params in calls:
            with self.subTest(operation=operation, params=params):
                with self.assertRaises(Exception) as cm:
                    getattr(self.raw, operation)(**params)
                status = cm.exception.response["ResponseMetadata"]["HTTPStatusCode"]
                self.assertEqual(status, 400, cm.exception.response["Error"])
        self.assertEqual(self.logs.list_integrations()["integrationSummaries"], [])


class DurabilityTest(RecentModelTestCase):
    def test_records_survive_a_restart(self):
        self.logs.create_log_group(logGroupName="/app/durable")
        arn = self.logs.create_log_anomaly_detector(
            logGroupArnList=[group_arn("/app/durable")], detectorName="kept",
            evaluationFrequency="TEN_MIN")["anomalyDetectorArn"]
        self.logs.update_log_anomaly_detector(anomalyDetectorArn=arn, enabled=False)
        before = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        before.pop("ResponseMetadata", None)
        self.logs.put_integration(integrationName="kept", integrationType="OPENSEARCH",
                                  resourceConfig=OPENSEARCH)
        source = self.logs.associate_source_to_s3_table_integration(
            integrationArn=S3_INTEGRATION, dataSource={"name": "kept"})["identifier"]
        self.restart()
        after = self.logs.get_log_anomaly_detector(anomalyDetectorArn=arn)
        after.pop("ResponseMetadata", None)
        self.assertEqual(after, before)
        self.assertEqual(self.logs.get_integration(integrationName="kept")["integrationName"],
                         "kept")
        listed = self.logs.list_sources_for_s3_table_integration(
            integrationArn=S3_INTEGRATION)["sources"]
        self.assertEqual([s["identifier"] for s in listed], [source])


if __name__ == "__main__":
    unittest.main()
