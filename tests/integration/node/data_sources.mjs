// Used by tests/integration/test_data_sources.py: a log group tagged with a custom data source,
// then ListAggregateLogGroupSummaries and GetLogFields with the JS SDK v3.
// Env: CWLOGD_ENDPOINT. Prints one JSON line.
import {
  CreateLogGroupCommand,
  GetLogFieldsCommand,
  ListAggregateLogGroupSummariesCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const logs = logsClient();

await logs.send(
  new CreateLogGroupCommand({
    logGroupName: "js-orders",
    tags: { "cw:datasource:name": "orders", "cw:datasource:type": "api" },
  }),
);
const { aggregateLogGroupSummaries } = await logs.send(
  new ListAggregateLogGroupSummariesCommand({ groupBy: "DATA_SOURCE_NAME_AND_TYPE" }),
);
const { logFields } = await logs.send(
  new GetLogFieldsCommand({ dataSourceName: "orders", dataSourceType: "api" }),
);
console.log(JSON.stringify({ summaries: aggregateLogGroupSummaries, fields: logFields }));
