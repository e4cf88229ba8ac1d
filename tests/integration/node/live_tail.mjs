// Used by tests/integration/test_live_tail.py: the JS SDK v3 starts a live tail on GROUP (the
// client needs disableHostPrefix: true, or it sends the request to stream-<host>), puts one
// event in GROUP/STREAM once the session has started, and reads the stream until that event
// arrives; then a StartLiveTail on a missing group. Env: CWLOGD_ENDPOINT, GROUP, STREAM.
// Prints one JSON line.
import {
  PutLogEventsCommand,
  StartLiveTailCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const client = logsClient({ disableHostPrefix: true });

const group = process.env.GROUP;
const stream = process.env.STREAM;
const message = `from the JS SDK ${Date.now()}`;
const started = Date.now();
const response = await client.send(new StartLiveTailCommand({ logGroupIdentifiers: [group] }));
const kinds = [];
let sessionStart = null;
let found = null;
let putAt = 0;
for await (const event of response.responseStream) {
  kinds.push(Object.keys(event).find((k) => event[k] !== undefined));
  if (event.sessionStart) {
    sessionStart = event.sessionStart;
    putAt = Date.now();
    await client.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: [{ timestamp: Date.now(), message }],
      }),
    );
  }
  if (event.sessionUpdate) {
    found = event.sessionUpdate.sessionResults.find((r) => r.message === message) ?? null;
    if (found) break;
  }
  if (Date.now() - started > 15000) break;
}
const seenAfterMs = found ? Date.now() - putAt : null;

let missing = null;
try {
  const r = await client.send(
    new StartLiveTailCommand({ logGroupIdentifiers: ["no-such-group-js"] }),
  );
  for await (const e of r.responseStream) {
    missing = "streamed";
    break;
  }
} catch (e) {
  missing = e.name;
}
console.log(JSON.stringify({ kinds, sessionStart, found, seenAfterMs, missing }));
// Leaving the loop does not close the stream's connection: end the process explicitly.
client.destroy();
process.exit(0);
