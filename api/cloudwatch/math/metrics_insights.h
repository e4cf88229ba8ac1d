// CloudWatch Metrics Insights queries in GetMetricData:
//   SELECT AVG|COUNT|MAX|MIN|SUM(metric) FROM namespace | SCHEMA(namespace, dim, ...)
//   [WHERE dim = 'v' AND dim != 'v' OR (...)] [GROUP BY dim, ...]
//   [ORDER BY fn() [ASC|DESC]] [LIMIT n]
// Each group becomes one series labelled by its group values. Thread-safe (pure functions
// apart from the MetricSource the caller passes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/cloudwatch/math/expression_eval.h"
#include "api/cloudwatch/math/expression_parser.h"

namespace cwlogd::api::cloudwatch::math {

struct InsightsCondition {
  enum class Kind { kEquals, kNotEquals, kAnd, kOr };
  Kind kind = Kind::kEquals;
  std::string key;
  std::string value;
  std::vector<InsightsCondition> children;
};

struct InsightsQuery {
  std::string function;  // AVG, COUNT, MAX, MIN, SUM
  std::string metric_name;
  std::string metric_namespace;
  std::optional<std::vector<std::string>> schema;  // SCHEMA(ns, dims...): exactly these dims
  std::optional<InsightsCondition> where;
  std::vector<std::string> group_by;
  std::optional<std::string> order_function;  // ORDER BY fn()
  bool descending = true;                     // ORDER BY's default is DESC
  std::optional<size_t> limit;
};

// True when `expression` is a Metrics Insights query (starts with SELECT, any case).
bool IsInsightsQuery(std::string_view expression);

std::optional<InsightsQuery> ParseInsightsQuery(std::string_view text, ParseError* error);

// One series per group, in ORDER BY order (else by label), at most LIMIT (and
// options.max_series) of them. Series periods are `period_ms`.
std::optional<std::vector<Series>> RunInsightsQuery(const InsightsQuery& query, int64_t period_ms,
                                                    const EvalOptions& options,
                                                    MetricSource& source, EvalError* error);

}  // namespace cwlogd::api::cloudwatch::math
