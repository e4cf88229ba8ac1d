"""STS GetCallerIdentity on the Logs port (docs/api-coverage.md, "STS"): boto3, both aws CLIs and
a raw form; the account follows the access key rule of the partitions."""

import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import AwsCli, ServerTestCase, find_aws_v1, find_aws_v2


class StsTest(ServerTestCase):
    def sts(self, access_key="test", region="us-east-1"):
        return boto3.session.Session().client(
            "sts", endpoint_url=self.server.endpoint, region_name=region,
            aws_access_key_id=access_key, aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}))

    def test_default_account(self):
        who = self.sts().get_caller_identity()
        self.assertEqual(who["Account"], "000000000000")
        self.assertEqual(who["UserId"], "000000000000")
        self.assertEqual(who["Arn"], "arn:aws:iam::000000000000:root")
        self.assertEqual(who["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_account_from_a_12_digit_access_key_and_partition_from_the_region(self):
        who = self.sts(access_key="123456789012", region="cn-north-1").get_caller_identity()
        self.assertEqual(who["Account"], "123456789012")
        self.assertEqual(who["Arn"], "arn:aws-cn:iam::123456789012:root")

    def test_the_account_is_the_one_logs_uses(self):
        logs = self.server.recent_client(access_key="210987654321")
        logs.create_log_group(logGroupName="mine")
        arn = logs.describe_log_groups()["logGroups"][0]["logGroupArn"]
        account = self.sts(access_key="210987654321").get_caller_identity()["Account"]
        self.assertEqual(arn.split(":")[4], account)

    def test_other_actions_are_refused(self):
        status, headers, body = self.server.http(
            "POST", "/", body=b"Action=AssumeRole&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/"
                                      "aws4_request, SignedHeaders=host, Signature=00"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertIn(b"Could not find operation AssumeRole for version 2011-06-15", body)
        with self.assertRaises(ClientError) as cm:
            self.sts().assume_role(RoleArn="arn:aws:iam::000000000000:role/r",
                                   RoleSessionName="session")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidAction")

    def test_unsigned_form(self):
        status, headers, body = self.server.http(
            "POST", "/", body=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 200, body)
        self.assertIn(b"<Account>000000000000</Account>", body)

    def cli(self, finder, label):
        exe = finder()
        if exe is None:
            self.skipTest(f"aws CLI {label} is not installed")
        res = AwsCli(exe, label).run(self.server, "sts", "get-caller-identity",
                                     access_key="123456789012")
        self.assertEqual(res.returncode, 0, res)
        self.assertEqual(res.json()["Account"], "123456789012")
        self.assertEqual(res.json()["Arn"], "arn:aws:iam::123456789012:root")

    def test_aws_cli_v1(self):
        self.cli(find_aws_v1, "v1")

    def test_aws_cli_v2(self):
        self.cli(find_aws_v2, "v2")


if __name__ == "__main__":
    unittest.main()
