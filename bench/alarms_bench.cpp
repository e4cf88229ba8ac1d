// Alarm evaluation cost: 1,000 metric alarms (each on its own metric with a datapoint every
// minute) evaluated once per simulated minute on a real RocksDB store; prints the CPU time of
// one pass and what that is as a share of one core at one pass a minute (goal: under 5%).
// With "math", each alarm is a metric-math alarm `a / b * 10` over two metrics of its own (same
// values as the plain alarm's metric, through the metric math engine).
// Usage: alarms_bench [alarms=1000] [minutes=10] [math]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "api/cloudwatch/alarms/alarm_evaluator.h"
#include "api/cloudwatch/cloudwatch_api.h"
#include "storage/alarm_store.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace {

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int Run(int argc, char** argv) {
  using nlohmann::json;
  namespace cw = cwlogd::api::cloudwatch;
  const int alarms = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 10;
  const bool math = argc > 3 && std::string(argv[3]) == "math";
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("alarms-bench-" + std::to_string(getpid())))
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
  cwlogd::storage::FakeClock clock(start);
  cw::Context ctx{*logs.metric_store(), clock, {"000000000000", "us-east-1"}, logs.alarm_store()};
  for (int i = 0; i < alarms; ++i) {
    json put = {{"AlarmName", "alarm-" + std::to_string(i)},
                {"MetricName", "m" + std::to_string(i)},
                {"Namespace", "Bench"},
                {"Statistic", "Sum"},
                {"Period", 60},
                {"EvaluationPeriods", 3},
                {"DatapointsToAlarm", 2},
                {"Threshold", 5.0},
                {"ComparisonOperator", "GreaterThanThreshold"},
                {"AlarmActions", json::array({"arn:aws:sns:us-east-1:000000000000:t"})}};
    if (math) {
      auto stat = [&](const char* id, const std::string& name) {
        return json{{"Id", id},
                    {"ReturnData", false},
                    {"MetricStat",
                     {{"Metric", {{"Namespace", "Bench"}, {"MetricName", name}}},
                      {"Period", 60},
                      {"Stat", "Sum"}}}};
      };
      for (const char* k : {"MetricName", "Namespace", "Statistic", "Period"}) put.erase(k);
      put["Metrics"] =
          json::array({{{"Id", "e1"}, {"Expression", "a / b * 10"}, {"ReturnData", true}},
                       stat("a", "m" + std::to_string(i)),
                       stat("b", "n" + std::to_string(i))});
    }
    auto r = cw::Dispatch("PutMetricAlarm", put, ctx);
    if (std::holds_alternative<cwlogd::api::ApiError>(r)) {
      std::fprintf(stderr, "PutMetricAlarm failed\n");
      return 1;
    }
  }
  cwlogd::api::cloudwatch::alarms::AlarmEvaluator evaluator(*logs.alarm_store(),
                                                            *logs.metric_store(), clock, nullptr);
  double total_ms = 0;
  size_t transitions = 0;
  for (int minute = 0; minute < minutes; ++minute) {
    const int64_t now = start + minute * 60'000LL;
    // One datapoint per metric per minute, alternating around the threshold.
    json data = json::array();
    for (int i = 0; i < alarms; ++i) {
      data.push_back({{"MetricName", "m" + std::to_string(i)},
                      {"Value", ((minute + i) % 4 < 2) ? 10.0 : 1.0},
                      {"Timestamp", static_cast<double>(now - 30'000) / 1000.0}});
      if (math) {
        data.push_back({{"MetricName", "n" + std::to_string(i)},
                        {"Value", 10.0},
                        {"Timestamp", static_cast<double>(now - 30'000) / 1000.0}});
      }
      if (data.size() >= 1000 || i == alarms - 1) {
        clock.Set(now);
        auto r = cw::Dispatch("PutMetricData", {{"Namespace", "Bench"}, {"MetricData", data}}, ctx);
        if (std::holds_alternative<cwlogd::api::ApiError>(r)) {
          std::fprintf(stderr, "PutMetricData failed\n");
          return 1;
        }
        data = json::array();
      }
    }
    const double before = ThreadCpuMs();
    auto stats = evaluator.EvaluateAll(now + 1000);
    const double spent = ThreadCpuMs() - before;
    total_ms += spent;
    transitions += stats.transitions;
    std::printf("minute %2d: %zu alarms evaluated, %zu transitions, %.1f ms CPU\n", minute,
                stats.alarms_evaluated, stats.transitions, spent);
  }
  const double per_pass = total_ms / minutes;
  std::printf(
      "%d alarms: %.1f ms CPU per pass = %.2f%% of one core at one pass a minute "
      "(%zu transitions in %d minutes)\n",
      alarms, per_pass, per_pass / 60'000.0 * 100.0, transitions, minutes);
  store.value().reset();  // closes the DB before the directory goes
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alarms_bench: %s\n", e.what());
    return 1;
  }
}
