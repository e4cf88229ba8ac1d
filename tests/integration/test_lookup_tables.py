"""Lookup tables through boto3: Create/Get/Describe/Update/DeleteLookupTable. The happy path, the
model's validation errors (sent raw, as botocore validates on the client first), CSV checks,
not-found, duplicates, paging and durability across a restart."""

import unittest

from cwlogd_harness import RecentModelTestCase, validation_message

ACCOUNT = "000000000000"
REGION = "us-east-1"
CSV = 'id,name,team\n1,alice,"web, api"\n2,"bob ""b""",db\n'


def arn(name):
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:lookup-table:{name}"


class LookupTableTest(RecentModelTestCase):
    def test_tags_by_arn(self):
        self.logs.create_lookup_table(lookupTableName="users", tableBody=CSV, tags={"a": "1"})
        self.logs.tag_resource(resourceArn=arn("users"), tags={"b": "2"})
        self.logs.untag_resource(resourceArn=arn("users"), tagKeys=["a"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn("users"))["tags"],
                         {"b": "2"})
        self.assertClientError("ResourceNotFoundException",
                               "The specified lookup table does not exist.",
                               self.logs.list_tags_for_resource, resourceArn=arn("nothing"))

    def test_create_get_describe_update_delete(self):
        made = self.logs.create_lookup_table(lookupTableName="users", description="who",
                                             tableBody=CSV, tags={"team": "obs"})
        self.assertEqual(made["lookupTableArn"], arn("users"))
        created = made["createdAt"]
        got = self.logs.get_lookup_table(lookupTableArn=arn("users"))
        got.pop("ResponseMetadata", None)
        self.assertEqual(got, {"lookupTableArn": arn("users"), "lookupTableName": "users",
                               "description": "who", "tableBody": CSV,
                               "sizeBytes": len(CSV.encode()), "lastUpdatedTime": created})
        listed = self.logs.describe_lookup_tables()["lookupTables"]
        self.assertEqual(listed, [{"lookupTableArn": arn("users"), "lookupTableName": "users",
                                   "description": "who", "tableFields": ["id", "name", "team"],
                                   "recordsCount": 2, "sizeBytes": len(CSV.encode()),
                                   "lastUpdatedTime": created}])
        body = "id;x\r\n1\r\n"
        updated = self.logs.update_lookup_table(lookupTableArn=arn("users"), tableBody=body,
                                                kmsKeyId="arn:aws:kms:us-east-1:1:key/k")
        self.assertEqual(updated["lookupTableArn"], arn("users"))
        self.assertGreaterEqual(updated["lastUpdatedTime"], created)
        listed = self.logs.describe_lookup_tables()["lookupTables"][0]
        self.assertEqual((listed["tableFields"], listed["recordsCount"], listed["kmsKeyId"],
                          listed["description"]), (["id;x"], 1, "arn:aws:kms:us-east-1:1:key/k",
                                                   "who"))
        # An empty kmsKeyId removes the key.
        self.logs.update_lookup_table(lookupTableArn=arn("users"), tableBody=body, kmsKeyId="")
        self.assertNotIn("kmsKeyId", self.logs.get_lookup_table(lookupTableArn=arn("users")))
        self.restart()
        self.assertEqual(self.logs.get_lookup_table(lookupTableArn=arn("users"))["tableBody"],
                         body)
        self.logs.delete_lookup_table(lookupTableArn=arn("users"))
        self.assertEqual(self.logs.describe_lookup_tables()["lookupTables"], [])

    def test_errors(self):
        self.logs.create_lookup_table(lookupTableName="t", tableBody="a\n")
        self.assertClientError("ResourceAlreadyExistsException",
                               "The specified lookup table already exists.",
                               self.logs.create_lookup_table, lookupTableName="t",
                               tableBody="a\n")
        for call in (lambda: self.logs.get_lookup_table(lookupTableArn=arn("none")),
                     lambda: self.logs.delete_lookup_table(lookupTableArn=arn("none")),
                     lambda: self.logs.update_lookup_table(lookupTableArn=arn("none"),
                                                           tableBody="a\n"),
                     lambda: self.logs.get_lookup_table(lookupTableArn="not-an-arn")):
            self.assertClientError("ResourceNotFoundException",
                                   "The specified lookup table does not exist.", call)
        self.assertClientError("ValidationException",
                               "The table body is not valid CSV: a quoted field is not closed.",
                               self.logs.create_lookup_table, lookupTableName="q",
                               tableBody='a\n"open\n')
        self.assertClientError(
            "ValidationException",
            "The table body's first row must be a header row naming every column.",
            self.logs.create_lookup_table, lookupTableName="q", tableBody="a,,b\n1,2,3\n")

    def test_validation_errors_of_the_model(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("'bad-name'", "lookupTableName",
                                                  "satisfy regular expression pattern: "
                                                  "^[a-zA-Z0-9_]+$"),
                               self.raw.create_lookup_table, lookupTableName="bad-name",
                               tableBody="a\n")
        self.assertClientError("InvalidParameterException",
                               validation_message("null", "tableBody", "not be null"),
                               self.raw.create_lookup_table, lookupTableName="ok")
        self.assertClientError("InvalidParameterException",
                               validation_message("'" + "d" * 1025 + "'", "description",
                                                  "have length less than or equal to 1024"),
                               self.raw.create_lookup_table, lookupTableName="ok",
                               tableBody="a\n", description="d" * 1025)
        self.assertClientError("InvalidParameterException",
                               validation_message("'101'", "maxResults",
                                                  "have value less than or equal to 100"),
                               self.raw.describe_lookup_tables, maxResults=101)
        self.assertClientError("InvalidParameterException",
                               validation_message("null", "lookupTableArn", "not be null"),
                               self.raw.delete_lookup_table)

    def test_describe_by_prefix_in_name_order_with_paging(self):
        for name in ("b_2", "a_1", "b_1", "c"):
            self.logs.create_lookup_table(lookupTableName=name, tableBody="h\n1\n")
        page = self.logs.describe_lookup_tables(maxResults=2)
        self.assertEqual([t["lookupTableName"] for t in page["lookupTables"]], ["a_1", "b_1"])
        rest = self.logs.describe_lookup_tables(maxResults=2, nextToken=page["nextToken"])
        self.assertEqual([t["lookupTableName"] for t in rest["lookupTables"]], ["b_2", "c"])
        self.assertNotIn("nextToken", rest)
        only_b = self.logs.describe_lookup_tables(lookupTableNamePrefix="b_")["lookupTables"]
        self.assertEqual([t["lookupTableName"] for t in only_b], ["b_1", "b_2"])
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_lookup_tables, lookupTableNamePrefix="b_",
                               nextToken=page["nextToken"])


if __name__ == "__main__":
    unittest.main()
