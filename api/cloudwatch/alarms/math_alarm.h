// Metric-math alarms: PutMetricAlarm's `Metrics` list checked as AWS does, and the datapoints of
// an alarm whose returned query is an Expression, computed by the metric math engine that
// GetMetricData uses (math/math_queries.h). Thread-safe (no shared state; a plan is read-only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/extended_statistic.h"
#include "api/cloudwatch/math/math_queries.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// The `Metrics` member of PutMetricAlarm (any JSON value): the list to store, or AWS's
// ValidationError. Checks: 1-20 queries (at most 10 MetricStat and 10 Expression), Ids unique and
// starting lower-case, exactly one of MetricStat / Expression each, MetricStat with Metric,
// Period and a known Stat, periods that this server evaluates (multiples of 60), exactly one
// query with ReturnData, expressions that parse and name known ids (GetMetricData's messages),
// no SEARCH, a returned expression that gives one time series, and a period for the alarm.
std::variant<nlohmann::json, ApiError> ReadAlarmMetrics(const nlohmann::json& list);

// A stored Metrics list's period (seconds): the returned query's Period (a MetricStat's, or an
// Expression's), else the smallest MetricStat Period; nullopt when there is none.
std::optional<int64_t> MetricsAlarmPeriod(const nlohmann::json& metrics);

// A Metrics alarm whose returned query is an Expression, parsed once and kept by the evaluator.
struct MathAlarmPlan {
  struct StatQuery {
    std::string id;
    std::string label;
    storage::MetricId metric;
    int64_t period_ms = 60'000;
    detail::Statistic statistic = detail::Statistic::kSum;
    std::optional<detail::ExtendedStatistic> extended;
    std::optional<std::string> unit;
  };
  std::vector<StatQuery> metrics;
  std::vector<math::ParsedExpressionQuery> expressions;  // ReturnData only on the returned one
  std::string returned_id;
  int64_t period_ms = 60'000;  // the alarm's period
};

// nullopt when the returned query is not an Expression, or the stored list is unusable.
std::optional<MathAlarmPlan> PlanMathAlarm(const nlohmann::json& metrics);

// The `range` slots (newest first) ending at `end_ms` (a minute start): slot k covers
// [end - (k+1)P, end - kP). The MetricStat queries are read at their own periods, aligned to
// `end_ms`, the expressions evaluated over them; a slot holds the returned series' value at its
// start (missing when the series has none, or when it is not exactly one series). Slots carry no
// sample count. A store failure gives false and `error`.
bool MathAlarmSlots(const MathAlarmPlan& plan, storage::MetricStore& store,
                    const storage::Partition& partition, int64_t end_ms, int range,
                    std::vector<Slot>* slots, std::string* error);

}  // namespace cwlogd::api::cloudwatch::alarms
