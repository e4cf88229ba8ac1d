"""SNS on cwlogd's port, end to end with boto3's `sns` client (AWS query protocol, XML): topics,
subscriptions, tags, Publish and PublishBatch with AWS's validation errors and paging, and real
delivery: an HTTP receiver in the test gets the SubscriptionConfirmation, follows its
SubscribeURL and then gets Notifications with SNS's headers and signed JSON; an SMTP server in
the test (aiosmtpd) gets the e-mails; a message acknowledged before a kill -9 is delivered after
the restart.
"""

import base64
import email
import email.policy
import sys
import http.server
import json
import socket
import threading
import time
import unittest
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import (AwsCli, DEFAULT_ACCOUNT, DEFAULT_REGION, ServerTestCase, find_aws_v1,
                            find_aws_v2, start_server)

TOPIC_PREFIX = f"arn:aws:sns:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:"
# Retries 1 s apart, so a test sees a retry without waiting AWS's 20 s.
FAST_RETRIES = json.dumps({"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1,
                                                  "numRetries": 20}})


def sns_client(server, region=DEFAULT_REGION):
    return boto3.session.Session().client(
        "sns", endpoint_url=server.endpoint, region_name=region, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records every POST (headers and JSON body)."""

    def __init__(self, port=None, status=200):
        self.requests = []
        self.status = status
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.cond:
                    if receiver.status == 200:
                        receiver.requests.append((self.path, dict(self.headers), body))
                    receiver.cond.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port or 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sns"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"received {len(self.requests)} of {count} requests")
                self.cond.wait(left)
            return self.requests[count - 1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SnsTestCase(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sns = sns_client(cls.server)

    def assertSnsError(self, code, message, status, fn, *args, **kwargs):
        with self.assertRaises(ClientError, msg=f"expected {code}") as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err.get("Code"), code, f"full error: {err}")
        if message is not None:
            self.assertEqual(err.get("Message"), message, f"full error: {err}")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return cm.exception.response


class TopicTest(SnsTestCase):
    def test_create_is_idempotent_and_listed(self):
        arn = self.sns.create_topic(Name="orders")["TopicArn"]
        self.assertEqual(arn, TOPIC_PREFIX + "orders")
        self.assertEqual(self.sns.create_topic(Name="orders")["TopicArn"], arn)
        topics = self.sns.list_topics()["Topics"]
        self.assertEqual(topics, [{"TopicArn": arn}])

    def test_create_conflicts(self):
        self.sns.create_topic(Name="t1", Tags=[{"Key": "team", "Value": "a"}],
                              Attributes={"DisplayName": "one"})
        self.assertSnsError("InvalidParameter",
                            "Invalid parameter: Tags Reason: Topic already exists with different tags",
                            400, self.sns.create_topic, Name="t1",
                            Tags=[{"Key": "team", "Value": "b"}])
        self.assertSnsError(
            "InvalidParameter",
            "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
            400, self.sns.create_topic, Name="t1", Attributes={"DisplayName": "two"})

    def test_bad_names(self):
        self.assertSnsError("InvalidParameter", "Invalid parameter: Topic Name", 400,
                            self.sns.create_topic, Name="bad name")
        self.assertSnsError("InvalidParameter", "Invalid parameter: Topic Name", 400,
                            self.sns.create_topic, Name="x" * 257)
        self.assertSnsError("InvalidParameter", None, 400, self.sns.create_topic,
                            Name="nofifo", Attributes={"FifoTopic": "true"})
        arn = self.sns.create_topic(Name="f.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["FifoTopic"], "true")
        self.assertEqual(attrs["ContentBasedDeduplication"], "false")

    def test_attributes(self):
        arn = self.sns.create_topic(Name="attrs")["TopicArn"]
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["TopicArn"], arn)
        self.assertEqual(attrs["Owner"], DEFAULT_ACCOUNT)
        self.assertEqual(attrs["DisplayName"], "")
        self.assertEqual(attrs["SubscriptionsConfirmed"], "0")
        self.assertEqual(attrs["SubscriptionsPending"], "0")
        self.assertEqual(json.loads(attrs["Policy"])["Statement"][0]["Resource"], arn)
        self.assertEqual(json.loads(attrs["EffectiveDeliveryPolicy"])["http"][
            "defaultHealthyRetryPolicy"]["numRetries"], 3)
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName",
                                      AttributeValue="Alerts")
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["DisplayName"], "Alerts")
        self.assertSnsError("InvalidParameter", "Invalid parameter: AttributeName", 400,
                            self.sns.set_topic_attributes, TopicArn=arn, AttributeName="Nope",
                            AttributeValue="x")
        self.assertSnsError("InvalidParameter", "Invalid parameter: AttributeName", 400,
                            self.sns.set_topic_attributes, TopicArn=arn,
                            AttributeName="FifoTopic", AttributeValue="true")

    def test_not_found_and_bad_arns(self):
        missing = TOPIC_PREFIX + "missing"
        self.assertSnsError("NotFound", "Topic does not exist", 404,
                            self.sns.get_topic_attributes, TopicArn=missing)
        self.assertSnsError("NotFound", "Topic does not exist", 404, self.sns.publish,
                            TopicArn=missing, Message="m")
        self.assertSnsError("InvalidParameter", "Invalid parameter: TopicArn", 400,
                            self.sns.get_topic_attributes, TopicArn="nope")
        # Deleting a topic that is not there is no error.
        self.sns.delete_topic(TopicArn=missing)

    def test_delete_removes_subscriptions(self):
        arn = self.sns.create_topic(Name="gone")["TopicArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com")
        self.sns.delete_topic(TopicArn=arn)
        self.assertEqual(self.sns.list_topics()["Topics"], [])
        self.assertEqual(self.sns.list_subscriptions()["Subscriptions"], [])

    def test_paging(self):
        names = sorted(f"topic-{i:03d}" for i in range(205))
        for name in names:
            self.sns.create_topic(Name=name)
        pages = list(self.sns.get_paginator("list_topics").paginate())
        self.assertEqual([len(p["Topics"]) for p in pages], [100, 100, 5])
        self.assertEqual([t["TopicArn"] for p in pages for t in p["Topics"]],
                         [TOPIC_PREFIX + n for n in names])
        self.assertSnsError("InvalidParameter", "Invalid parameter: NextToken", 400,
                            self.sns.list_topics, NextToken="garbage")

    def test_tags(self):
        arn = self.sns.create_topic(Name="tagged", Tags=[{"Key": "a", "Value": "1"}])["TopicArn"]
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "b", "Value": "2"}])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["a"])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"],
                         [{"Key": "b", "Value": "2"}])
        self.assertSnsError("ResourceNotFound", "Resource does not exist", 404,
                            self.sns.list_tags_for_resource, ResourceArn=TOPIC_PREFIX + "x")

    def test_unknown_action(self):
        status, _, body = self.server.http(
            "POST", "/", body=b"Action=CreateBucket&Version=2010-03-31",
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertIn(b"The action CreateBucket is not valid for this web service.", body)


class SubscriptionTest(SnsTestCase):
    def test_subscribe_validation(self):
        arn = self.sns.create_topic(Name="subs")["TopicArn"]
        self.assertSnsError("InvalidParameter",
                            "Invalid parameter: Amazon SNS does not support this protocol string: "
                            "carrier-pigeon", 400, self.sns.subscribe, TopicArn=arn,
                            Protocol="carrier-pigeon", Endpoint="x")
        self.assertSnsError("InvalidParameter", "Invalid parameter: Email address", 400,
                            self.sns.subscribe, TopicArn=arn, Protocol="email", Endpoint="nope")
        self.assertSnsError("InvalidParameter",
                            "Invalid parameter: Endpoint must match the specified protocol", 400,
                            self.sns.subscribe, TopicArn=arn, Protocol="http",
                            Endpoint="https://x.example")
        self.assertSnsError("NotFound", "Topic does not exist", 404, self.sns.subscribe,
                            TopicArn=TOPIC_PREFIX + "none", Protocol="email",
                            Endpoint="a@example.com")

    def test_pending_and_listing(self):
        arn = self.sns.create_topic(Name="subs")["TopicArn"]
        r = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com")
        self.assertEqual(r["SubscriptionArn"], "pending confirmation")
        r = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com",
                               ReturnSubscriptionArn=True)
        sub_arn = r["SubscriptionArn"]
        self.assertTrue(sub_arn.startswith(arn + ":"), sub_arn)
        subs = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertEqual(subs, [{"SubscriptionArn": "PendingConfirmation",
                                 "Owner": DEFAULT_ACCOUNT, "Protocol": "email",
                                 "Endpoint": "a@example.com", "TopicArn": arn}])
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
        self.assertEqual(attrs["PendingConfirmation"], "true")
        self.assertEqual(attrs["Protocol"], "email")
        topic_attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(topic_attrs["SubscriptionsPending"], "1")
        # sqs subscriptions are kept and confirmed at once (never delivered by this server).
        sqs_arn = self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                                     Endpoint="arn:aws:sqs:us-east-1:000000000000:q")[
            "SubscriptionArn"]
        self.assertTrue(sqs_arn.startswith(arn + ":"))
        self.sns.set_subscription_attributes(SubscriptionArn=sqs_arn,
                                             AttributeName="RawMessageDelivery",
                                             AttributeValue="true")
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sqs_arn)["Attributes"]
        self.assertEqual(attrs["RawMessageDelivery"], "true")
        self.assertEqual(attrs["PendingConfirmation"], "false")
        self.assertEqual(len(self.sns.list_subscriptions()["Subscriptions"]), 2)
        self.sns.unsubscribe(SubscriptionArn=sqs_arn)
        self.assertSnsError("NotFound", "Subscription does not exist", 404,
                            self.sns.get_subscription_attributes, SubscriptionArn=sqs_arn)

    def test_confirm_with_bad_token(self):
        arn = self.sns.create_topic(Name="subs")["TopicArn"]
        self.assertSnsError("InvalidParameter", "Invalid parameter: Token", 400,
                            self.sns.confirm_subscription, TopicArn=arn, Token="00")

    def test_subscription_paging(self):
        arn = self.sns.create_topic(Name="many")["TopicArn"]
        for i in range(150):
            self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                               Endpoint=f"arn:aws:sqs:us-east-1:000000000000:q{i}")
        pages = list(self.sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn))
        self.assertEqual([len(p["Subscriptions"]) for p in pages], [100, 50])
        pages = list(self.sns.get_paginator("list_subscriptions").paginate())
        self.assertEqual(sum(len(p["Subscriptions"]) for p in pages), 150)


class PublishValidationTest(SnsTestCase):
    def test_publish_errors(self):
        arn = self.sns.create_topic(Name="pub")["TopicArn"]
        self.assertIn("MessageId", self.sns.publish(TopicArn=arn, Message="hello"))
        self.assertSnsError("InvalidParameter", "Invalid parameter: Empty message", 400,
                            self.sns.publish, TopicArn=arn, Message="")
        self.assertSnsError("InvalidParameter", "Invalid parameter: Subject", 400,
                            self.sns.publish, TopicArn=arn, Message="m", Subject="a\nb")
        self.assertSnsError("InvalidParameter", "Invalid parameter: Message too long", 400,
                            self.sns.publish, TopicArn=arn, Message="x" * 262145)
        self.assertSnsError(
            "InvalidParameter",
            "Invalid parameter: Message Structure - No default entry in JSON message body", 400,
            self.sns.publish, TopicArn=arn, Message='{"http":"x"}', MessageStructure="json")
        self.assertSnsError(
            "ParameterValueInvalid",
            "The message attribute 'a' has an invalid message attribute type, the set of "
            "supported type prefixes is Binary, Number, and String.", 400,
            self.sns.publish, TopicArn=arn, Message="m",
            MessageAttributes={"a": {"DataType": "Bogus", "StringValue": "v"}})

    def test_publish_batch(self):
        arn = self.sns.create_topic(Name="batch")["TopicArn"]
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": "one", "Message": "1"}, {"Id": "two", "Message": ""}])
        self.assertEqual([s["Id"] for s in r["Successful"]], ["one"])
        self.assertEqual(r["Failed"], [{"Id": "two", "Code": "InvalidParameter",
                                        "Message": "Invalid parameter: Empty message",
                                        "SenderFault": True}])
        self.assertSnsError("BatchEntryIdsNotDistinct", None, 400, self.sns.publish_batch,
                            TopicArn=arn, PublishBatchRequestEntries=[
                                {"Id": "a", "Message": "1"}, {"Id": "a", "Message": "2"}])
        self.assertSnsError("TooManyEntriesInBatchRequest", None, 400, self.sns.publish_batch,
                            TopicArn=arn, PublishBatchRequestEntries=[
                                {"Id": f"e{i}", "Message": "m"} for i in range(11)])

    def test_fifo_publish(self):
        arn = self.sns.create_topic(Name="q.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        self.assertSnsError("InvalidParameter",
                            "Invalid parameter: The MessageGroupId parameter is required for "
                            "FIFO topics", 400, self.sns.publish, TopicArn=arn, Message="m")
        r = self.sns.publish(TopicArn=arn, Message="m", MessageGroupId="g")
        self.assertRegex(r["SequenceNumber"], r"^\d{20}$")


class HttpDeliveryTest(SnsTestCase):
    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)

    def subscribe_confirmed(self, arn, attributes=None):
        self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=self.receiver.url,
                           Attributes=attributes or {})
        path, headers, body = self.receiver.wait_for(1)
        self.assertEqual(path, "/sns")
        self.assertEqual(headers["x-amz-sns-message-type"], "SubscriptionConfirmation")
        self.assertEqual(headers["x-amz-sns-topic-arn"], arn)
        msg = json.loads(body)
        self.assertEqual(list(msg), ["Type", "MessageId", "Token", "TopicArn", "Message",
                                     "SubscribeURL", "Timestamp", "SignatureVersion",
                                     "Signature", "SigningCertURL"])
        self.assertEqual(msg["Type"], "SubscriptionConfirmation")
        self.assertEqual(msg["Message"],
                         f"You have chosen to subscribe to the topic {arn}.\nTo confirm the "
                         "subscription, visit the SubscribeURL included in this message.")
        self.assertEqual(headers["x-amz-sns-message-id"], msg["MessageId"])
        # Following the link (an unsigned GET, as a receiver does) confirms it.
        with urllib.request.urlopen(msg["SubscribeURL"], timeout=10) as resp:
            xml = resp.read().decode()
        self.assertIn("<ConfirmSubscriptionResult><SubscriptionArn>" + arn + ":", xml)
        sub_arn = xml.split("<SubscriptionArn>")[1].split("</SubscriptionArn>")[0]
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)[
            "Attributes"]["PendingConfirmation"], "false")
        return sub_arn, msg

    def test_confirmation_then_notifications(self):
        arn = self.sns.create_topic(Name="web")["TopicArn"]
        sub_arn, _ = self.subscribe_confirmed(arn)
        message_id = self.sns.publish(TopicArn=arn, Message="hello", Subject="Greeting",
                                      MessageAttributes={"k": {"DataType": "String",
                                                               "StringValue": "v"}})["MessageId"]
        _, headers, body = self.receiver.wait_for(2)
        self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
        self.assertEqual(headers["x-amz-sns-message-id"], message_id)
        self.assertEqual(headers["x-amz-sns-topic-arn"], arn)
        self.assertEqual(headers["x-amz-sns-subscription-arn"], sub_arn)
        self.assertEqual(headers["Content-Type"], "text/plain; charset=UTF-8")
        self.assertEqual(headers["User-Agent"], "Amazon Simple Notification Service Agent")
        msg = json.loads(body)
        self.assertEqual(list(msg), ["Type", "MessageId", "TopicArn", "Subject", "Message",
                                     "Timestamp", "SignatureVersion", "Signature",
                                     "SigningCertURL", "UnsubscribeURL", "MessageAttributes"])
        self.assertEqual(msg["Message"], "hello")
        self.assertEqual(msg["Subject"], "Greeting")
        self.assertEqual(msg["MessageId"], message_id)
        self.assertEqual(msg["MessageAttributes"], {"k": {"Type": "String", "Value": "v"}})
        self.assertRegex(msg["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(msg["SignatureVersion"], "1")
        self.check_signature(msg, ["Message", "MessageId", "Subject", "Timestamp", "TopicArn",
                                   "Type"])
        # Without a subject there is no Subject key; a per-protocol message from
        # MessageStructure=json.
        self.sns.publish(TopicArn=arn, MessageStructure="json",
                         Message=json.dumps({"default": "d", "http": "for http"}))
        _, _, body = self.receiver.wait_for(3)
        msg = json.loads(body)
        self.assertNotIn("Subject", msg)
        self.assertEqual(msg["Message"], "for http")
        # The UnsubscribeURL works too (an UnsubscribeConfirmation follows).
        with urllib.request.urlopen(msg["UnsubscribeURL"], timeout=10) as resp:
            self.assertIn("<UnsubscribeResponse", resp.read().decode())
        _, headers, body = self.receiver.wait_for(4)
        self.assertEqual(headers["x-amz-sns-message-type"], "UnsubscribeConfirmation")
        self.assertEqual(self.sns.list_subscriptions()["Subscriptions"], [])

    def check_signature(self, msg, keys):
        """Verifies Signature with the certificate served at SigningCertURL (openssl CLI)."""
        import subprocess
        import tempfile
        with urllib.request.urlopen(msg["SigningCertURL"], timeout=10) as resp:
            pem = resp.read()
        self.assertIn(b"BEGIN CERTIFICATE", pem)
        text = "".join(f"{k}\n{msg[k]}\n" for k in keys if k in msg)
        with tempfile.TemporaryDirectory() as d:
            paths = {n: f"{d}/{n}" for n in ("cert", "pub", "sig", "text")}
            for name, data in (("cert", pem), ("sig", base64.b64decode(msg["Signature"])),
                               ("text", text.encode())):
                with open(paths[name], "wb") as f:
                    f.write(data)
            subprocess.run(["openssl", "x509", "-in", paths["cert"], "-pubkey", "-noout", "-out",
                            paths["pub"]], check=True)
            digest = "-sha1" if msg["SignatureVersion"] == "1" else "-sha256"
            r = subprocess.run(["openssl", "dgst", digest, "-verify", paths["pub"], "-signature",
                                paths["sig"], paths["text"]], capture_output=True, text=True)
            self.assertEqual(r.stdout.strip(), "Verified OK", r.stderr)

    def test_filter_policy_on_attributes_and_body(self):
        arn = self.sns.create_topic(Name="filtered")["TopicArn"]
        policy = {"level": ["ERROR", {"prefix": "WARN"}], "code": [{"numeric": [">=", 500]}]}
        sub_arn, _ = self.subscribe_confirmed(arn, {"FilterPolicy": json.dumps(policy)})
        attributes = self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]
        self.assertEqual(attributes["FilterPolicyScope"], "MessageAttributes")

        def publish(message, **attrs):
            self.sns.publish(TopicArn=arn, Message=message, MessageAttributes={
                k: ({"DataType": "Number", "StringValue": str(v)} if isinstance(v, int)
                    else {"DataType": "String", "StringValue": v}) for k, v in attrs.items()})

        publish("info 200", level="INFO", code=200)      # level fails
        publish("error 404", level="ERROR", code=404)    # code fails
        publish("no code", level="ERROR")                # code absent
        publish("error 503", level="ERROR", code=503)    # passes
        publish("warning 500", level="WARNING", code=500)  # passes (prefix)
        # Only the two that pass arrive, in order (the confirmation was request 1).
        self.receiver.wait_for(3)
        time.sleep(1.0)
        messages = [json.loads(b)["Message"] for _, h, b in self.receiver.requests[1:]]
        self.assertEqual(messages, ["error 503", "warning 500"])

        # MessageBody scope: the policy matches keys of the JSON message.
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn,
                                             AttributeName="FilterPolicyScope",
                                             AttributeValue="MessageBody")
        self.sns.set_subscription_attributes(
            SubscriptionArn=sub_arn, AttributeName="FilterPolicy",
            AttributeValue=json.dumps({"detail": {"status": [{"anything-but": ["ok"]}]}}))
        self.sns.publish(TopicArn=arn, Message=json.dumps({"detail": {"status": "ok"}}))
        self.sns.publish(TopicArn=arn, Message="not json")
        self.sns.publish(TopicArn=arn, Message=json.dumps({"detail": {"status": "failed"}}))
        self.receiver.wait_for(4)
        time.sleep(1.0)
        self.assertEqual(len(self.receiver.requests), 4)
        self.assertEqual(json.loads(json.loads(self.receiver.requests[3][2])["Message"]),
                         {"detail": {"status": "failed"}})

    def test_filter_policy_validation(self):
        arn = self.sns.create_topic(Name="badpolicy")["TopicArn"]
        cases = [
            ({"a": "x"}, 'Invalid parameter: FilterPolicy: "a" must be an object or an array'),
            ({"a": [{"prefixx": "x"}]},
             "Invalid parameter: FilterPolicy: Unrecognized match type prefixx"),
            ({k: ["x"] for k in "abcdef"},
             "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"),
            ({"a": list(range(15)), "b": list(range(11))},
             "Invalid parameter: FilterPolicy: Filter policy is too complex"),
            ({"a": [{"numeric": ["<", "x"]}]},
             "Invalid parameter: FilterPolicy: Value of < must be numeric"),
        ]
        for policy, message in cases:
            with self.subTest(policy=policy):
                self.assertSnsError("InvalidParameter", message, 400, self.sns.subscribe,
                                    TopicArn=arn, Protocol="http", Endpoint=self.receiver.url,
                                    Attributes={"FilterPolicy": json.dumps(policy)})
        # A nested policy is valid for the body only: changing the scope back is refused.
        sub_arn = self.sns.subscribe(
            TopicArn=arn, Protocol="email", Endpoint="a@example.com",
            Attributes={"FilterPolicyScope": "MessageBody",
                        "FilterPolicy": json.dumps({"d": {"s": ["x"]}})},
            ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertSnsError("InvalidParameter",
                            'Invalid parameter: FilterPolicy: "d" must be an object or an array',
                            400, self.sns.set_subscription_attributes, SubscriptionArn=sub_arn,
                            AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")

    def test_raw_delivery_and_retry(self):
        arn = self.sns.create_topic(Name="raw")["TopicArn"]
        sub_arn, _ = self.subscribe_confirmed(arn, {"DeliveryPolicy": FAST_RETRIES})
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn,
                                             AttributeName="RawMessageDelivery",
                                             AttributeValue="true")
        self.receiver.status = 500  # fails until it answers 200 again
        self.sns.publish(TopicArn=arn, Message="raw body")
        time.sleep(1.5)
        self.assertEqual(len(self.receiver.requests), 1)
        self.receiver.status = 200
        _, headers, body = self.receiver.wait_for(2)
        self.assertEqual(body, b"raw body")
        self.assertEqual(headers["x-amz-sns-rawdelivery"], "true")


class DurableDeliveryTest(unittest.TestCase):
    def test_message_survives_kill9(self):
        server = start_server()
        self.addCleanup(server.discard)
        sns = sns_client(server)
        receiver = Receiver()
        port = receiver.port
        arn = sns.create_topic(Name="durable")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=receiver.url,
                      Attributes={"DeliveryPolicy": FAST_RETRIES})
        msg = json.loads(receiver.wait_for(1)[2])
        urllib.request.urlopen(msg["SubscribeURL"], timeout=10).read()
        receiver.close()  # the endpoint goes away
        message_id = sns.publish(TopicArn=arn, Message="keep me")["MessageId"]
        server.kill9()
        server.restart()
        receiver = Receiver(port=port)
        self.addCleanup(receiver.close)
        _, headers, body = receiver.wait_for(1, timeout=30)
        self.assertEqual(headers["x-amz-sns-message-id"], message_id)
        self.assertEqual(json.loads(body)["Message"], "keep me")


def load_aiosmtpd():
    """aiosmtpd's Controller, from the python running the tests or Debian's python3-aiosmtpd
    (pure python, in /usr/lib/python3/dist-packages); None when neither has it."""
    try:
        from aiosmtpd.controller import Controller
        return Controller
    except ImportError:
        pass
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        from aiosmtpd.controller import Controller
        return Controller
    except ImportError:
        return None
    finally:
        sys.path.remove("/usr/lib/python3/dist-packages")


class Mailbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd) keeping every message it receives."""

    def __init__(self, controller_class):
        self.messages = []
        self.cond = threading.Condition()
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with mailbox.cond:
                    mailbox.messages.append((envelope.mail_from, envelope.rcpt_tos, msg))
                    mailbox.cond.notify_all()
                return "250 OK"

        self.port = free_port()
        self.controller = controller_class(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"received {len(self.messages)} of {count} e-mails")
                self.cond.wait(left)
            return self.messages[count - 1]

    def close(self):
        self.controller.stop()


class EmailDeliveryTest(unittest.TestCase):
    def setUp(self):
        controller = load_aiosmtpd()
        # Never a skip: scripts/install-deps.sh test installs it, and a skipped e-mail test would
        # hide that e-mail is untested.
        self.assertIsNotNone(controller, "aiosmtpd is not installed (Debian: python3-aiosmtpd; "
                                         "scripts/install-deps.sh test)")
        self.mailbox = Mailbox(controller)
        self.addCleanup(self.mailbox.close)
        self.server = start_server(["--smtp-url", f"smtp://127.0.0.1:{self.mailbox.port}"])
        self.addCleanup(self.server.discard)
        self.sns = sns_client(self.server)

    def confirm(self, arn, protocol, address):
        # Counted before subscribing: the confirmation may arrive before subscribe() returns.
        expected = len(self.mailbox.messages) + 1
        self.sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=address)
        sender, rcpts, msg = self.mailbox.wait_for(expected)
        self.assertEqual(sender, "no-reply@sns.amazonaws.com")
        self.assertEqual(rcpts, [address])
        self.assertEqual(msg["Subject"], "AWS Notification - Subscription Confirmation")
        self.assertEqual(msg["From"], "AWS Notifications <no-reply@sns.amazonaws.com>")
        body = msg.get_content()
        self.assertTrue(body.startswith(
            f"You have chosen to subscribe to the topic: \n{arn}\n\nTo confirm this "
            "subscription, click or visit the link below (If this was in error no action is "
            "necessary): \nConfirm subscription: "), body)
        link = body.split("Confirm subscription: ")[1].split("\n")[0]
        with urllib.request.urlopen(link, timeout=10) as resp:
            self.assertIn("<ConfirmSubscriptionResult>", resp.read().decode())

    def test_confirmation_and_notification(self):
        arn = self.sns.create_topic(Name="mail")["TopicArn"]
        self.confirm(arn, "email", "ops@example.com")
        subs = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertTrue(subs[0]["SubscriptionArn"].startswith(arn + ":"))
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName",
                                      AttributeValue="Ops")
        self.sns.publish(TopicArn=arn, Message="disk is full", Subject="Disk alert")
        _, _, msg = self.mailbox.wait_for(2)
        self.assertEqual(msg["Subject"], "Disk alert")
        self.assertEqual(msg["From"], "Ops <no-reply@sns.amazonaws.com>")
        body = msg.get_content()
        self.assertTrue(body.startswith("disk is full\n\n--\nIf you wish to stop receiving "
                                        "notifications from this topic, please click or visit "
                                        "the link below to unsubscribe:\n"), body)
        self.assertIn("/?Action=Unsubscribe&SubscriptionArn=" + subs[0]["SubscriptionArn"], body)
        # Without a subject: AWS's default one.
        self.sns.publish(TopicArn=arn, Message="no subject")
        _, _, msg = self.mailbox.wait_for(3)
        self.assertEqual(msg["Subject"], "AWS Notification Message")

    def test_alarm_notification_email(self):
        arn = self.sns.create_topic(Name="alarms")["TopicArn"]
        self.confirm(arn, "email", "oncall@example.com")
        alarm = {
            "AlarmName": "my-alarm", "AlarmDescription": None, "AWSAccountId": "123456789012",
            "AlarmConfigurationUpdatedTimestamp": "2022-08-26T03:45:34.563+0000",
            "NewStateValue": "ALARM", "NewStateReason": "Threshold Crossed: test",
            "StateChangeTime": "2022-08-26T03:46:29.897+0000",
            "Region": "US East (N. Virginia)",
            "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm",
            "OldStateValue": "OK", "OKActions": [], "AlarmActions": [arn],
            "InsufficientDataActions": [],
            "Trigger": {"MetricName": "Errors", "Namespace": "App", "StatisticType": "Statistic",
                        "Statistic": "SUM", "Unit": None,
                        "Dimensions": [{"value": "web", "name": "Service"}], "Period": 60,
                        "EvaluationPeriods": 1, "DatapointsToAlarm": 1,
                        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.0,
                        "TreatMissingData": "missing", "EvaluateLowSampleCountPercentile": ""}}
        subject = 'ALARM: "my-alarm" in US East (N. Virginia)'
        self.sns.publish(TopicArn=arn, Message=json.dumps(alarm), Subject=subject)
        _, _, msg = self.mailbox.wait_for(2)
        self.assertEqual(msg["Subject"], subject)
        body = msg.get_content()
        expected = (
            'You are receiving this email because your Amazon CloudWatch Alarm "my-alarm" in the '
            'US East (N. Virginia) region has entered the ALARM state, because "Threshold Crossed: '
            'test" at "Friday 26 August, 2022 03:46:29 UTC".\n\n'
            "View this alarm in the AWS Management Console:\n"
            "https://us-east-1.console.aws.amazon.com/cloudwatch/deeplink.js?region=us-east-1"
            "#alarmsV2:alarm/my-alarm\n\n"
            "Alarm Details:\n"
            "- Name:                       my-alarm\n"
            "- Description:                \n"
            "- State Change:               OK -> ALARM\n"
            "- Reason for State Change:    Threshold Crossed: test\n"
            "- Timestamp:                  Friday 26 August, 2022 03:46:29 UTC\n"
            "- AWS Account:                123456789012\n"
            "- Alarm Arn:                  arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm\n"
            "\n"
            "Threshold:\n"
            "- The alarm is in the ALARM state when the metric is GreaterThanOrEqualToThreshold 1.0 "
            "for at least 1 of the last 1 period(s) of 60 seconds.\n\n"
            "Monitored Metric:\n"
            "- MetricNamespace:                     App\n"
            "- MetricName:                          Errors\n"
            "- Dimensions:                          [Service = web]\n"
            "- Period:                              60 seconds\n"
            "- Statistic:                           Sum\n"
            "- Unit:                                not specified\n"
            "- TreatMissingData:                    missing\n\n\n"
            "State Change Actions:\n"
            "- OK:\n"
            f"- ALARM: [{arn}]\n"
            "- INSUFFICIENT_DATA:\n"
            "\n\n--\nIf you wish to stop receiving notifications from this topic")
        self.assertEqual(body[:len(expected)], expected)

    def test_email_json(self):
        arn = self.sns.create_topic(Name="mailjson")["TopicArn"]
        self.confirm(arn, "email-json", "bot@example.com")
        message_id = self.sns.publish(TopicArn=arn, Message="m1", Subject="S")["MessageId"]
        _, _, msg = self.mailbox.wait_for(2)
        doc = json.loads(msg.get_content())
        self.assertEqual((doc["Type"], doc["MessageId"], doc["Message"], doc["Subject"]),
                         ("Notification", message_id, "m1", "S"))


class NoRelayTest(SnsTestCase):
    def test_email_stays_pending_and_server_says_why(self):
        arn = self.sns.create_topic(Name="norelay")["TopicArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com")
        deadline = time.monotonic() + 10
        while "no SMTP relay" not in self.server.stderr_text() + self.server.stdout_text():
            self.assertLess(time.monotonic(), deadline, "no log line about the missing relay")
            time.sleep(0.1)
        subs = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertEqual(subs[0]["SubscriptionArn"], "PendingConfirmation")


class SigV4Test(unittest.TestCase):
    """Under --auth sigv4, SNS requests are verified for the service `sns`; the SubscribeURL a
    receiver follows needs no signature."""

    def test_signed_requests_and_unsigned_links(self):
        import os
        import tempfile
        tmp = tempfile.mkdtemp(prefix="cwlogd-sns-sigv4-")
        creds = os.path.join(tmp, "credentials")
        with open(creds, "w") as f:
            f.write("AKIASNSTEST000000001 snssecret 123456789012\n")
        server = start_server(["--auth", "sigv4", "--credentials-file", creds])
        self.addCleanup(server.discard)

        def client(secret):
            return boto3.session.Session().client(
                "sns", endpoint_url=server.endpoint, region_name="eu-west-1",
                aws_access_key_id="AKIASNSTEST000000001", aws_secret_access_key=secret,
                config=Config(retries={"max_attempts": 1, "mode": "standard"}))

        sns = client("snssecret")
        arn = sns.create_topic(Name="signed")["TopicArn"]
        self.assertEqual(arn, "arn:aws:sns:eu-west-1:123456789012:signed")
        with self.assertRaises(ClientError) as cm:
            client("wrong").list_topics()
        self.assertEqual(cm.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        receiver = Receiver()
        self.addCleanup(receiver.close)
        sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=receiver.url)
        msg = json.loads(receiver.wait_for(1)[2])
        with urllib.request.urlopen(msg["SubscribeURL"], timeout=10) as resp:
            self.assertIn("<SubscriptionArn>" + arn + ":", resp.read().decode())
        subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertTrue(subs[0]["SubscriptionArn"].startswith(arn + ":"))


class CliTest(SnsTestCase):
    def test_create_topic_with_cli(self):
        path, label = (find_aws_v2(), "v2") if find_aws_v2() else (find_aws_v1(), "v1")
        if path is None:
            self.skipTest("no aws CLI")
        r = AwsCli(path, label).run(self.server, "sns", "create-topic", "--name", "cli-topic")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.json(), {"TopicArn": TOPIC_PREFIX + "cli-topic"})


class AlarmActionTest(SnsTestCase):
    """Alarm actions through this server's SNS: a topic that exists gets the notification (a
    Succeeded Action item); one that does not is a Failed Action item at once, as AWS records
    it, and is not retried."""

    def test_missing_topic_is_a_failed_action(self):
        cw = boto3.session.Session().client(
            "cloudwatch", endpoint_url=self.server.endpoint, region_name=DEFAULT_REGION,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}))
        good = self.sns.create_topic(Name="alarm-actions")["TopicArn"]
        missing = TOPIC_PREFIX + "no-such-topic"
        cw.put_metric_alarm(AlarmName="a", MetricName="Errors", Namespace="App", Statistic="Sum",
                            Period=60, EvaluationPeriods=1, Threshold=1.0,
                            ComparisonOperator="GreaterThanOrEqualToThreshold",
                            TreatMissingData="ignore", AlarmActions=[good, missing])
        cw.set_alarm_state(AlarmName="a", StateValue="ALARM", StateReason="test")
        deadline = time.time() + 10
        while True:
            items = cw.describe_alarm_history(AlarmName="a", HistoryItemType="Action")
            items = items["AlarmHistoryItems"]
            if len(items) >= 2 or time.time() > deadline:
                break
            time.sleep(0.1)
        by_summary = {i["HistorySummary"]: json.loads(i["HistoryData"]) for i in items}
        self.assertEqual(sorted(by_summary), [
            f'Failed to execute action {missing}. Received error: "Topic does not exist"',
            f"Successfully executed action {good}"])
        failed = by_summary[f'Failed to execute action {missing}. Received error: '
                            '"Topic does not exist"']
        self.assertEqual(failed["actionState"], "Failed")
        self.assertEqual(failed["notificationResource"], missing)
        self.assertIsNone(failed["publishedMessage"])
        # Not retried: no further Action item appears.
        time.sleep(1.5)
        again = cw.describe_alarm_history(AlarmName="a", HistoryItemType="Action")
        self.assertEqual(len(again["AlarmHistoryItems"]), 2)


if __name__ == "__main__":
    unittest.main()
