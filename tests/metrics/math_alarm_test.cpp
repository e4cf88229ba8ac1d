// Metric-math alarms (api/cloudwatch/alarms/math_alarm.h): PutMetricAlarm's checks of the
// Metrics list, and the datapoints an expression alarm evaluates, over an in-memory store.
#include "api/cloudwatch/alarms/math_alarm.h"

#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/metrics/mem_metric_store.h"

namespace al = cwlogd::api::cloudwatch::alarms;
using nlohmann::json;

namespace {

// 2026-12-02T10:31:00Z, a minute start.
constexpr int64_t kEnd = 1796207460000;
const cwlogd::storage::Partition kPartition{"123456789012", "us-east-1"};

json Stat(const std::string& id, const std::string& name, int period = 60,
          const std::string& stat = "Sum") {
  return {{"Id", id},
          {"MetricStat",
           {{"Metric", {{"Namespace", "App"}, {"MetricName", name}}},
            {"Period", period},
            {"Stat", stat}}},
          {"ReturnData", false}};
}

json Expr(const std::string& id, const std::string& expression, bool returned = true) {
  return {{"Id", id}, {"Expression", expression}, {"ReturnData", returned}};
}

// The message of the ValidationError ReadAlarmMetrics answers ("" when it accepts the list).
std::string Error(const json& list) {
  auto r = al::ReadAlarmMetrics(list);
  if (auto* e = std::get_if<cwlogd::api::ApiError>(&r)) return e->type + ": " + e->message;
  return "";
}

void Put(cwlogd::testing::MemMetricStore& store, const std::string& name, int64_t minute_ms,
         double value) {
  cwlogd::storage::MetricAggregateDelta d;
  d.metric = {"App", name, {}};
  d.minute_ms = minute_ms;
  d.aggregate.Add(value);
  REQUIRE(store.PutMetricData(kPartition, {&d, 1}, minute_ms).ok());
}

}  // namespace

TEST_CASE("math alarm Metrics lists are checked as PutMetricAlarm does", "[alarms][math]") {
  const json ratio = {Expr("e1", "m1/m2*100"), Stat("m1", "Errors"), Stat("m2", "Requests")};
  CHECK(Error(ratio).empty());
  CHECK(Error(json::array({Stat("m1", "Errors")})) ==
        "ValidationError: Exactly one element of the metrics list should return data.");
  CHECK(Error({Expr("e1", "m1"), Expr("e2", "m1"), Stat("m1", "Errors")}) ==
        "ValidationError: Exactly one element of the metrics list should return data.");
  CHECK(Error({Expr("e1", "m1 +"), Stat("m1", "Errors")})
            .starts_with("ValidationError: Error in expression 'e1': "));
  CHECK(Error({Expr("e1", "m1 + m3"), Stat("m1", "Errors")}) ==
        "ValidationError: Error in expression 'e1': Unrecognized identifier 'm3'.");
  CHECK(Error({Expr("E1", "m1"), Stat("m1", "Errors")})
            .starts_with(
                "ValidationError: The value E1 for parameter Metrics.member.1.Id is invalid."));
  CHECK(Error({Expr("e1", "m1"), Stat("m1", "Errors"), Stat("m1", "Requests")})
            .starts_with("ValidationError: The value m1 for parameter Metrics.member.3.Id is a "
                         "duplicate"));
  json both = Stat("m1", "Errors");
  both["Expression"] = "m1";
  CHECK(Error({Expr("e1", "m1"), both}) ==
        "ValidationError: The parameters MetricDataQuery Expression and MetricStat are mutually "
        "exclusive and you have specified both.");
  CHECK(Error({Expr("e1", "m1"), {{"Id", "m1"}, {"ReturnData", false}}}) ==
        "ValidationError: Invalid metrics list");
  CHECK(Error({Expr("e1", "m1"), Stat("m1", "Errors", 60, "Median")}) ==
        "ValidationError: Invalid metrics list");
  CHECK(Error({Expr("e1", "m1"), Stat("m1", "Errors", 90)}) ==
        "ValidationError: Period must be 10, 20, 30 or a multiple of 60");
  CHECK(Error(json::array({Expr("e1", "TIME_SERIES(1)")})) ==
        "ValidationError: Period must not be null");
  json with_period = Expr("e1", "TIME_SERIES(1)");
  with_period["Period"] = 300;
  CHECK(Error(json::array({with_period})).empty());
  CHECK(al::MetricsAlarmPeriod(json::array({with_period})) == 300);
  // The returned expression must give one series: a scalar or an array of two is refused.
  CHECK(Error({Expr("e1", "METRICS()"), Stat("m1", "Errors"), Stat("m2", "Requests")}) ==
        "ValidationError: Error in expression 'e1': The expression of an alarm must return a "
        "single time series.");
  CHECK(Error({Expr("e1", "SUM(m1)"), Stat("m1", "Errors")})
            .starts_with("ValidationError: Error in expression 'e1': The expression must return a "
                         "time series"));
  json search = Expr("e1", "SEARCH('{App} Errors', 'Sum', 60)");
  search["Period"] = 60;
  CHECK(Error(json::array({search}))
            .starts_with("ValidationError: Error in expression 'e1': SEARCH"));
  CHECK(Error(json::array()).starts_with("ValidationError: The value of Metrics must contain"));
  CHECK(al::MetricsAlarmPeriod(ratio) == 60);
}

TEST_CASE("math alarm datapoints come from the metric math engine", "[alarms][math]") {
  cwlogd::testing::MemMetricStore store;
  // Newest slot (k = 0) starts at kEnd - 60 s. Errors/Requests in slots 0 and 2; slot 1 has
  // only Requests (the ratio has no point there).
  Put(store, "Errors", kEnd - 60'000, 3);
  Put(store, "Requests", kEnd - 60'000, 4);
  Put(store, "Requests", kEnd - 120'000, 10);
  Put(store, "Errors", kEnd - 180'000, 1);
  Put(store, "Requests", kEnd - 180'000, 4);
  const json metrics = {Expr("e1", "m1/m2*100"), Stat("m1", "Errors"), Stat("m2", "Requests")};
  auto plan = al::PlanMathAlarm(metrics);
  REQUIRE(plan);
  CHECK(plan->returned_id == "e1");
  CHECK(plan->period_ms == 60'000);
  std::vector<al::Slot> slots;
  std::string error;
  REQUIRE(al::MathAlarmSlots(*plan, store, kPartition, kEnd, 5, &slots, &error));
  REQUIRE(slots.size() == 5);
  CHECK(slots[0].start_ms == kEnd - 60'000);
  CHECK(slots[0].value == 75.0);
  CHECK_FALSE(slots[1].value);
  CHECK(slots[2].value == 25.0);
  CHECK_FALSE(slots[3].value);
  CHECK_FALSE(slots[4].value);

  // The usual decision follows: 1 of 1 datapoint over 50.
  al::EvaluationConfig config;
  config.threshold = 50;
  config.comparison = al::Comparison::kGreater;
  auto outcome = al::Evaluate(config, slots);
  REQUIRE(outcome.state);
  CHECK(*outcome.state == al::AlarmState::kAlarm);
  CHECK(outcome.reason ==
        "Threshold Crossed: 1 datapoint [75.0 (02/12/26 10:30:00)] was greater than the "
        "threshold (50.0).");
  auto data = al::StateReasonData(config, slots, outcome, kEnd + 5000, std::nullopt, std::nullopt,
                                  60, false);
  CHECK_FALSE(data.contains("statistic"));
  CHECK(data["evaluatedDatapoints"][0].dump() ==
        R"({"timestamp":"2026-12-02T10:30:00.000+0000","value":75.0})");

  // A returned MetricStat is not a math alarm (the metric path evaluates it).
  json stat = Stat("m1", "Errors");
  stat["ReturnData"] = true;
  CHECK_FALSE(al::PlanMathAlarm(json::array({stat})));
}

TEST_CASE("math alarm queries keep their own periods", "[alarms][math]") {
  cwlogd::testing::MemMetricStore store;
  // A 5-minute Sum read for a 1-minute alarm: each slot sees the 5 minutes ending with it.
  for (int i = 1; i <= 5; ++i) Put(store, "Errors", kEnd - i * 60'000, 1);
  json five = Stat("m1", "Errors", 300);
  json e1 = Expr("e1", "m1");
  e1["Period"] = 300;
  auto plan = al::PlanMathAlarm(json::array({e1, five}));
  REQUIRE(plan);
  CHECK(plan->period_ms == 300'000);
  std::vector<al::Slot> slots;
  std::string error;
  REQUIRE(al::MathAlarmSlots(*plan, store, kPartition, kEnd, 3, &slots, &error));
  CHECK(slots[0].start_ms == kEnd - 300'000);
  CHECK(slots[0].value == 5.0);
  CHECK_FALSE(slots[1].value);
}
