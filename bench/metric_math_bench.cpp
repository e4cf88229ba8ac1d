// GetMetricData with metric math over 100 metrics x 1 day of 1-minute data (RocksDB store in a
// temp dir): wall time per request for a few expressions. Goal: under 50 ms each.
// Usage: metric_math_bench [metrics=100] [minutes=1440] [repeats=10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "api/cloudwatch/cloudwatch_api.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace {

using nlohmann::json;
namespace cw = cwlogd::api::cloudwatch;

int Run(int argc, char** argv) {
  const int metrics = argc > 1 ? std::atoi(argv[1]) : 100;
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 1440;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 10;
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("math-bench-" + std::to_string(getpid())))
          .string();
  cwlogd::storage::StorageOptions options;
  options.path = dir;
  auto store = cwlogd::storage::OpenRocksLogStore(options);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open store: %s\n", store.status().message().c_str());
    return 1;
  }
  auto& logs = **store;
  const int64_t start = 1'796'207'400'000;  // a minute boundary
  const int64_t end = start + static_cast<int64_t>(minutes) * 60'000;
  cwlogd::storage::FakeClock clock(end);
  cw::Context ctx{*logs.metric_store(), clock, {"000000000000", "us-east-1"}, logs.alarm_store()};

  json batch = json::array();
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    json put = {{"Namespace", "Bench"}, {"MetricData", std::move(batch)}};
    batch = json::array();
    auto r = cw::Dispatch("PutMetricData", put, ctx);
    return !std::holds_alternative<cwlogd::api::ApiError>(r);
  };
  for (int m = 0; m < metrics; ++m) {
    for (int t = 0; t < minutes; ++t) {
      batch.push_back(
          {{"MetricName", "Requests"},
           {"Dimensions", json::array({{{"Name", "Host"}, {"Value", "h" + std::to_string(m)}}})},
           {"Timestamp", static_cast<double>(start + t * 60'000LL) / 1000.0},
           {"Value", static_cast<double>((m * 7 + t) % 100)}});
      if (batch.size() == 1000 && !flush()) {
        std::fprintf(stderr, "PutMetricData failed\n");
        return 1;
      }
    }
  }
  if (!flush()) return 1;

  json inputs = json::array();
  for (int m = 0; m < metrics; ++m) {
    inputs.push_back({{"Id", "m" + std::to_string(m)},
                      {"ReturnData", false},
                      {"MetricStat",
                       {{"Metric",
                         {{"Namespace", "Bench"},
                          {"MetricName", "Requests"},
                          {"Dimensions",
                           json::array({{{"Name", "Host"}, {"Value", "h" + std::to_string(m)}}})}}},
                        {"Period", 60},
                        {"Stat", "Average"}}}});
  }
  struct Case {
    const char* name;
    json queries;
  };
  auto with = [&](std::vector<json> exprs) {
    json q = inputs;
    for (auto& e : exprs) q.push_back(std::move(e));
    return q;
  };
  std::vector<Case> cases = {
      {"SUM(METRICS()) over 100 MetricStat inputs",
       with({{{"Id", "e1"}, {"Expression", "SUM(METRICS())"}}})},
      {"(m0 - AVG(METRICS())) / STDDEV(METRICS()) + FILL(m1, 0)",
       with({{{"Id", "e1"},
              {"Expression", "(m0 - AVG(METRICS())) / STDDEV(METRICS()) + FILL(m1, 0)"}}})},
      {"SORT(METRICS(), MAX, DESC, 10): 10 series out",
       with({{{"Id", "e1"}, {"Expression", "SORT(METRICS(), MAX, DESC, 10)"}}})},
      {"SUM(SEARCH('{Bench,Host} Requests', 'Average', 60)) (no MetricStat inputs)",
       json::array({{{"Id", "e1"},
                     {"Expression",
                      "SUM(SEARCH('{Bench,Host} MetricName=\"Requests\"', 'Average', 60))"}}})},
      {"SELECT AVG(Requests) FROM SCHEMA(Bench, Host) GROUP BY Host LIMIT 10",
       json::array({{{"Id", "e1"},
                     {"Period", 60},
                     {"Expression",
                      "SELECT AVG(Requests) FROM SCHEMA(Bench, Host) GROUP BY Host ORDER BY "
                      "MAX() DESC LIMIT 10"}}})},
  };
  std::printf("metric_math_bench: %d metrics x %d minutes, best / median of %d requests\n", metrics,
              minutes, repeats);
  for (auto& c : cases) {
    json request = {{"MetricDataQueries", c.queries},
                    {"StartTime", static_cast<double>(start) / 1000.0},
                    {"EndTime", static_cast<double>(end) / 1000.0}};
    std::vector<double> ms;
    size_t points = 0;
    for (int i = 0; i < repeats; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto r = cw::Dispatch("GetMetricData", request, ctx);
      auto t1 = std::chrono::steady_clock::now();
      if (auto* e = std::get_if<cwlogd::api::ApiError>(&r)) {
        std::fprintf(stderr, "%s: %s %s\n", c.name, e->type.c_str(), e->message.c_str());
        return 1;
      }
      points = 0;
      for (const auto& res : std::get<json>(r)["MetricDataResults"]) points += res["Values"].size();
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("  %-75s %8.1f ms %8.1f ms  (%zu points out)\n", c.name, ms.front(),
                ms[ms.size() / 2], points);
  }
  store.value().reset();  // closes the DB before the directory goes
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metric_math_bench: %s\n", e.what());
    return 1;
  }
}
