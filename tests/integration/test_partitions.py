"""(account, region) isolation: the region comes from the SigV4 credential scope, the account from
a 12-digit access key id (anything else is account 000000000000)."""

import unittest

from cwlogd_harness import MSG_GROUP_NOT_FOUND, ServerTestCase, now_ms


class PartitionTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.east = cls.server.client(region="us-east-1", access_key="test")
        cls.west = cls.server.client(region="eu-west-1", access_key="test")
        cls.acct = cls.server.client(region="us-east-1", access_key="111111111111")
        cls.acct_recent = cls.server.recent_client(region="us-east-1", access_key="111111111111")
        cls.other_key_default_acct = cls.server.client(region="us-east-1",
                                                       access_key="AKIAIOSFODNN7EXAMPLE")

    def describe(self, client):
        return client.describe_log_groups()["logGroups"]

    def test_same_name_in_each_partition(self):
        t = now_ms()
        for client, stream, msg in [(self.east, "e", "from east"), (self.west, "w", "from west"),
                                    (self.acct, "a", "from account 1")]:
            client.create_log_group(logGroupName="shared")
            client.create_log_stream(logGroupName="shared", logStreamName=stream)
            client.put_log_events(logGroupName="shared", logStreamName=stream,
                                  logEvents=[{"timestamp": t, "message": msg}])
        for client, stream, msg in [(self.east, "e", "from east"), (self.west, "w", "from west"),
                                    (self.acct, "a", "from account 1")]:
            streams = [s["logStreamName"] for s in
                       client.describe_log_streams(logGroupName="shared")["logStreams"]]
            self.assertEqual(streams, [stream])
            events = client.filter_log_events(logGroupName="shared")["events"]
            self.assertEqual([e["message"] for e in events], [msg])

    def test_arns_name_region_and_account(self):
        self.east.create_log_group(logGroupName="g")
        self.west.create_log_group(logGroupName="g")
        self.acct.create_log_group(logGroupName="g")
        self.assertEqual(self.describe(self.east)[0]["arn"],
                         "arn:aws:logs:us-east-1:000000000000:log-group:g:*")
        self.assertEqual(self.describe(self.west)[0]["arn"],
                         "arn:aws:logs:eu-west-1:000000000000:log-group:g:*")
        self.assertEqual(self.describe(self.acct_recent)[0]["logGroupArn"],
                         "arn:aws:logs:us-east-1:111111111111:log-group:g")
        self.acct.create_log_stream(logGroupName="g", logStreamName="s")
        self.assertEqual(self.acct.describe_log_streams(logGroupName="g")["logStreams"][0]["arn"],
                         "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:s")

    def test_groups_are_invisible_elsewhere(self):
        self.west.create_log_group(logGroupName="only-west")
        self.assertEqual(self.describe(self.east), [])
        self.assertEqual(self.describe(self.acct), [])
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.east.create_log_stream, logGroupName="only-west",
                               logStreamName="s")
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.acct.delete_log_group, logGroupName="only-west")
        self.assertEqual([g["logGroupName"] for g in self.describe(self.west)], ["only-west"])

    def test_non_numeric_key_is_the_default_account(self):
        self.east.create_log_group(logGroupName="g")
        self.assertEqual([g["logGroupName"] for g in self.describe(self.other_key_default_acct)],
                         ["g"])
        self.assertClientError("ResourceAlreadyExistsException",
                               "The specified log group already exists",
                               self.other_key_default_acct.create_log_group, logGroupName="g")

    def test_delete_in_one_partition_keeps_the_others(self):
        t = now_ms()
        for client in (self.east, self.west):
            client.create_log_group(logGroupName="g")
            client.create_log_stream(logGroupName="g", logStreamName="s")
            client.put_log_events(logGroupName="g", logStreamName="s",
                                  logEvents=[{"timestamp": t, "message": "kept"}])
        self.east.delete_log_group(logGroupName="g")
        self.assertEqual(self.describe(self.east), [])
        events = self.west.get_log_events(logGroupName="g", logStreamName="s",
                                          startFromHead=True)["events"]
        self.assertEqual([e["message"] for e in events], ["kept"])

    def test_reset_wipes_every_partition(self):
        self.west.create_log_group(logGroupName="w")
        self.acct.create_log_group(logGroupName="a")
        self.server.reset()
        self.assertEqual(self.describe(self.west), [])
        self.assertEqual(self.describe(self.acct), [])


if __name__ == "__main__":
    unittest.main()
