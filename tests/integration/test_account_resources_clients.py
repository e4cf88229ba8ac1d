"""Account-level resources with the other clients: one sample per family with the aws CLI (v1 and
v2; a command an older CLI does not know is skipped) and with the JS SDK v3
(node/account_resources.mjs)."""

import json
import os
import subprocess
import unittest

from cwlogd_harness import (NODE_DIR, AwsCli, ServerTestCase, find_aws_v1, find_aws_v2,
                            js_sdk_dir)

DOC = json.dumps({"Version": "2012-10-17", "Statement": []})
DATA_PROTECTION_DOC = json.dumps({
    "Name": "p", "Version": "2021-06-01",
    "Statement": [
        {"DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Audit": {"FindingsDestination": {}}}},
        {"DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
         "Operation": {"Deidentify": {"MaskConfig": {}}}}]})


class CliSamples:
    """Test bodies shared by both CLI versions; subclasses set `label` and `finder`."""

    label = None
    finder = None

    def setUp(self):
        super().setUp()
        exe = type(self).finder()
        if exe is None:
            self.skipTest(f"aws CLI {self.label} is not installed")
        self.cli = AwsCli(exe, self.label)

    def aws(self, *args):
        res = self.cli.run(self.server, "logs", *args)
        if res.returncode != 0 and "Invalid choice" in res.stderr:
            self.skipTest(f"aws CLI {self.label} does not know `logs {args[0]}`")
        self.assertEqual(res.returncode, 0, res)
        return res.json()

    def test_resource_policy(self):
        put = self.aws("put-resource-policy", "--policy-name", "cli", "--policy-document", DOC)
        self.assertEqual(put["resourcePolicy"]["policyName"], "cli")
        got = self.aws("describe-resource-policies")
        self.assertEqual([p["policyName"] for p in got["resourcePolicies"]], ["cli"])
        self.aws("delete-resource-policy", "--policy-name", "cli")

    def test_destination(self):
        d = self.aws("put-destination", "--destination-name", "cli-dest", "--target-arn",
                     "arn:aws:kinesis:us-east-1:000000000000:stream/s", "--role-arn",
                     "arn:aws:iam::000000000000:role/r")["destination"]
        self.assertEqual(d["arn"], "arn:aws:logs:us-east-1:000000000000:destination:cli-dest")
        self.aws("put-destination-policy", "--destination-name", "cli-dest", "--access-policy",
                 DOC)
        got = self.aws("describe-destinations", "--destination-name-prefix", "cli")
        self.assertEqual(got["destinations"][0]["accessPolicy"], DOC)
        res = self.cli.run(self.server, "logs", "delete-destination", "--destination-name",
                           "none")
        self.assertNotEqual(res.returncode, 0, res)
        self.assertIn("(ResourceNotFoundException)", res.stderr)

    def test_account_policy(self):
        self.aws("put-account-policy", "--policy-name", "cli", "--policy-type",
                 "DATA_PROTECTION_POLICY", "--policy-document", DATA_PROTECTION_DOC)
        got = self.aws("describe-account-policies", "--policy-type", "DATA_PROTECTION_POLICY")
        self.assertEqual([p["policyName"] for p in got["accountPolicies"]], ["cli"])

    def test_data_protection_policy(self):
        self.logs.create_log_group(logGroupName="cli-group")
        self.aws("put-data-protection-policy", "--log-group-identifier", "cli-group",
                 "--policy-document", DATA_PROTECTION_DOC)
        got = self.aws("get-data-protection-policy", "--log-group-identifier", "cli-group")
        self.assertEqual(got["policyDocument"], DATA_PROTECTION_DOC)

    def test_index_policy(self):
        self.logs.create_log_group(logGroupName="cli-group")
        self.aws("put-index-policy", "--log-group-identifier", "cli-group", "--policy-document",
                 json.dumps({"Fields": ["requestId"]}))
        got = self.aws("describe-field-indexes", "--log-group-identifiers", "cli-group")
        self.assertEqual([f["fieldIndexName"] for f in got["fieldIndexes"]], ["requestId"])


class CliV1Test(CliSamples, ServerTestCase):
    label = "v1"
    finder = staticmethod(find_aws_v1)


class CliV2Test(CliSamples, ServerTestCase):
    label = "v2"
    finder = staticmethod(find_aws_v2)


class JsSdkTest(ServerTestCase):
    def test_one_sample_per_family(self):
        node_dir = js_sdk_dir()
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint)
        proc = subprocess.run(["node", os.path.join(NODE_DIR, "account_resources.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=node_dir)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        self.assertEqual(out, {
            "resourcePolicies": ["js"],
            "destinationArn": "arn:aws:logs:us-east-1:000000000000:destination:js-dest",
            "destinations": ["js-dest"],
            "accountPolicies": ["js-sub"],
            "dataProtection": True,
            "fieldIndexes": ["requestId"],
            "notFound": "ResourceNotFoundException",
        })


if __name__ == "__main__":
    unittest.main()
