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

    def test_next_tokens_only_resume_where_they_were_issued(self):
        # Issue #14 item 7: every paged operation's token is bound to its account and region.
        # The same names exist in each partition, so only that binding can refuse the token.
        east, west, acct = (self.server.recent_client(region=region, access_key=key)
                            for region, key in [("us-east-1", "test"), ("eu-west-1", "test"),
                                                ("us-east-1", "111111111111")])
        t = now_ms()
        for client in (east, west, acct):
            for group in ("g1", "g2", "g3"):
                client.create_log_group(logGroupName=group)
            for stream in ("s1", "s2"):
                client.create_log_stream(logGroupName="g1", logStreamName=stream)
            client.put_log_events(logGroupName="g1", logStreamName="s1", logEvents=[
                {"timestamp": t + i, "message": f"event {i}"} for i in range(3)])
            for name in ("f1", "f2"):
                client.put_metric_filter(
                    logGroupName="g1", filterName=name, filterPattern="",
                    metricTransformations=[{"metricName": "m", "metricNamespace": "ns",
                                            "metricValue": "1"}])
        paged = [
            ("describe_log_groups", {"limit": 1}, "nextToken"),
            ("list_log_groups", {"limit": 1}, "nextToken"),
            ("describe_metric_filters", {"limit": 1}, "nextToken"),
            ("describe_metric_filters", {"logGroupName": "g1", "limit": 1}, "nextToken"),
            ("describe_log_streams", {"logGroupName": "g1", "limit": 1}, "nextToken"),
            ("filter_log_events", {"logGroupName": "g1", "limit": 1}, "nextToken"),
            ("get_log_events", {"logGroupName": "g1", "logStreamName": "s1", "limit": 1,
                                "startFromHead": True}, "nextForwardToken"),
        ]
        for operation, params, token_member in paged:
            with self.subTest(operation=operation, params=params):
                token = getattr(east, operation)(**params)[token_member]
                for other in (west, acct):
                    self.assertClientError("InvalidParameterException",
                                           "The specified nextToken is invalid.",
                                           getattr(other, operation), nextToken=token, **params)
                getattr(east, operation)(nextToken=token, **params)  # still good at home

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
