// Used by tests/integration/test_metrics_cbor.py: @aws-sdk/client-cloudwatch against cwlogd,
// once with Smithy RPC v2 CBOR (AwsSmithyRpcV2CborProtocol, what the current SDKs prefer) and
// once with the client's default protocol. Env: CWLOGD_ENDPOINT, PROTOCOL ("cbor"|"default"),
// BASE_MS (a minute start, epoch ms). Prints one JSON line with what came back.
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { AwsSmithyRpcV2CborProtocol } from "@aws-sdk/core/protocols";

const cbor = process.env.PROTOCOL === "cbor";
const base = Number(process.env.BASE_MS);
const ns = cbor ? "JsCbor" : "JsDefault";
const client = new CloudWatchClient({
  endpoint: process.env.CWLOGD_ENDPOINT,
  region: "us-east-1",
  maxAttempts: 1,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  ...(cbor ? { protocol: AwsSmithyRpcV2CborProtocol } : {}),
});

// Record what went on the wire.
const wire = [];
client.middlewareStack.add(
  (next) => async (args) => {
    const h = args.request.headers;
    wire.push({
      path: args.request.path,
      smithyProtocol: h["smithy-protocol"] ?? null,
      contentType: h["content-type"] ?? null,
      target: h["x-amz-target"] ?? null,
    });
    const record = (response) => {
      wire[wire.length - 1].status = response?.statusCode ?? null;
      wire[wire.length - 1].responseProtocol = response?.headers?.["smithy-protocol"] ?? null;
    };
    try {
      const out = await next(args);
      record(out.response);
      return out;
    } catch (e) {
      record(e.$response);
      throw e;
    }
  },
  { step: "finalizeRequest", name: "recordWire" },
);

const dims = [{ Name: "Host", Value: "web-1" }];
await client.send(
  new PutMetricDataCommand({
    Namespace: ns,
    MetricData: [
      { MetricName: "Latency", Value: 12.5, Unit: "Milliseconds", Dimensions: dims,
        Timestamp: new Date(base + 1500) },
      { MetricName: "Latency", Values: [1, 4], Counts: [2, 1], Unit: "Milliseconds",
        Dimensions: dims, Timestamp: new Date(base + 2500) },
      { MetricName: "Latency", Dimensions: dims, Unit: "Milliseconds",
        StatisticValues: { SampleCount: 2, Sum: 30, Minimum: 10, Maximum: 20 },
        Timestamp: new Date(base + 60000) },
    ],
  }),
);
const stats = await client.send(
  new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: "Latency", Dimensions: dims,
    StartTime: new Date(base), EndTime: new Date(base + 120000), Period: 60,
    Statistics: ["SampleCount", "Sum", "Minimum", "Maximum", "Average"],
  }),
);
const data = await client.send(
  new GetMetricDataCommand({
    MetricDataQueries: [{ Id: "sum", MetricStat: {
      Metric: { Namespace: ns, MetricName: "Latency", Dimensions: dims }, Period: 60, Stat: "Sum" } }],
    StartTime: new Date(base), EndTime: new Date(base + 120000), ScanBy: "TimestampAscending",
  }),
);
const list = await client.send(new ListMetricsCommand({ Namespace: ns }));
let error = null;
try {
  await client.send(new GetMetricStatisticsCommand({
    Namespace: ns, MetricName: "Latency", StartTime: new Date(base),
    EndTime: new Date(base + 120000), Period: 61, Statistics: ["Sum"] }));
} catch (e) {
  error = { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode ?? null };
}
console.log(JSON.stringify({
  wire,
  datapoints: stats.Datapoints.map((p) => ({ ...p, Timestamp: p.Timestamp.getTime() }))
    .sort((a, b) => a.Timestamp - b.Timestamp),
  label: stats.Label,
  data: data.MetricDataResults.map((r) => ({ Id: r.Id, Values: r.Values, StatusCode: r.StatusCode,
    Timestamps: r.Timestamps.map((t) => t.getTime()) })),
  metrics: list.Metrics,
  error,
}));
