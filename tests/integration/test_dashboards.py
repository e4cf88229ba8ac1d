"""CloudWatch dashboards (PutDashboard, GetDashboard, ListDashboards, DeleteDashboards) and
GetMetricWidgetImage, over boto3 (whichever CloudWatch protocol its model picks: RPC v2 CBOR on a
recent botocore, query on Debian 12's 1.26), the raw JSON 1.0 protocol and the aws CLI v2. The
widget image is decoded here with a small PNG reader (zlib) to look at its pixels."""

import base64
import json
import struct
import time
import unittest
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cwlogd_harness import AwsCli, DEFAULT_REGION, ServerTestCase, find_aws_v2

BODY = json.dumps({
    "start": "-PT6H",
    "widgets": [
        {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
         "properties": {"metrics": [["App", "Latency", "Host", "a"]], "period": 300,
                        "stat": "Average", "region": "us-east-1", "title": "Latency"}},
        {"type": "text", "x": 0, "y": 7, "width": 3, "height": 3,
         "properties": {"markdown": "Hello  world"}},
    ]}, indent=1)


def cloudwatch(server):
    return boto3.session.Session().client(
        "cloudwatch", endpoint_url=server.endpoint, region_name=DEFAULT_REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def decode_png(data):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos = 8
    idat = b""
    width = height = channels = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and interlace == 0 and color in (2, 6), (depth, color, interlace)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        ftype = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 0xff
            elif ftype == 2:
                line[x] = (line[x] + b) & 0xff
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xff
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        prev = line
    return width, height, rows


def count_colour(rows, rgb):
    return sum(1 for row in rows for px in row if px == rgb)


class DashboardTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cloudwatch(cls.server)

    def test_put_get_list_delete(self):
        out = self.cw.put_dashboard(DashboardName="ops-main", DashboardBody=BODY)
        self.assertEqual(out.get("DashboardValidationMessages", []), [])
        got = self.cw.get_dashboard(DashboardName="ops-main")
        self.assertEqual(got["DashboardBody"], BODY)  # byte for byte, whitespace included
        self.assertEqual(got["DashboardName"], "ops-main")
        self.assertRegex(got["DashboardArn"], r"^arn:aws:cloudwatch::\d{12}:dashboard/ops-main$")
        self.cw.put_dashboard(DashboardName="ops-db", DashboardBody='{"widgets":[]}')
        self.cw.put_dashboard(DashboardName="web", DashboardBody='{"widgets":[]}')
        entries = self.cw.list_dashboards(DashboardNamePrefix="ops-")["DashboardEntries"]
        self.assertEqual([e["DashboardName"] for e in entries], ["ops-db", "ops-main"])
        main = entries[1]
        self.assertEqual(main["Size"], len(BODY.encode()))
        self.assertLess(abs(main["LastModified"].timestamp() - time.time()), 120)
        self.assertEqual(len(self.cw.list_dashboards()["DashboardEntries"]), 3)
        self.cw.delete_dashboards(DashboardNames=["ops-db", "web"])
        names = [e["DashboardName"] for e in self.cw.list_dashboards()["DashboardEntries"]]
        self.assertEqual(names, ["ops-main"])

    def test_delete_is_all_or_nothing(self):
        self.cw.put_dashboard(DashboardName="keep", DashboardBody='{"widgets":[]}')
        with self.assertRaises(ClientError) as cm:
            self.cw.delete_dashboards(DashboardNames=["keep", "missing"])
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFound")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertEqual(self.cw.get_dashboard(DashboardName="keep")["DashboardName"], "keep")

    def test_get_missing_dashboard(self):
        with self.assertRaises(ClientError) as cm:
            self.cw.get_dashboard(DashboardName="nope")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFound")

    def test_invalid_bodies(self):
        with self.assertRaises(ClientError) as cm:
            self.cw.put_dashboard(DashboardName="bad", DashboardBody="{not json")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterInput")
        with self.assertRaises(ClientError) as cm:
            self.cw.put_dashboard(DashboardName="bad", DashboardBody=json.dumps(
                {"widgets": [{"type": "text", "width": 30, "properties": {}}]}))
        message = cm.exception.response["Error"]["Message"]
        self.assertIn("there are 2 validation errors", message)
        self.assertIn("/widgets/0/width", message)
        with self.assertRaises(ClientError) as cm:
            self.cw.put_dashboard(DashboardName="bad name", DashboardBody='{"widgets":[]}')
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterInput")
        self.assertEqual(self.cw.list_dashboards()["DashboardEntries"], [])

    def test_validation_messages_in_json_protocol(self):
        body = json.dumps({"DashboardName": "bad", "DashboardBody": '{"widgets":[{"x":1}]}'})
        status, _, data = self.server.http("POST", "/", body.encode(), headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "GraniteServiceVersion20100801.PutDashboard"})
        self.assertEqual(status, 400)
        doc = json.loads(data)
        self.assertTrue(doc["__type"].endswith("#DashboardInvalidInputError"), doc)
        self.assertEqual(doc["dashboardValidationMessages"],
                         [{"DataPath": "/widgets/0",
                           "Message": "Should have required property 'type'"}])

    def test_list_pages_with_next_token(self):
        for i in range(1003):
            self.cw.put_dashboard(DashboardName=f"d{i:04d}", DashboardBody='{"widgets":[]}')
        first = self.cw.list_dashboards()
        self.assertEqual(len(first["DashboardEntries"]), 1000)
        second = self.cw.list_dashboards(NextToken=first["NextToken"])
        self.assertEqual([e["DashboardName"] for e in second["DashboardEntries"]],
                         ["d1000", "d1001", "d1002"])
        self.assertNotIn("NextToken", second)
        with self.assertRaises(ClientError) as cm:
            self.cw.list_dashboards(NextToken="garbage")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidNextToken")

    def test_dashboards_survive_a_restart(self):
        self.cw.put_dashboard(DashboardName="durable", DashboardBody=BODY)
        self.restart_server()
        self.__class__.cw = cloudwatch(self.server)
        self.assertEqual(self.cw.get_dashboard(DashboardName="durable")["DashboardBody"], BODY)

    def test_put_dashboard_with_aws_cli(self):
        path = find_aws_v2()
        if path is None:
            self.skipTest("aws CLI v2 not installed")
        aws = AwsCli(path, "aws v2")
        r = aws.run(self.server, "cloudwatch", "put-dashboard", "--dashboard-name", "cli",
                    "--dashboard-body", BODY)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = aws.run(self.server, "cloudwatch", "get-dashboard", "--dashboard-name", "cli")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.json()["DashboardBody"], BODY)
        r = aws.run(self.server, "cloudwatch", "put-dashboard", "--dashboard-name", "cli",
                    "--dashboard-body", '{"widgets": 3}')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("InvalidParameterInput", r.stderr)


class MetricWidgetImageTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw = cloudwatch(cls.server)

    def put_latency(self):
        now = time.time()
        data = []
        for i in range(30):
            data.append({"MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "a"}],
                         "Timestamp": now - 60 * (30 - i), "Value": float(10 + (i % 7) * 5)})
        self.cw.put_metric_data(Namespace="App", MetricData=data)

    def test_widget_png_has_the_line_colour(self):
        self.put_latency()
        widget = {"metrics": [["App", "Latency", "Host", "a", {"color": "#ff0000"}]],
                  "view": "timeSeries", "stacked": False, "title": "Latency",
                  "start": "-PT1H", "period": 60, "stat": "Average", "width": 400, "height": 250,
                  "annotations": {"horizontal": [{"value": 30, "label": "slo",
                                                  "color": "#00aa00"}]},
                  "yAxis": {"left": {"min": 0}}, "legend": {"position": "hidden"}}
        out = self.cw.get_metric_widget_image(MetricWidget=json.dumps(widget),
                                              OutputFormat="png")
        png = out["MetricWidgetImage"]
        self.assertIsInstance(png, bytes)
        width, height, rows = decode_png(png)
        self.assertEqual((width, height), (400, 250))
        # No legend: every red pixel is the series line, every green one the annotation.
        self.assertGreater(count_colour(rows, (255, 0, 0)), 50)
        self.assertGreater(count_colour(rows, (0, 170, 0)), 50)

    def test_widget_without_data_draws_no_line(self):
        widget = {"metrics": [["App", "Nothing", {"color": "#ff0000"}]], "start": "-PT3H"}
        png = self.cw.get_metric_widget_image(MetricWidget=json.dumps(widget))["MetricWidgetImage"]
        width, height, rows = decode_png(png)
        self.assertEqual((width, height), (600, 400))  # the default size
        # Only the legend swatch is red: 10 x 10 pixels.
        self.assertEqual(count_colour(rows, (255, 0, 0)), 100)

    def test_json_protocol_answers_base64(self):
        self.put_latency()
        body = json.dumps({"MetricWidget": json.dumps(
            {"metrics": [["App", "Latency", "Host", "a"]], "width": 100, "height": 80})})
        status, _, data = self.server.http("POST", "/", body.encode(), headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "GraniteServiceVersion20100801.GetMetricWidgetImage"})
        self.assertEqual(status, 200, data)
        png = base64.b64decode(json.loads(data)["MetricWidgetImage"])
        self.assertEqual(decode_png(png)[:2], (100, 80))

    def test_bad_widget(self):
        with self.assertRaises(ClientError) as cm:
            self.cw.get_metric_widget_image(MetricWidget="{nope")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidParameterValue")


if __name__ == "__main__":
    unittest.main()
