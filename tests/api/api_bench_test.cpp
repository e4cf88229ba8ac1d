// Hidden benchmarks (run with: api_tests "[.bench]" -s or --durations yes). Not part of ctest.
#include <chrono>
#include <cstdio>

#include "api/detail/put_log_events_parser.h"
#include "api/handlers/handlers.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string AccessLogBody(int batch, int n) {
  json events = json::array();
  for (int i = 0; i < n; ++i) {
    std::string message = "10.0." + std::to_string(i % 256) + "." + std::to_string(batch % 256) +
                          " - - [14/Nov/2023:22:13:20 +0000] \"GET /api/v1/orders/" +
                          std::to_string(batch * n + i) +
                          " HTTP/1.1\" 200 5123 \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0.012";
    if (batch == 999 && i == 500) message += " FATAL";
    events.push_back({{"timestamp", kNow - 1000 + i / 10}, {"message", message}});
  }
  return json{{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", events}}.dump();
}

TEST_CASE("Benchmark: PutLogEvents parse paths and a 1M-event FilterLogEvents scan", "[.bench]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  std::string body = AccessLogBody(0, 1000);
  {
    auto t = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i)
      REQUIRE(
          std::holds_alternative<detail::PutLogEventsInput>(detail::ParsePutLogEvents(body, 64)));
    double s = Seconds(t);
    std::printf("simdjson parse + validation: %.0f MB/s, %.2f M events/s\n",
                200 * body.size() / s / 1e6, 200e3 / s / 1e6);
    t = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) REQUIRE(!json::parse(body).is_discarded());
    s = Seconds(t);
    std::printf("nlohmann parse: %.0f MB/s, %.2f M events/s\n", 200 * body.size() / s / 1e6,
                200e3 / s / 1e6);
  }
  auto t = std::chrono::steady_clock::now();
  for (int b = 0; b < 1000; ++b) {
    ApiResult r = f.Raw("PutLogEvents", AccessLogBody(b, 1000));
    REQUIRE(std::holds_alternative<json>(r));
  }
  std::printf("ingest 1M events through Dispatch (incl. body building): %.2f s\n", Seconds(t));
  t = std::chrono::steady_clock::now();
  json r = f.Ok("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "FATAL"}});
  std::printf("FilterLogEvents FATAL over 1M events: %.3f s, %zu events, token=%d\n", Seconds(t),
              r["events"].size(), r.contains("nextToken") ? 1 : 0);
  CHECK(r["events"].size() == 1);
  CHECK_FALSE(r.contains("nextToken"));
}

}  // namespace
}  // namespace cwlogd::api::testing
