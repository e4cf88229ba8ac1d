"""Account-level resources through boto3: resource policies, destinations, account policies, data
protection policies, index policies and DescribeFieldIndexes. Per family: the happy path, the
model's validation errors (sent raw, as botocore validates on the client first), not-found,
limits, paging and durability across a restart."""

import json
import unittest

from cwlogd_harness import RecentModelTestCase, validation_message

ACCOUNT = "000000000000"
REGION = "us-east-1"

RESOURCE_DOC = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Route53", "Effect": "Allow",
                   "Principal": {"Service": "route53.amazonaws.com"},
                   "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                   "Resource": "arn:aws:logs:*:*:log-group:/aws/route53/*"}]})

DATA_PROTECTION_DOC = json.dumps({
    "Name": "data-protection-policy", "Description": "", "Version": "2021-06-01",
    "Statement": [
        {"Sid": "audit-policy",
         "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"Sid": "redact-policy",
         "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Deidentify": {"MaskConfig": {}}}}]})

INDEX_DOC = json.dumps({"Fields": ["RequestId", "TransactionId"]})


def group_arn(name, region=REGION):
    return f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{name}"


class ResourcePolicyTest(RecentModelTestCase):
    def test_put_describe_replace_delete(self):
        put = self.logs.put_resource_policy(policyName="route53", policyDocument=RESOURCE_DOC)
        policy = put["resourcePolicy"]
        self.assertEqual(policy["policyName"], "route53")
        self.assertEqual(policy["policyDocument"], RESOURCE_DOC)
        self.assertEqual(policy["policyScope"], "ACCOUNT")
        self.assertIsInstance(policy["lastUpdatedTime"], int)
        self.assertEqual(put["revisionId"], policy["revisionId"])
        described = self.logs.describe_resource_policies()["resourcePolicies"]
        self.assertEqual(described, [policy])
        other = RESOURCE_DOC.replace("Route53", "Other")
        again = self.logs.put_resource_policy(policyName="route53", policyDocument=other)
        self.assertNotEqual(again["revisionId"], put["revisionId"])
        described = self.logs.describe_resource_policies()["resourcePolicies"]
        self.assertEqual([p["policyDocument"] for p in described], [other])
        self.logs.delete_resource_policy(policyName="route53")
        self.assertEqual(self.logs.describe_resource_policies()["resourcePolicies"], [])

    def test_not_found(self):
        self.assertClientError("ResourceNotFoundException",
                               "Policy with name [nope] does not exist.",
                               self.logs.delete_resource_policy, policyName="nope")

    def test_ten_per_region(self):
        for i in range(10):
            self.logs.put_resource_policy(policyName=f"p{i}", policyDocument=RESOURCE_DOC)
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.logs.put_resource_policy, policyName="p10",
                               policyDocument=RESOURCE_DOC)
        # Replacing one is no new policy; another region has its own ten.
        self.logs.put_resource_policy(policyName="p3", policyDocument=RESOURCE_DOC)
        self.server.client(region="eu-west-1").put_resource_policy(policyName="p10",
                                                                   policyDocument=RESOURCE_DOC)
        self.logs.delete_resource_policy(policyName="p0")
        self.logs.put_resource_policy(policyName="p10", policyDocument=RESOURCE_DOC)

    def test_document_size_and_shape(self):
        big = json.dumps({"Version": "2012-10-17", "Pad": "x" * 5120})
        self.assertClientError("InvalidParameterException",
                               "The policyDocument must not be longer than 5120 characters.",
                               self.logs.put_resource_policy, policyName="big",
                               policyDocument=big)
        self.assertClientError("InvalidParameterException",
                               "The policyDocument is not a valid JSON object.",
                               self.logs.put_resource_policy, policyName="bad",
                               policyDocument="not json")

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "policyDocument",
                                          "have length greater than or equal to 1"),
                               self.raw.put_resource_policy, policyName="x", policyDocument="")
        self.assertClientError("InvalidParameterException",
                               validation_message("'51'", "limit", "have value less than or equal to 50"),
                               self.raw.describe_resource_policies, limit=51)
        self.assertClientError("InvalidParameterException",
                               validation_message("'GLOBAL'", "policyScope",
                                          "satisfy enum value set: [ACCOUNT, RESOURCE]"),
                               self.raw.describe_resource_policies, policyScope="GLOBAL")
        self.assertClientError("InvalidParameterException",
                               "Exactly one of policyName and resourceArn must be specified.",
                               self.raw.put_resource_policy, policyDocument=RESOURCE_DOC)

    def test_paging(self):
        names = [f"p{i}" for i in range(7)]
        for n in reversed(names):
            self.logs.put_resource_policy(policyName=n, policyDocument=RESOURCE_DOC)
        seen, token = [], None
        while True:
            kw = {"limit": 3}
            if token:
                kw["nextToken"] = token
            page = self.logs.describe_resource_policies(**kw)
            self.assertLessEqual(len(page["resourcePolicies"]), 3)
            seen += [p["policyName"] for p in page["resourcePolicies"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(seen, names)
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_resource_policies, nextToken="garbage")

    def test_resource_scoped_policy_of_a_log_group(self):
        self.logs.create_log_group(logGroupName="/g")
        put = self.logs.put_resource_policy(resourceArn=group_arn("/g"),
                                            policyDocument=RESOURCE_DOC)
        self.assertEqual(put["resourcePolicy"]["policyScope"], "RESOURCE")
        self.assertEqual(put["resourcePolicy"]["resourceArn"], group_arn("/g"))
        self.assertEqual(self.logs.describe_resource_policies()["resourcePolicies"], [])
        scoped = self.logs.describe_resource_policies(policyScope="RESOURCE")["resourcePolicies"]
        self.assertEqual(scoped, [put["resourcePolicy"]])
        by_arn = self.logs.describe_resource_policies(resourceArn=group_arn("/g"))
        self.assertEqual(by_arn["resourcePolicies"], [put["resourcePolicy"]])
        self.assertClientError("OperationAbortedException", None, self.logs.put_resource_policy,
                               resourceArn=group_arn("/g"), policyDocument=RESOURCE_DOC,
                               expectedRevisionId="stale")
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.put_resource_policy, resourceArn=group_arn("/none"),
                               policyDocument=RESOURCE_DOC)
        # Deleting the group deletes its policy.
        self.logs.delete_log_group(logGroupName="/g")
        self.logs.create_log_group(logGroupName="/g")
        self.assertEqual(
            self.logs.describe_resource_policies(resourceArn=group_arn("/g"))["resourcePolicies"],
            [])

    def test_durable_across_restart(self):
        put = self.logs.put_resource_policy(policyName="keep", policyDocument=RESOURCE_DOC)
        self.restart()
        self.assertEqual(self.logs.describe_resource_policies()["resourcePolicies"],
                         [put["resourcePolicy"]])


class DestinationTest(RecentModelTestCase):
    TARGET = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/logs"
    ROLE = f"arn:aws:iam::{ACCOUNT}:role/CWLtoKinesisRole"

    def put(self, name, **kw):
        return self.logs.put_destination(destinationName=name, targetArn=self.TARGET,
                                         roleArn=self.ROLE, **kw)["destination"]

    def test_put_policy_describe_delete(self):
        d = self.put("dest")
        self.assertEqual(d["destinationName"], "dest")
        self.assertEqual(d["targetArn"], self.TARGET)
        self.assertEqual(d["roleArn"], self.ROLE)
        self.assertEqual(d["arn"], f"arn:aws:logs:{REGION}:{ACCOUNT}:destination:dest")
        self.assertIsInstance(d["creationTime"], int)
        self.assertNotIn("accessPolicy", d)
        self.logs.put_destination_policy(destinationName="dest", accessPolicy=RESOURCE_DOC)
        listed = self.logs.describe_destinations()["destinations"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["accessPolicy"], RESOURCE_DOC)
        # Put again: new role, same creation time, the policy stays.
        again = self.logs.put_destination(destinationName="dest", targetArn=self.TARGET,
                                          roleArn=self.ROLE + "2")["destination"]
        self.assertEqual(again["creationTime"], d["creationTime"])
        self.assertEqual(again["accessPolicy"], RESOURCE_DOC)
        self.logs.delete_destination(destinationName="dest")
        self.assertEqual(self.logs.describe_destinations()["destinations"], [])

    def test_not_found(self):
        msg = "The specified destination does not exist."
        self.assertClientError("ResourceNotFoundException", msg, self.logs.delete_destination,
                               destinationName="none")
        self.assertClientError("ResourceNotFoundException", msg,
                               self.logs.put_destination_policy, destinationName="none",
                               accessPolicy=RESOURCE_DOC)

    def test_model_validation(self):
        self.assertClientError("InvalidParameterException",
                               validation_message("'a:b'", "destinationName",
                                          "satisfy regular expression pattern: [^:*]*"),
                               self.raw.put_destination, destinationName="a:b",
                               targetArn=self.TARGET, roleArn=self.ROLE)
        long_name = "d" * 513
        self.assertClientError("InvalidParameterException",
                               validation_message(f"'{long_name}'", "destinationName",
                                          "have length less than or equal to 512"),
                               self.raw.delete_destination, destinationName=long_name)
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at 'roleArn' failed to "
                               "satisfy constraint: Member must not be null",
                               self.raw.put_destination, destinationName="d",
                               targetArn=self.TARGET)
        self.assertClientError("InvalidParameterException",
                               validation_message("'0'", "limit",
                                          "have value greater than or equal to 1"),
                               self.raw.describe_destinations, limit=0)

    def test_prefix_and_paging(self):
        for n in ["b1", "a2", "a1", "a3", "c"]:
            self.put(n)
        page = self.logs.describe_destinations(DestinationNamePrefix="a", limit=2)
        self.assertEqual([d["destinationName"] for d in page["destinations"]], ["a1", "a2"])
        rest = self.logs.describe_destinations(DestinationNamePrefix="a", limit=2,
                                               nextToken=page["nextToken"])
        self.assertEqual([d["destinationName"] for d in rest["destinations"]], ["a3"])
        self.assertNotIn("nextToken", rest)
        # A token is bound to its query.
        self.assertClientError("InvalidParameterException", "The specified nextToken is invalid.",
                               self.logs.describe_destinations, DestinationNamePrefix="b",
                               nextToken=page["nextToken"])
        all_names, token = [], {}
        while True:
            page = self.logs.describe_destinations(limit=2, **token)
            all_names += [d["destinationName"] for d in page["destinations"]]
            if "nextToken" not in page:
                break
            token = {"nextToken": page["nextToken"]}
        self.assertEqual(all_names, ["a1", "a2", "a3", "b1", "c"])

    def test_tags_at_creation_and_through_the_tagging_api(self):
        arn = self.put("tagged", tags={"team": "a"})["arn"]
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"], {"team": "a"})
        self.logs.tag_resource(resourceArn=arn, tags={"env": "dev"})
        self.logs.untag_resource(resourceArn=arn, tagKeys=["team"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"], {"env": "dev"})
        # Putting it again keeps its tags.
        self.put("tagged", tags={"ignored": "x"})
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"], {"env": "dev"})
        self.assertClientError("TooManyTagsException", None, self.logs.tag_resource,
                               resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
        self.assertClientError("ResourceNotFoundException",
                               "The specified destination does not exist.",
                               self.logs.list_tags_for_resource,
                               resourceArn=arn.replace("tagged", "none"))

    def test_durable_across_restart(self):
        self.put("keep")
        self.logs.put_destination_policy(destinationName="keep", accessPolicy=RESOURCE_DOC)
        before = self.logs.describe_destinations()["destinations"]
        self.restart()
        self.assertEqual(self.logs.describe_destinations()["destinations"], before)


class AccountPolicyTest(RecentModelTestCase):
    SUB_DOC = json.dumps({"DestinationArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f",
                          "FilterPattern": "", "Distribution": "Random"})

    def test_put_describe_delete(self):
        put = self.logs.put_account_policy(policyName="dp", policyDocument=DATA_PROTECTION_DOC,
                                           policyType="DATA_PROTECTION_POLICY",
                                           scope="ALL")["accountPolicy"]
        self.assertEqual(put["policyName"], "dp")
        self.assertEqual(put["policyType"], "DATA_PROTECTION_POLICY")
        self.assertEqual(put["scope"], "ALL")
        self.assertEqual(put["accountId"], ACCOUNT)
        self.assertEqual(put["policyDocument"], DATA_PROTECTION_DOC)
        listed = self.logs.describe_account_policies(
            policyType="DATA_PROTECTION_POLICY")["accountPolicies"]
        self.assertEqual(listed, [put])
        self.assertEqual(self.logs.describe_account_policies(
            policyType="SUBSCRIPTION_FILTER_POLICY")["accountPolicies"], [])
        self.logs.delete_account_policy(policyName="dp", policyType="DATA_PROTECTION_POLICY")
        self.assertEqual(self.logs.describe_account_policies(
            policyType="DATA_PROTECTION_POLICY")["accountPolicies"], [])

    def test_by_name_and_selection_criteria(self):
        for n in ["s1", "s2"]:
            self.logs.put_account_policy(policyName=n, policyDocument=self.SUB_DOC,
                                         policyType="SUBSCRIPTION_FILTER_POLICY",
                                         selectionCriteria='LogGroupName NOT IN ["x"]')
        got = self.logs.describe_account_policies(policyType="SUBSCRIPTION_FILTER_POLICY",
                                                  policyName="s2")["accountPolicies"]
        self.assertEqual([p["policyName"] for p in got], ["s2"])
        self.assertEqual(got[0]["selectionCriteria"], 'LogGroupName NOT IN ["x"]')
        other = self.logs.describe_account_policies(policyType="SUBSCRIPTION_FILTER_POLICY",
                                                    accountIdentifiers=["123456789012"])
        self.assertEqual(other["accountPolicies"], [])

    def test_limits_per_type(self):
        self.logs.put_account_policy(policyName="dp", policyDocument=DATA_PROTECTION_DOC,
                                     policyType="DATA_PROTECTION_POLICY")
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.logs.put_account_policy, policyName="dp2",
                               policyDocument=DATA_PROTECTION_DOC,
                               policyType="DATA_PROTECTION_POLICY")
        for n in ["a", "b"]:
            self.logs.put_account_policy(policyName=n, policyDocument=self.SUB_DOC,
                                         policyType="SUBSCRIPTION_FILTER_POLICY")
        self.assertClientError("LimitExceededException", "Resource limit exceeded.",
                               self.logs.put_account_policy, policyName="c",
                               policyDocument=self.SUB_DOC,
                               policyType="SUBSCRIPTION_FILTER_POLICY")

    def test_errors(self):
        self.assertClientError("ResourceNotFoundException",
                               "Policy with name [none] does not exist.",
                               self.logs.delete_account_policy, policyName="none",
                               policyType="FIELD_INDEX_POLICY")
        self.assertClientError("InvalidParameterException",
                               validation_message("'OTHER'", "policyType",
                                          "satisfy enum value set: [DATA_PROTECTION_POLICY, "
                                          "SUBSCRIPTION_FILTER_POLICY, FIELD_INDEX_POLICY, "
                                          "TRANSFORMER_POLICY, METRIC_EXTRACTION_POLICY]"),
                               self.raw.describe_account_policies, policyType="OTHER")
        self.assertClientError("InvalidParameterException",
                               validation_message("'SOME'", "scope", "satisfy enum value set: [ALL]"),
                               self.raw.put_account_policy, policyName="x",
                               policyDocument=self.SUB_DOC,
                               policyType="SUBSCRIPTION_FILTER_POLICY", scope="SOME")
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at 'policyType' failed "
                               "to satisfy constraint: Member must not be null",
                               self.raw.put_account_policy, policyName="x",
                               policyDocument=self.SUB_DOC)
        self.assertClientError("InvalidParameterException", None, self.logs.put_account_policy,
                               policyName="dp", policyDocument="{}",
                               policyType="DATA_PROTECTION_POLICY")

    def test_durable_across_restart(self):
        put = self.logs.put_account_policy(policyName="idx", policyDocument=INDEX_DOC,
                                           policyType="FIELD_INDEX_POLICY")["accountPolicy"]
        self.restart()
        self.assertEqual(self.logs.describe_account_policies(
            policyType="FIELD_INDEX_POLICY")["accountPolicies"], [put])


class DataProtectionPolicyTest(RecentModelTestCase):
    def setUp(self):
        super().setUp()
        self.logs.create_log_group(logGroupName="/app")

    def test_put_get_delete(self):
        put = self.logs.put_data_protection_policy(logGroupIdentifier="/app",
                                                   policyDocument=DATA_PROTECTION_DOC)
        self.assertEqual(put["logGroupIdentifier"], "/app")
        self.assertEqual(put["policyDocument"], DATA_PROTECTION_DOC)
        got = self.logs.get_data_protection_policy(logGroupIdentifier=group_arn("/app"))
        self.assertEqual(got["policyDocument"], DATA_PROTECTION_DOC)
        self.assertEqual(got["lastUpdatedTime"], put["lastUpdatedTime"])
        self.logs.delete_data_protection_policy(logGroupIdentifier="/app")
        got = self.logs.get_data_protection_policy(logGroupIdentifier="/app")
        self.assertEqual(got["logGroupIdentifier"], "/app")
        self.assertNotIn("policyDocument", got)

    def test_not_found(self):
        msg = "The specified log group does not exist."
        for call in (self.logs.get_data_protection_policy,
                     self.logs.delete_data_protection_policy):
            self.assertClientError("ResourceNotFoundException", msg, call,
                                   logGroupIdentifier="/none")
        self.assertClientError("ResourceNotFoundException", msg,
                               self.logs.put_data_protection_policy, logGroupIdentifier="/none",
                               policyDocument=DATA_PROTECTION_DOC)
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group has no data protection policy.",
                               self.logs.delete_data_protection_policy, logGroupIdentifier="/app")

    def test_document_checks(self):
        doc = json.loads(DATA_PROTECTION_DOC)
        doc["Statement"] = doc["Statement"][:1]
        self.assertClientError(
            "InvalidParameterException",
            "Invalid data protection policy document: Statement must hold exactly two "
            "statements (Audit, then Deidentify).",
            self.logs.put_data_protection_policy, logGroupIdentifier="/app",
            policyDocument=json.dumps(doc))
        doc = json.loads(DATA_PROTECTION_DOC)
        doc["Statement"][1]["DataIdentifier"] = ["arn:aws:dataprotection::aws:data-identifier/"
                                                 "IpAddress"]
        self.assertClientError(
            "InvalidParameterException",
            "Invalid data protection policy document: both statements must name the same "
            "DataIdentifier list.",
            self.logs.put_data_protection_policy, logGroupIdentifier="/app",
            policyDocument=json.dumps(doc))
        self.assertClientError("InvalidParameterException",
                               validation_message("'a b'", "logGroupIdentifier",
                                          "satisfy regular expression pattern: [\\w#+=/:,.@-]*"),
                               self.raw.get_data_protection_policy, logGroupIdentifier="a b")

    def test_deleted_with_its_group_and_durable(self):
        self.logs.put_data_protection_policy(logGroupIdentifier="/app",
                                             policyDocument=DATA_PROTECTION_DOC)
        self.restart()
        got = self.logs.get_data_protection_policy(logGroupIdentifier="/app")
        self.assertEqual(got["policyDocument"], DATA_PROTECTION_DOC)
        self.logs.delete_log_group(logGroupName="/app")
        self.logs.create_log_group(logGroupName="/app")
        self.assertNotIn("policyDocument",
                         self.logs.get_data_protection_policy(logGroupIdentifier="/app"))


class IndexPolicyTest(RecentModelTestCase):
    def setUp(self):
        super().setUp()
        self.logs.create_log_group(logGroupName="/app")

    def test_put_describe_fields_delete(self):
        put = self.logs.put_index_policy(logGroupIdentifier="/app",
                                         policyDocument=INDEX_DOC)["indexPolicy"]
        self.assertEqual(put["logGroupIdentifier"], "/app")
        self.assertEqual(put["policyDocument"], INDEX_DOC)
        self.assertEqual(put["source"], "LOG_GROUP")
        self.assertIsInstance(put["lastUpdateTime"], int)
        described = self.logs.describe_index_policies(logGroupIdentifiers=["/app"])
        self.assertEqual(described["indexPolicies"], [put])
        fields = self.logs.describe_field_indexes(logGroupIdentifiers=[group_arn("/app")])
        self.assertEqual([(f["logGroupIdentifier"], f["fieldIndexName"], f["type"])
                          for f in fields["fieldIndexes"]],
                         [("/app", "RequestId", "FIELD_INDEX"),
                          ("/app", "TransactionId", "FIELD_INDEX")])
        self.logs.delete_index_policy(logGroupIdentifier="/app")
        self.assertEqual(
            self.logs.describe_index_policies(logGroupIdentifiers=["/app"])["indexPolicies"], [])
        self.assertEqual(
            self.logs.describe_field_indexes(logGroupIdentifiers=["/app"])["fieldIndexes"], [])

    def test_account_level_policy_applies_unless_the_group_has_its_own(self):
        self.logs.put_account_policy(policyName="acct", policyType="FIELD_INDEX_POLICY",
                                     policyDocument=json.dumps({"Fields": ["userId"]}),
                                     selectionCriteria='LogGroupNamePrefix IN ["/app"]')
        described = self.logs.describe_index_policies(logGroupIdentifiers=["/app"])
        self.assertEqual(described["indexPolicies"][0]["source"], "ACCOUNT")
        self.assertEqual(described["indexPolicies"][0]["policyName"], "acct")
        self.logs.create_log_group(logGroupName="/other")
        self.assertEqual(
            self.logs.describe_index_policies(logGroupIdentifiers=["/other"])["indexPolicies"],
            [])
        self.logs.put_index_policy(logGroupIdentifier="/app", policyDocument=INDEX_DOC)
        described = self.logs.describe_index_policies(logGroupIdentifiers=["/app"])
        self.assertEqual(described["indexPolicies"][0]["source"], "LOG_GROUP")

    def test_errors(self):
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group does not exist.",
                               self.logs.put_index_policy, logGroupIdentifier="/none",
                               policyDocument=INDEX_DOC)
        self.assertClientError("ResourceNotFoundException",
                               "The specified log group has no index policy.",
                               self.logs.delete_index_policy, logGroupIdentifier="/app")
        self.assertClientError("InvalidParameterException",
                               "Invalid index policy document: it names 21 fields; at most 20 "
                               "are allowed.",
                               self.logs.put_index_policy, logGroupIdentifier="/app",
                               policyDocument=json.dumps({"Fields": [f"f{i}" for i in range(21)]}))
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value '[/app, /b]' at "
                               "'logGroupIdentifiers' failed to satisfy constraint: Member must "
                               "have length less than or equal to 1",
                               self.raw.describe_index_policies, logGroupIdentifiers=["/app", "/b"])
        self.assertClientError("InvalidParameterException",
                               validation_message("''", "policyDocument",
                                          "have length greater than or equal to 1"),
                               self.raw.put_index_policy, logGroupIdentifier="/app",
                               policyDocument="")

    def test_durable_and_deleted_with_its_group(self):
        self.logs.put_index_policy(logGroupIdentifier="/app", policyDocument=INDEX_DOC)
        self.restart()
        self.assertEqual(len(self.logs.describe_index_policies(
            logGroupIdentifiers=["/app"])["indexPolicies"]), 1)
        self.logs.delete_log_group(logGroupName="/app")
        self.logs.create_log_group(logGroupName="/app")
        self.assertEqual(
            self.logs.describe_index_policies(logGroupIdentifiers=["/app"])["indexPolicies"], [])


if __name__ == "__main__":
    unittest.main()
