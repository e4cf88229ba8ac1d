// GetMetricData's expression queries (metric math and Metrics Insights): validates them,
// evaluates them over the MetricStat queries' series the handler already computed, and
// returns the result series. The handler keeps paging and ordering. Not thread-safe (one
// call per request).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/cloudwatch/math/expression_eval.h"

namespace cwlogd::api::cloudwatch::math {

struct ExpressionQuery {
  std::string id;
  std::string expression;
  std::optional<std::string> label;
  std::optional<int64_t> period_s;  // the query's Period
  bool return_data = true;
  std::string path;  // "MetricDataQueries.member.3", for messages
};

struct MathResult {
  std::string label;
  std::vector<int64_t> timestamps;  // ascending, epoch ms
  std::vector<double> values;
  // "Complete", or "InternalError" with `message` when the evaluation hit a limit.
  std::string status_code = "Complete";
  std::optional<std::string> message;
};

// The ValidationError GetMetricData answers for a bad expression.
ApiError ExpressionError(const std::string& id, const std::string& message);

// Syntax and reference checks needing no data: parse errors, unknown ids, cycles, more than
// one Metrics Insights query, a Metrics Insights query without Period. `metric_ids`: the
// MetricStat query ids.
std::optional<ApiError> ValidateExpressionQueries(const std::vector<ExpressionQuery>& queries,
                                                  const std::vector<std::string>& metric_ids);

// Results for every expression query with ReturnData (keyed by id, each a list of series in
// output order). `metrics`: MetricStat query id -> its series (label, period, points).
std::variant<std::map<std::string, std::vector<MathResult>>, ApiError> EvaluateExpressionQueries(
    const std::vector<ExpressionQuery>& queries, const std::map<std::string, Series>& metrics,
    const EvalOptions& options, MetricSource& source);

}  // namespace cwlogd::api::cloudwatch::math
