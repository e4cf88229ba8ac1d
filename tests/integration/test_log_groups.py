"""Log groups through boto3: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, ListLogGroups."""

import unittest

from cwlogd_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, MSG_GROUP_NOT_FOUND, RawLogsClient,
                            ServerTestCase, now_ms)

NAME_PATTERN = r"[\.\-_/#A-Za-z0-9]+"


def group_arn(name, region=DEFAULT_REGION, account=DEFAULT_ACCOUNT):
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


class CreateLogGroupTest(ServerTestCase):

    def test_fresh_group_has_the_aws_shape(self):
        before = now_ms()
        self.logs.create_log_group(logGroupName="/itest/fresh")
        after = now_ms()
        groups = self.recent_logs.describe_log_groups()["logGroups"]
        self.assertEqual(len(groups), 1)
        g = groups[0]
        self.assertEqual(g["logGroupName"], "/itest/fresh")
        self.assertEqual(g["arn"], group_arn("/itest/fresh") + ":*")
        self.assertEqual(g["logGroupArn"], group_arn("/itest/fresh"))
        self.assertEqual(g["logGroupClass"], "STANDARD")
        self.assertEqual(g["metricFilterCount"], 0)
        self.assertEqual(g["storedBytes"], 0)
        self.assertIs(g["deletionProtectionEnabled"], False)
        self.assertGreaterEqual(g["creationTime"], before - 1000)
        self.assertLessEqual(g["creationTime"], after + 1000)
        self.assertNotIn("retentionInDays", g)
        self.assertNotIn("kmsKeyId", g)

    def test_raw_client_answers_as_boto3_does(self):
        # RawLogsClient stands in for boto3 where the installed botocore is older than a test
        # needs; on any botocore both must read the same answers and errors.
        raw = RawLogsClient(self.server)
        raw.create_log_group(logGroupName="raw", logGroupClass="INFREQUENT_ACCESS")
        self.logs.create_log_group(logGroupName="boto")
        for client in (raw, self.logs):
            with self.subTest(client=type(client).__name__):
                groups = client.describe_log_groups()["logGroups"]
                self.assertEqual([g["logGroupName"] for g in groups], ["boto", "raw"])
                self.assertEqual(groups[0]["arn"], group_arn("boto") + ":*")
                self.assertIsInstance(groups[0]["creationTime"], int)
                self.assertClientError("ResourceAlreadyExistsException",
                                       "The specified log group already exists",
                                       client.create_log_group, logGroupName="raw")
                self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                                       client.describe_log_streams, logGroupName="nope")
        self.assertEqual(raw.describe_log_groups(logGroupNamePrefix="raw")["logGroups"][0]
                         ["logGroupClass"], "INFREQUENT_ACCESS")

    def test_response_is_empty(self):
        resp = self.logs.create_log_group(logGroupName="g")
        self.assertEqual(set(resp.keys()) - {"ResponseMetadata"}, set())
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_log_group_class_is_stored(self):
        self.recent_logs.create_log_group(logGroupName="ia", logGroupClass="INFREQUENT_ACCESS")
        self.logs.create_log_group(logGroupName="std")
        by_name = {g["logGroupName"]: g
                   for g in self.recent_logs.describe_log_groups()["logGroups"]}
        self.assertEqual(by_name["ia"]["logGroupClass"], "INFREQUENT_ACCESS")
        self.assertEqual(by_name["std"]["logGroupClass"], "STANDARD")

    TAGS = {"team": "core", "env": "test-1", "cost:center": "42"}

    def test_tags_given_at_creation_are_listed_by_list_tags_for_resource(self):
        self.logs.create_log_group(logGroupName="tagged", tags=self.TAGS)
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=group_arn("tagged"))["tags"],
                         self.TAGS)

    def test_tags_given_at_creation_are_listed_by_list_tags_log_group(self):
        self.logs.create_log_group(logGroupName="tagged", tags=self.TAGS)
        self.assertEqual(self.logs.list_tags_log_group(logGroupName="tagged")["tags"], self.TAGS)

    def test_duplicate_name_is_rejected(self):
        self.logs.create_log_group(logGroupName="dup")
        self.assertClientError("ResourceAlreadyExistsException",
                               "The specified log group already exists",
                               self.logs.create_log_group, logGroupName="dup")

    def test_names_are_case_sensitive(self):
        self.logs.create_log_group(logGroupName="MyGroup")
        self.logs.create_log_group(logGroupName="mygroup")
        names = [g["logGroupName"] for g in self.logs.describe_log_groups()["logGroups"]]
        self.assertEqual(names, ["MyGroup", "mygroup"])

    def test_aws_prefix_is_reserved_in_any_case(self):
        for name in ["aws/cwagent", "AWS/batch/job", "Aws/x"]:
            with self.subTest(name=name):
                self.assertClientError("InvalidParameterException",
                                       "Log groups starting with AWS/ are reserved for AWS.",
                                       self.logs.create_log_group, logGroupName=name)
        self.logs.create_log_group(logGroupName="/aws/lambda/fn")
        names = [g["logGroupName"] for g in self.logs.describe_log_groups()["logGroups"]]
        self.assertEqual(names, ["/aws/lambda/fn"])

    def test_bad_characters_give_the_coral_message(self):
        for name in ["bad name", "colon:name", "star*", "é"]:
            with self.subTest(name=name):
                self.assertClientError(
                    "InvalidParameterException",
                    f"1 validation error detected: Value '{name}' at 'logGroupName' failed to "
                    f"satisfy constraint: Member must satisfy regular expression pattern: "
                    f"{NAME_PATTERN}",
                    self.logs.create_log_group, logGroupName=name)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"], [])

    def test_all_allowed_characters_are_accepted(self):
        name = "a.b-c_d/e#F9"
        self.logs.create_log_group(logGroupName=name)
        self.assertEqual(self.logs.describe_log_groups()["logGroups"][0]["logGroupName"], name)

    def test_name_longer_than_512(self):
        self.logs.create_log_group(logGroupName="x" * 512)
        self.assertClientError(
            "InvalidParameterException",
            "Invalid LogGroup or LogStream, both must have length less than or equal to 512.",
            self.logs.create_log_group, logGroupName="y" * 513)


class DeleteLogGroupTest(ServerTestCase):

    def test_delete_removes_group_streams_and_events(self):
        t = now_ms()
        self.make_stream("doomed", "s1")
        self.make_stream("doomed", "s2")
        self.put("doomed", "s1", [(t, "one"), (t + 1, "two")])
        self.put("doomed", "s2", [(t, "three")])
        self.make_stream("kept", "s1")
        self.put("kept", "s1", [(t, "survivor")])

        resp = self.logs.delete_log_group(logGroupName="doomed")
        self.assertEqual(set(resp.keys()) - {"ResponseMetadata"}, set())

        names = [g["logGroupName"] for g in self.logs.describe_log_groups()["logGroups"]]
        self.assertEqual(names, ["kept"])
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.get_log_events, logGroupName="doomed",
                               logStreamName="s1")
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.describe_log_streams, logGroupName="doomed")

        # Re-creating the name gives an empty group: no old streams, no old events.
        self.logs.create_log_group(logGroupName="doomed")
        self.assertEqual(self.logs.describe_log_streams(logGroupName="doomed")["logStreams"], [])
        self.assertEqual(self.logs.filter_log_events(logGroupName="doomed")["events"], [])
        self.logs.create_log_stream(logGroupName="doomed", logStreamName="s1")
        self.assertEqual(self.logs.get_log_events(logGroupName="doomed", logStreamName="s1",
                                                  startFromHead=True)["events"], [])
        self.assertEqual(self.logs.describe_log_groups(logGroupNamePrefix="doomed")
                         ["logGroups"][0]["storedBytes"], 0)

        # The other group is untouched.
        kept = self.logs.get_log_events(logGroupName="kept", logStreamName="s1",
                                        startFromHead=True)["events"]
        self.assertEqual([e["message"] for e in kept], ["survivor"])

    def test_missing_group(self):
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.delete_log_group, logGroupName="nope")

    def test_delete_twice(self):
        self.logs.create_log_group(logGroupName="once")
        self.logs.delete_log_group(logGroupName="once")
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               self.logs.delete_log_group, logGroupName="once")


class DescribeLogGroupsTest(ServerTestCase):

    # Both take the recent client for parameters older botocore lacks (logGroupClass,
    # logGroupIdentifiers), the test's boto3 client otherwise.
    def create(self, *names, **kwargs):
        client = self.recent_logs if kwargs else self.logs
        for n in names:
            client.create_log_group(logGroupName=n, **kwargs)

    def names(self, **kwargs):
        client = self.recent_logs if {"logGroupClass", "logGroupIdentifiers"} & kwargs.keys() \
            else self.logs
        return [g["logGroupName"] for g in client.describe_log_groups(**kwargs)["logGroups"]]

    def test_no_groups(self):
        resp = self.logs.describe_log_groups()
        self.assertEqual(resp["logGroups"], [])
        self.assertNotIn("nextToken", resp)

    def test_sorted_by_ascii_name(self):
        self.create("b", "a", "B", "_x", "/root", "a.b", "a-b", "A")
        self.assertEqual(self.names(), sorted(["b", "a", "B", "_x", "/root", "a.b", "a-b", "A"]))

    def test_prefix_is_case_sensitive(self):
        self.create("/app/a", "/app/b", "/App/c", "/apple", "/other")
        self.assertEqual(self.names(logGroupNamePrefix="/app/"), ["/app/a", "/app/b"])
        self.assertEqual(self.names(logGroupNamePrefix="/app"), ["/app/a", "/app/b", "/apple"])
        self.assertEqual(self.names(logGroupNamePrefix="/zzz"), [])

    def test_pattern_is_a_case_sensitive_substring_with_slim_elements(self):
        self.create("DataLogs", "/aws/DataLogs", "GroupDataLogs", "datalogs", "Other")
        resp = self.recent_logs.describe_log_groups(logGroupNamePattern="DataLogs")
        groups = resp["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups],
                         ["/aws/DataLogs", "DataLogs", "GroupDataLogs"])
        for g in groups:
            self.assertEqual(set(g.keys()), {"arn", "creationTime", "logGroupArn", "logGroupClass",
                                             "logGroupName", "metricFilterCount"}, g)
            self.assertEqual(g["arn"], group_arn(g["logGroupName"]) + ":*")

    def test_prefix_and_pattern_are_exclusive(self):
        self.create("x")
        self.assertClientError(
            "InvalidParameterException",
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
            self.logs.describe_log_groups, logGroupNamePrefix="x", logGroupNamePattern="x")

    def test_identifiers_select_names_and_arns(self):
        self.create("g1", "g2", "g3", "g4")
        got = self.names(logGroupIdentifiers=["g3", group_arn("g1")])
        self.assertEqual(got, ["g1", "g3"])

    def test_class_filter(self):
        self.create("s1", "s2")
        self.create("i1", logGroupClass="INFREQUENT_ACCESS")
        self.assertEqual(self.names(logGroupClass="INFREQUENT_ACCESS"), ["i1"])
        self.assertEqual(self.names(logGroupClass="STANDARD"), ["s1", "s2"])

    def test_limit_and_next_token(self):
        all_names = [f"grp-{i:02d}" for i in range(7)]
        self.create(*all_names)
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"limit": 3}
            if token:
                kwargs["nextToken"] = token
            resp = self.logs.describe_log_groups(**kwargs)
            pages += 1
            self.assertLessEqual(len(resp["logGroups"]), 3)
            seen += [g["logGroupName"] for g in resp["logGroups"]]
            token = resp.get("nextToken")
            if not token:
                break
            self.assertLess(pages, 10, "pagination does not end")
        self.assertEqual(seen, all_names)
        self.assertEqual(pages, 3)

    def test_prefix_with_pagination(self):
        self.create(*[f"p/{i}" for i in range(5)], "q/0", "q/1")
        first = self.logs.describe_log_groups(logGroupNamePrefix="p/", limit=2)
        self.assertEqual([g["logGroupName"] for g in first["logGroups"]], ["p/0", "p/1"])
        rest = self.logs.describe_log_groups(logGroupNamePrefix="p/", limit=10,
                                             nextToken=first["nextToken"])
        self.assertEqual([g["logGroupName"] for g in rest["logGroups"]], ["p/2", "p/3", "p/4"])
        self.assertNotIn("nextToken", rest)

    def test_default_limit_is_50(self):
        self.create(*[f"d{i:03d}" for i in range(55)])
        resp = self.logs.describe_log_groups()
        self.assertEqual(len(resp["logGroups"]), 50)
        self.assertIn("nextToken", resp)

    def test_limit_above_50(self):
        self.assertClientError(
            "InvalidParameterException",
            "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 50",
            self.logs.describe_log_groups, limit=51)

    def test_invalid_next_token(self):
        self.create("a")
        self.assertClientError("InvalidParameterException", None,
                               self.logs.describe_log_groups, nextToken="not-a-token!")


class ListLogGroupsTest(ServerTestCase):
    """ListLogGroups is newer than some botocore: these tests use the recent client."""

    def test_elements_and_order(self):
        self.recent_logs.create_log_group(logGroupName="beta")
        self.recent_logs.create_log_group(logGroupName="alpha", logGroupClass="INFREQUENT_ACCESS")
        groups = self.recent_logs.list_log_groups()["logGroups"]
        self.assertEqual(groups, [
            {"logGroupName": "alpha", "logGroupArn": group_arn("alpha"),
             "logGroupClass": "INFREQUENT_ACCESS"},
            {"logGroupName": "beta", "logGroupArn": group_arn("beta"),
             "logGroupClass": "STANDARD"},
        ])

    def test_pattern_prefix_substring_and_alternatives(self):
        for n in ["/app/web", "/app/db", "/other/app", "service-x", "zzz"]:
            self.recent_logs.create_log_group(logGroupName=n)

        def names(pattern):
            resp = self.recent_logs.list_log_groups(logGroupNamePattern=pattern)
            return [g["logGroupName"] for g in resp["logGroups"]]

        self.assertEqual(names("^/app"), ["/app/db", "/app/web"])
        self.assertEqual(names("app"), ["/app/db", "/app/web", "/other/app"])
        self.assertEqual(names("^/app/web|service"), ["/app/web", "service-x"])

    def test_limit_and_next_token(self):
        for i in range(5):
            self.recent_logs.create_log_group(logGroupName=f"l{i}")
        first = self.recent_logs.list_log_groups(limit=3)
        self.assertEqual([g["logGroupName"] for g in first["logGroups"]], ["l0", "l1", "l2"])
        rest = self.recent_logs.list_log_groups(limit=3, nextToken=first["nextToken"])
        self.assertEqual([g["logGroupName"] for g in rest["logGroups"]], ["l3", "l4"])
        self.assertNotIn("nextToken", rest)


if __name__ == "__main__":
    unittest.main()


class GroupSettingsTest(ServerTestCase):
    """PutLogGroupDeletionProtection and PutBearerTokenAuthentication: settings stored on the
    group record, shown by DescribeLogGroups and kept across a restart."""

    def describe(self, name):
        return self.recent_logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]

    def test_deletion_protection_refuses_deletes_until_turned_off(self):
        self.logs.create_log_group(logGroupName="guarded")
        self.recent_logs.put_log_group_deletion_protection(logGroupIdentifier="guarded",
                                                           deletionProtectionEnabled=True)
        self.assertIs(self.describe("guarded")["deletionProtectionEnabled"], True)
        self.assertClientError("ValidationException",
                               "Cannot delete log group guarded because deletion protection is "
                               "enabled. Disable deletion protection first.",
                               self.logs.delete_log_group, logGroupName="guarded")
        # By ARN, as the model allows.
        self.recent_logs.put_log_group_deletion_protection(logGroupIdentifier=group_arn("guarded"),
                                                           deletionProtectionEnabled=False)
        self.assertIs(self.describe("guarded")["deletionProtectionEnabled"], False)
        self.logs.delete_log_group(logGroupName="guarded")

    def test_bearer_token_authentication_is_stored_and_shown(self):
        self.logs.create_log_group(logGroupName="bt")
        # Left out until set, as AWS does.
        self.assertNotIn("bearerTokenAuthenticationEnabled", self.describe("bt"))
        resp = self.recent_logs.put_bearer_token_authentication(
            logGroupIdentifier="bt", bearerTokenAuthenticationEnabled=True)
        self.assertEqual(set(resp.keys()) - {"ResponseMetadata"}, set())
        self.assertIs(self.describe("bt")["bearerTokenAuthenticationEnabled"], True)

        self.restart_server()
        self.assertIs(self.describe("bt")["bearerTokenAuthenticationEnabled"], True)
        self.recent_logs.put_bearer_token_authentication(
            logGroupIdentifier=group_arn("bt"), bearerTokenAuthenticationEnabled=False)
        self.assertNotIn("bearerTokenAuthenticationEnabled", self.describe("bt"))

    def test_bearer_token_authentication_errors(self):
        raw = RawLogsClient(self.server)
        self.assertClientError("ResourceNotFoundException", MSG_GROUP_NOT_FOUND,
                               raw.put_bearer_token_authentication, logGroupIdentifier="nope",
                               bearerTokenAuthenticationEnabled=True)
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at "
                               "'bearerTokenAuthenticationEnabled' failed to satisfy constraint: "
                               "Member must not be null",
                               raw.put_bearer_token_authentication, logGroupIdentifier="nope")
        self.assertClientError("InvalidParameterException",
                               "1 validation error detected: Value null at 'logGroupIdentifier' "
                               "failed to satisfy constraint: Member must not be null",
                               raw.put_bearer_token_authentication,
                               bearerTokenAuthenticationEnabled=True)
