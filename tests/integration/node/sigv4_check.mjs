// Used by tests/integration/test_sigv4.py: the JS SDK v3 against a `--auth sigv4` cwlogd.
// Env: CWLOGD_ENDPOINT, KEY_ID, SECRET, WRONG_SECRET. Prints one JSON line with the results.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from "@aws-sdk/client-cloudwatch-logs";

function client(secret) {
  return new CloudWatchLogsClient({
    endpoint: process.env.CWLOGD_ENDPOINT,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId: process.env.KEY_ID, secretAccessKey: secret },
  });
}

const good = client(process.env.SECRET);
await good.send(new CreateLogGroupCommand({ logGroupName: "js-sdk" }));
const groups = (await good.send(new DescribeLogGroupsCommand({}))).logGroups.map(
  (g) => g.logGroupName,
);
let wrongSecretError = null;
let wrongSecretMessage = null;
try {
  await client(process.env.WRONG_SECRET).send(new CreateLogGroupCommand({ logGroupName: "nope" }));
} catch (e) {
  wrongSecretError = e.name;
  wrongSecretMessage = e.message;
}
console.log(JSON.stringify({ groups, wrongSecretError, wrongSecretMessage }));
