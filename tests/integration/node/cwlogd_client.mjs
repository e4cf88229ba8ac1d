// The Logs client every script here uses: the server under test (CWLOGD_ENDPOINT), the harness's
// region and test credentials, and no retries (a test sees the first answer). `extra` adds or
// overrides client options (e.g. disableHostPrefix for StartLiveTail).
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";

export function logsClient(extra = {}) {
  return new CloudWatchLogsClient({
    endpoint: process.env.CWLOGD_ENDPOINT,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    ...extra,
  });
}
