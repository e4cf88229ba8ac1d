// Used by tests/integration/test_insights.py: the JS SDK v3 runs a Logs Insights query and polls
// its results, then sends a malformed query. Env: CWLOGD_ENDPOINT, GROUP, START, END (seconds).
// Prints one JSON line with the results.
import {
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const client = logsClient();

const { queryId } = await client.send(
  new StartQueryCommand({
    logGroupName: process.env.GROUP,
    startTime: Number(process.env.START),
    endTime: Number(process.env.END),
    queryString: "fields @timestamp, @message | filter @message like /REPORT/ | limit 2",
  }),
);
let out;
for (;;) {
  out = await client.send(new GetQueryResultsCommand({ queryId }));
  if (!["Scheduled", "Running"].includes(out.status)) break;
  await new Promise((r) => setTimeout(r, 50));
}
const rows = out.results.map((row) => Object.fromEntries(row.map((c) => [c.field, c.value])));
let malformed = null;
let location = null;
try {
  await client.send(
    new StartQueryCommand({
      logGroupName: process.env.GROUP,
      startTime: 0,
      endTime: 10,
      queryString: "fields @message | bogus",
    }),
  );
} catch (e) {
  malformed = e.name;
  location = e.queryCompileError?.location ?? null;
}
console.log(JSON.stringify({ status: out.status, rows, malformed, location }));
