// Used by tests/integration/test_export_tasks.py: an export task with the JS SDK v3, from
// CreateExportTask to COMPLETED, and CancelExportTask on an unknown id.
// Env: CWLOGD_ENDPOINT, CWLOGD_BUCKET (an existing bucket folder). Prints one JSON line.
import {
  CancelExportTaskCommand,
  CreateExportTaskCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeExportTasksCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { logsClient } from "./cwlogd_client.mjs";

const logs = logsClient();

const timestamp = Date.now() - 60000;
await logs.send(new CreateLogGroupCommand({ logGroupName: "js" }));
await logs.send(new CreateLogStreamCommand({ logGroupName: "js", logStreamName: "s" }));
await logs.send(
  new PutLogEventsCommand({
    logGroupName: "js",
    logStreamName: "s",
    logEvents: [{ timestamp, message: "hello from js" }],
  }),
);
const { taskId } = await logs.send(
  new CreateExportTaskCommand({
    logGroupName: "js",
    from: 0,
    to: Date.now(),
    destination: process.env.CWLOGD_BUCKET,
    destinationPrefix: "js",
  }),
);
let task;
for (let i = 0; i < 600; i++) {
  ({
    exportTasks: [task],
  } = await logs.send(new DescribeExportTasksCommand({ taskId })));
  if (!["PENDING", "RUNNING"].includes(task.status.code)) break;
  await new Promise((r) => setTimeout(r, 50));
}
let cancelMissing = "none";
try {
  await logs.send(new CancelExportTaskCommand({ taskId: "no-such-task" }));
} catch (e) {
  cancelMissing = e.name;
}
console.log(
  JSON.stringify({
    taskId,
    timestamp,
    status: task.status.code,
    destinationPrefix: task.destinationPrefix,
    cancelMissing,
  }),
);
