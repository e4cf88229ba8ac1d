"""The CloudWatch metrics API through a real JS SDK client: @aws-sdk/client-cloudwatch (pinned in
node/package.json) with Smithy RPC v2 CBOR, the protocol the current SDKs prefer, and with the
client's default protocol. Driven by node/cloudwatch_cbor.mjs.
"""

import json
import os
import subprocess

from cwlogd_harness import NODE_DIR, ServerTestCase, js_sdk_dir, now_ms

MINUTE_MS = 60_000


class JsSdkCloudWatchTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        js_sdk_dir()  # npm ci of the pinned SDK on first use; raises if it cannot
        super().setUpClass()

    def run_script(self, protocol, base_ms):
        env = dict(os.environ, CWLOGD_ENDPOINT=self.server.endpoint, PROTOCOL=protocol,
                   BASE_MS=str(base_ms), AWS_EC2_METADATA_DISABLED="true")
        for var in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(var, None)
        proc = subprocess.run(["node", os.path.join(NODE_DIR, "cloudwatch_cbor.mjs")], env=env,
                              capture_output=True, text=True, timeout=120, cwd=NODE_DIR)
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def check(self, out, base):
        dps = out["datapoints"]
        self.assertEqual(out["label"], "Latency")
        self.assertEqual(len(dps), 2, dps)
        first, second = dps
        self.assertEqual(first["Timestamp"], base)
        # 12.5 once, 1 twice and 4 once.
        self.assertEqual((first["SampleCount"], first["Sum"], first["Minimum"], first["Maximum"]),
                         (4, 18.5, 1, 12.5))
        self.assertEqual(first["Average"], 18.5 / 4)
        self.assertEqual(first["Unit"], "Milliseconds")
        self.assertEqual(second["Timestamp"], base + MINUTE_MS)
        self.assertEqual((second["SampleCount"], second["Sum"]), (2, 30))
        self.assertEqual(out["data"], [{"Id": "sum", "Values": [18.5, 30], "StatusCode": "Complete",
                                        "Timestamps": [base, base + MINUTE_MS]}])
        self.assertEqual(len(out["metrics"]), 1)
        self.assertEqual(out["metrics"][0]["MetricName"], "Latency")
        self.assertEqual(out["metrics"][0]["Dimensions"], [{"Name": "Host", "Value": "web-1"}])
        err = out["error"]
        self.assertIsNotNone(err)
        self.assertEqual(err["name"], "InvalidParameterValueException")
        self.assertEqual(err["message"], "The parameter Period must be a multiple of 60.")
        self.assertEqual(err["status"], 400)

    def test_rpc_v2_cbor(self):
        base = now_ms() - now_ms() % MINUTE_MS - 10 * MINUTE_MS
        out = self.run_script("cbor", base)
        self.assertTrue(out["wire"])
        for call in out["wire"]:
            self.assertEqual(call["smithyProtocol"], "rpc-v2-cbor", call)
            self.assertTrue(call["path"].startswith(
                "/service/GraniteServiceVersion20100801/operation/"), call)
            self.assertEqual(call["responseProtocol"], "rpc-v2-cbor", call)
        self.check(out, base)

    def test_client_default_protocol(self):
        base = now_ms() - now_ms() % MINUTE_MS - 20 * MINUTE_MS
        out = self.run_script("default", base)
        self.check(out, base)


if __name__ == "__main__":
    unittest.main()
