// Used by tests/integration/test_subscriptions.py: subscription filters with the JS SDK v3.
// Env: CWLOGD_ENDPOINT, CWLOGD_DESTINATION (a mapped Lambda ARN). Prints one JSON line.
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteSubscriptionFilterCommand,
  DescribeSubscriptionFiltersCommand,
  PutLogEventsCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const logs = logsClient();
const destinationArn = process.env.CWLOGD_DESTINATION;
const logGroupName = "js-app";

await logs.send(new CreateLogGroupCommand({ logGroupName }));
await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: "s" }));
const put = (filterName, filterPattern) =>
  logs.send(
    new PutSubscriptionFilterCommand({ logGroupName, filterName, filterPattern, destinationArn }),
  );
await put("js", "ERROR");
await put("js2", "");
let limit = null;
try {
  await put("js3", "");
} catch (e) {
  limit = e.name;
}
await logs.send(new DeleteSubscriptionFilterCommand({ logGroupName, filterName: "js2" }));
const described = await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName }));
const now = Date.now();
await logs.send(
  new PutLogEventsCommand({
    logGroupName,
    logStreamName: "s",
    logEvents: [
      { timestamp: now, message: "ERROR from js" },
      { timestamp: now + 1, message: "quiet" },
    ],
  }),
);
console.log(
  JSON.stringify({
    filters: described.subscriptionFilters.map((f) => [
      f.filterName,
      f.filterPattern,
      f.destinationArn,
    ]),
    limit,
  }),
);
