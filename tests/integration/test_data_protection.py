"""Data protection masking through boto3: with a group's (or the account's) data protection
policy, GetLogEvents and FilterLogEvents show the data its managed identifiers match as '*'
(EmailAddress, IpAddress, AwsSecretKey) in events ingested since the policy was put, and
`unmask=True` shows the stored text. Logs Insights sees the masked text."""

import json
import time
import unittest

from cwlogd_harness import RecentModelTestCase, now_ms

ARN = "arn:aws:dataprotection::aws:data-identifier/"


def policy(*identifiers):
    ids = [ARN + i for i in identifiers]
    return json.dumps({
        "Name": "data-protection-policy", "Version": "2021-06-01",
        "Statement": [
            {"Sid": "audit", "DataIdentifier": ids, "Operation": {"Audit": {"FindingsDestination": {}}}},
            {"Sid": "redact", "DataIdentifier": ids, "Operation": {"Deidentify": {"MaskConfig": {}}}},
        ]})


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
MESSAGE = f"user bob@example.com from 10.1.2.3 aws_secret_access_key={SECRET} ok"


def wait_done(logs, query_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        r = logs.get_query_results(queryId=query_id)
        if r["status"] not in ("Scheduled", "Running"):
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"query {query_id} still {r['status']} after {timeout}s")
        time.sleep(0.05)


def stars(s):
    return "*" * len(s)


class DataProtectionTest(RecentModelTestCase):
    def setUp(self):
        super().setUp()
        self.make_stream("app", "s", client=self.logs)

    def get_messages(self, **kwargs):
        events = self.logs.get_log_events(logGroupName="app", logStreamName="s",
                                          startFromHead=True, **kwargs)["events"]
        return [e["message"] for e in events]

    def filter_messages(self, **kwargs):
        return [e["message"] for e in self.logs.filter_log_events(logGroupName="app",
                                                                  **kwargs)["events"]]

    def test_group_policy_masks_what_it_names_in_later_events(self):
        t = now_ms()
        self.put("app", "s", [(t, "before " + MESSAGE)], client=self.logs)
        time.sleep(0.01)  # the policy's time is after the first event's ingestion
        self.logs.put_data_protection_policy(logGroupIdentifier="app",
                                             policyDocument=policy("EmailAddress", "IpAddress"))
        self.put("app", "s", [(t + 1, MESSAGE)], client=self.logs)
        masked = f"user {stars('bob@example.com')} from {stars('10.1.2.3')} " \
                 f"aws_secret_access_key={SECRET} ok"
        # The event ingested before the policy is not masked, as on AWS.
        self.assertEqual(self.get_messages(), ["before " + MESSAGE, masked])
        self.assertEqual(self.filter_messages(), ["before " + MESSAGE, masked])
        self.assertEqual(self.get_messages(unmask=True), ["before " + MESSAGE, MESSAGE])
        self.assertEqual(self.filter_messages(unmask=True), ["before " + MESSAGE, MESSAGE])
        # A filter pattern matches the stored text; the page shows it masked.
        self.assertEqual(self.filter_messages(filterPattern='"bob@example.com"'),
                         ["before " + MESSAGE, masked])

    def test_account_policy_and_secret_keys(self):
        self.logs.put_account_policy(policyName="dp", policyType="DATA_PROTECTION_POLICY",
                                     policyDocument=policy("AwsSecretKey"), scope="ALL")
        t = now_ms()
        self.put("app", "s", [(t, MESSAGE), (t + 1, "no secrets here: 1.2.3.4.5 a@b")],
                 client=self.logs)
        self.assertEqual(self.get_messages(), [
            f"user bob@example.com from 10.1.2.3 aws_secret_access_key={stars(SECRET)} ok",
            "no secrets here: 1.2.3.4.5 a@b"])

    def test_json_events_and_several_matches(self):
        self.logs.put_data_protection_policy(logGroupIdentifier="app",
                                             policyDocument=policy("EmailAddress", "IpAddress"))
        msg = json.dumps({"from": "a.b@x.org", "to": "c@y.io", "peer": "192.168.0.1",
                          "version": "1.2.3", "big": "999.1.1.1"})
        self.put("app", "s", [(now_ms(), msg)], client=self.logs)
        shown = json.loads(self.get_messages()[0])
        self.assertEqual(shown, {"from": stars("a.b@x.org"), "to": stars("c@y.io"),
                                 "peer": stars("192.168.0.1"), "version": "1.2.3",
                                 "big": "999.1.1.1"})

    def test_insights_sees_masked_text(self):
        self.logs.put_data_protection_policy(logGroupIdentifier="app",
                                             policyDocument=policy("EmailAddress"))
        t = now_ms()
        self.put("app", "s", [(t - 1000, '{"user": "bob@example.com", "n": 1}')],
                 client=self.logs)
        qid = self.logs.start_query(logGroupName="app", startTime=(t - 60_000) // 1000,
                                    endTime=t // 1000 + 60,
                                    queryString="fields @message, user | filter n = 1")["queryId"]
        rows = wait_done(self.logs, qid)["results"]
        shown = [{c["field"]: c["value"] for c in row} for row in rows]
        self.assertEqual([(r["@message"], r["user"]) for r in shown],
                         [('{"user": "' + stars("bob@example.com") + '", "n": 1}',
                           stars("bob@example.com"))])
        # The data is not there to be found either: masked at every egress, as on AWS.
        qid = self.logs.start_query(logGroupName="app", startTime=(t - 60_000) // 1000,
                                    endTime=t // 1000 + 60,
                                    queryString="filter @message like /bob@/")["queryId"]
        self.assertEqual(wait_done(self.logs, qid)["results"], [])

    def test_deleting_the_policy_shows_the_stored_text(self):
        self.logs.put_data_protection_policy(logGroupIdentifier="app",
                                             policyDocument=policy("EmailAddress"))
        self.put("app", "s", [(now_ms(), MESSAGE)], client=self.logs)
        self.assertNotEqual(self.get_messages(), [MESSAGE])
        self.logs.delete_data_protection_policy(logGroupIdentifier="app")
        self.assertEqual(self.get_messages(), [MESSAGE])


if __name__ == "__main__":
    unittest.main()
