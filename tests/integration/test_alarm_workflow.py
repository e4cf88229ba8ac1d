"""The seed workflow of issue 17, unmodified, with the aws CLI against one cwlogd: an ERROR metric
filter on a log group, a CloudWatch alarm on its metric (Sum >= 1 over 1 minute), an SNS topic
with an e-mail subscription (confirmed through the link of the confirmation mail), then an ERROR
line through put-log-events; once the server's clock has moved a minute, the alarm e-mail arrives
through a real SMTP server (aiosmtpd), and DescribeAlarmHistory shows the transition."""

import json
import time
import unittest
import urllib.request

from cwlogd_harness import AwsCli, find_aws_v1, find_aws_v2, now_ms, start_server
from test_sns import Mailbox, load_aiosmtpd

GROUP = "/app/orders"
ALARM = "orders-errors"
SUBJECT = f'ALARM: "{ALARM}" in US East (N. Virginia)'


class SeedWorkflowTest(unittest.TestCase):
    def setUp(self):
        controller = load_aiosmtpd()
        self.assertIsNotNone(controller, "aiosmtpd is not installed (Debian: python3-aiosmtpd)")
        self.mailbox = Mailbox(controller)
        self.addCleanup(self.mailbox.close)
        self.server = start_server(["--smtp-url", f"smtp://127.0.0.1:{self.mailbox.port}"])
        self.addCleanup(self.server.discard)
        path, label = (find_aws_v2(), "v2") if find_aws_v2() else (find_aws_v1(), "v1")
        self.assertIsNotNone(path, "no aws CLI (scripts/install-deps.sh test installs awscli)")
        self.cli = AwsCli(path, label)

    def aws(self, *args):
        r = self.cli.run(self.server, *args)
        self.assertEqual(r.returncode, 0, r)
        return r.json()

    def test_an_error_line_becomes_an_alarm_email(self):
        self.aws("logs", "create-log-group", "--log-group-name", GROUP)
        self.aws("logs", "create-log-stream", "--log-group-name", GROUP,
                 "--log-stream-name", "web-1")
        self.aws("logs", "put-metric-filter", "--log-group-name", GROUP,
                 "--filter-name", "errors", "--filter-pattern", "ERROR",
                 "--metric-transformations",
                 "metricName=ErrorCount,metricNamespace=Orders,metricValue=1")
        topic = self.aws("sns", "create-topic", "--name", "oncall")["TopicArn"]
        self.aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
                 "--notification-endpoint", "oncall@example.com")
        _, rcpts, mail = self.mailbox.wait_for(1)
        self.assertEqual(rcpts, ["oncall@example.com"])
        self.assertEqual(mail["Subject"], "AWS Notification - Subscription Confirmation")
        link = mail.get_content().split("Confirm subscription: ")[1].split("\n")[0]
        with urllib.request.urlopen(link, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        self.aws("cloudwatch", "put-metric-alarm", "--alarm-name", ALARM,
                 "--metric-name", "ErrorCount", "--namespace", "Orders", "--statistic", "Sum",
                 "--period", "60", "--evaluation-periods", "1", "--threshold", "1",
                 "--comparison-operator", "GreaterThanOrEqualToThreshold",
                 "--alarm-actions", topic)

        self.aws("logs", "put-log-events", "--log-group-name", GROUP, "--log-stream-name", "web-1",
                 "--log-events", json.dumps([
                     {"timestamp": now_ms(), "message": "ERROR payment failed for order 42"}]))
        # A minute later (the server's clock): the minute of the error is complete and evaluated.
        self.server.set_clock_offset(61_000)
        _, rcpts, mail = self.mailbox.wait_for(2, timeout=30)
        self.assertEqual(rcpts, ["oncall@example.com"])
        self.assertEqual(mail["Subject"], SUBJECT)
        body = mail.get_content()
        self.assertTrue(body.startswith(
            f'You are receiving this email because your Amazon CloudWatch Alarm "{ALARM}" in the '
            'US East (N. Virginia) region has entered the ALARM state, because "Threshold Crossed: '
            '1 datapoint [1.0 ('), body)
        # Without --datapoints-to-alarm AWS writes the short form of the reason.
        self.assertIn(")] was greater than or equal to the threshold (1.0).\" at \"", body)
        self.assertIn("- State Change:               INSUFFICIENT_DATA -> ALARM\n", body)

        alarm = self.aws("cloudwatch", "describe-alarms",
                         "--alarm-names", ALARM)["MetricAlarms"][0]
        self.assertEqual(alarm["StateValue"], "ALARM")
        history = self.aws("cloudwatch", "describe-alarm-history", "--alarm-name", ALARM,
                           "--history-item-type", "StateUpdate")["AlarmHistoryItems"]
        self.assertEqual([h["HistorySummary"] for h in history],
                         ["Alarm updated from INSUFFICIENT_DATA to ALARM"])
        # One e-mail per transition: nothing more arrives while the alarm stays in ALARM.
        time.sleep(1)
        self.assertEqual(len(self.mailbox.messages), 2)


if __name__ == "__main__":
    unittest.main()
