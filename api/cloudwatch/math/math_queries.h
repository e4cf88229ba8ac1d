// The expression queries of GetMetricData and of metric-math alarms (metric math and Metrics
// Insights): validates them, evaluates them over the MetricStat queries' series the caller
// already computed, and returns the result series. GetMetricData keeps paging and ordering.
// Pure functions apart from the MetricSource; parsed queries may be kept and re-evaluated (the
// alarm evaluator does, so an alarm's expressions are parsed once).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/cloudwatch/math/expression_eval.h"
#include "api/cloudwatch/math/metrics_insights.h"

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

// One expression query with its expression parsed (exactly one of `node` and `insights`).
struct ParsedExpressionQuery {
  ExpressionQuery query;
  std::optional<Node> node;
  std::optional<InsightsQuery> insights;
};

// The ValidationError GetMetricData answers for a bad expression.
ApiError ExpressionError(const std::string& id, const std::string& message);

// Syntax and reference checks needing no data: parse errors, unknown ids, cycles, more than
// one Metrics Insights query, a Metrics Insights query without Period. `metric_ids`: the
// MetricStat query ids.
std::optional<ApiError> ValidateExpressionQueries(const std::vector<ExpressionQuery>& queries,
                                                  const std::vector<std::string>& metric_ids);

// Parses every query (syntax only; ValidateExpressionQueries checks references too).
std::variant<std::vector<ParsedExpressionQuery>, ApiError> ParseExpressionQueries(
    const std::vector<ExpressionQuery>& queries);

// Results for every expression query with ReturnData (keyed by id, each a list of series in
// output order). `metrics`: MetricStat query id -> its series (label, period, points).
std::variant<std::map<std::string, std::vector<MathResult>>, ApiError> EvaluateExpressionQueries(
    const std::vector<ExpressionQuery>& queries, const std::map<std::string, Series>& metrics,
    const EvalOptions& options, MetricSource& source);
// The same over queries parsed before (they must stay unchanged during the call).
std::variant<std::map<std::string, std::vector<MathResult>>, ApiError> EvaluateParsedQueries(
    const std::vector<ParsedExpressionQuery>& all, const std::map<std::string, Series>& metrics,
    const EvalOptions& options, MetricSource& source);

}  // namespace cwlogd::api::cloudwatch::math
