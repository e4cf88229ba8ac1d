// Hidden micro-measure (run with: metrics_tests "[benchmark]"): PutLogEvents through the real
// handler and RocksDB store, with no metric filter and with five, on nginx access lines in
// batches of 1000. Prints events/s and the ratio (the goal is >= 70% of the rate without
// filters); asserts only that the metric numbers are right, never timings.
// CWLOGD_BENCH_BATCHES overrides the number of batches per run (default 300).
#include <chrono>
#include <cstdio>
#include <random>

#include "api/context.h"
#include "api/dispatch.h"
#include "api/metric_filter_eval.h"
#include "storage/clock.h"
#include "storage/metric_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

std::string Line(std::mt19937& mt) {
  static const char* kPaths[] = {"/", "/index.html", "/api/v1/items", "/static/app.js"};
  char buf[256];
  const unsigned r = static_cast<unsigned>(mt());
  int n = std::snprintf(
      buf, sizeof buf, "10.%u.%u.%u - frank [22/Nov/2025:10:00:00 +0000] \"%s %s HTTP/1.1\" %d %u",
      r % 256, (r >> 8) % 256, (r >> 16) % 256, r % 7 == 0 ? "POST" : "GET", kPaths[r % 4],
      r % 10 == 0 ? 500 : 200, static_cast<unsigned>(mt() % 50000));
  return std::string(buf, static_cast<size_t>(n));
}

struct Run {
  double events_per_s = 0;
  double bytes_sum = 0;  // sum of $size over all events (expected BytesTransferred)
};

Run Ingest(int filters, size_t batches) {
  cwlogd::storage::testing::TempDir dir;
  cwlogd::storage::StorageOptions options;
  options.path = dir.path();
  auto opened = cwlogd::storage::OpenRocksLogStore(options);
  REQUIRE(opened.ok());
  auto& store = *opened.value();
  cwlogd::storage::SystemClock clock;
  cwlogd::api::ApiOptions api_options;
  cwlogd::api::MetricFilterCache metric_filter_cache;
  cwlogd::api::Context ctx{
      store, clock, api_options, metric_filter_cache, {"000000000000", "us-east-1"}};
  auto call = [&](std::string_view op, const json& body) {
    auto r = cwlogd::api::Dispatch("Logs_20140328." + std::string(op), body.dump(), ctx);
    if (auto* e = std::get_if<cwlogd::api::ApiError>(&r)) FAIL(op << ": " << e->message);
  };
  call("CreateLogGroup", {{"logGroupName", "nginx"}});
  call("CreateLogStream", {{"logGroupName", "nginx"}, {"logStreamName", "access"}});
  const json transformations[] = {
      {{"metricName", "BytesTransferred"},
       {"metricNamespace", "Nginx"},
       {"metricValue", "$size"},
       {"unit", "Bytes"}},
      {{"metricName", "EventCount"}, {"metricNamespace", "Nginx"}, {"metricValue", "1"}},
      {{"metricName", "ServerErrors"},
       {"metricNamespace", "Nginx"},
       {"metricValue", "1"},
       {"dimensions", {{"Status", "$status_code"}}}},
      {{"metricName", "Posts"},
       {"metricNamespace", "Nginx"},
       {"metricValue", "1"},
       {"defaultValue", 0}},
      {{"metricName", "ApiCalls"}, {"metricNamespace", "Nginx"}, {"metricValue", "1"}},
  };
  const char* patterns[] = {"[ip, id, user, timestamp, request, status_code, size]", "",
                            "[ip, id, user, timestamp, request, status_code = 5*, size]", "POST",
                            "\"/api/\""};
  for (int i = 0; i < filters; ++i) {
    call("PutMetricFilter", {{"logGroupName", "nginx"},
                             {"filterName", "f" + std::to_string(i)},
                             {"filterPattern", patterns[i]},
                             {"metricTransformations", json::array({transformations[i]})}});
  }
  std::mt19937 mt(1);
  std::vector<std::string> bodies;
  Run run;
  const int64_t now = clock.NowMillis();
  for (size_t b = 0; b < batches; ++b) {
    json events = json::array();
    for (int i = 0; i < 1000; ++i) {
      std::string line = Line(mt);
      run.bytes_sum += std::stod(line.substr(line.rfind(' ') + 1));
      events.push_back(
          {{"timestamp", now - 3'600'000 + static_cast<int64_t>(b)}, {"message", line}});
    }
    bodies.push_back(json{
        {"logGroupName", "nginx"}, {"logStreamName", "access"}, {"logEvents", std::move(events)}}
                         .dump());
  }
  const auto start = SteadyClock::now();
  for (const auto& body : bodies) {
    auto r = cwlogd::api::Dispatch("Logs_20140328.PutLogEvents", body, ctx);
    REQUIRE(std::holds_alternative<json>(r));
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  run.events_per_s = static_cast<double>(batches * 1000) / seconds;
  if (filters > 0) {
    double total = 0;
    cwlogd::storage::MetricId id{"Nginx", "BytesTransferred", {}};
    REQUIRE(store.metric_store()
                ->QueryMetric(ctx.partition, id, now - 7'200'000, now,
                              [&](const auto& p) {
                                total += p.aggregate.sum;
                                return true;
                              })
                .ok());
    CHECK(total == run.bytes_sum);  // every event's $size, to the unit
  }
  return run;
}

}  // namespace

TEST_CASE("PutLogEvents with five metric filters keeps most of the ingest rate", "[.][benchmark]") {
  size_t batches = 300;
  if (const char* env = std::getenv("CWLOGD_BENCH_BATCHES")) batches = std::stoul(env);
  (void)Ingest(0, 20);  // warm-up (page cache, allocator)
  Run none = Ingest(0, batches);
  Run five = Ingest(5, batches);
  std::printf("PutLogEvents, 1000 nginx events per call, one thread:\n");
  std::printf("  no metric filter:   %10.0f events/s\n", none.events_per_s);
  std::printf("  five metric filters: %10.0f events/s (%.0f%% of none)\n", five.events_per_s,
              100.0 * five.events_per_s / none.events_per_s);
  std::fflush(stdout);
}
