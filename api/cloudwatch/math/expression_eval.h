// Evaluates metric math ASTs (expression_parser.h) over time series. The store is reached only
// through MetricSource, so tests drive the evaluator with fakes. Not thread-safe (one per
// request).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/cloudwatch/math/expression_parser.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::math {

// One time series: `timestamps` ascending (epoch ms, period starts), one value per timestamp.
struct Series {
  std::string id;     // the query id it came from (METRICS() filters on it)
  std::string label;  // shown as the result's Label
  int64_t period_ms = 60'000;
  std::vector<int64_t> timestamps;
  std::vector<double> values;
};

// What an expression evaluates to: a scalar, one series or an array of series.
struct Value {
  enum class Kind { kScalar, kSeries, kArray };
  Kind kind = Kind::kScalar;
  double scalar = 0;
  std::vector<Series> series;  // exactly one for kSeries

  static Value Scalar(double v) { return {Kind::kScalar, v, {}}; }
  static Value One(Series s) {
    Value v{Kind::kSeries, 0, {}};
    v.series.push_back(std::move(s));
    return v;
  }
  static Value Array(std::vector<Series> s) { return {Kind::kArray, 0, std::move(s)}; }
};

// The metric store as the evaluator sees it (SEARCH, Metrics Insights).
class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // Known metrics in `metric_namespace` (every namespace when empty), ascending; at most
  // `limit` (the caller sees that it got `limit` and reports truncation).
  virtual std::vector<storage::MetricId> Metrics(const std::string& metric_namespace,
                                                 size_t limit) = 0;
  // Per-period aggregates of one metric over the request's time range, ascending by start.
  virtual std::vector<std::pair<int64_t, storage::MetricAggregate>> Aggregates(
      const storage::MetricId& metric, int64_t period_ms) = 0;
};

// Caps and the request's time range.
struct EvalOptions {
  int64_t start_ms = 0;  // first period start (aligned), inclusive
  int64_t end_ms = 0;    // exclusive
  // Period for results that have no input series (TIME_SERIES). Default: 60 s.
  int64_t default_period_ms = 60'000;
  // Most series one value may hold. Default: 500 (AWS's per-request metric cap).
  size_t max_series = 500;
  // Most points one series may hold. Default: 100,800 (GetMetricData's page maximum).
  size_t max_points = 100'800;
  // Most metrics one SEARCH or Metrics Insights query reads (all SEARCHes of one evaluation:
  // twice that). Default: 500.
  size_t max_search_metrics = 500;
};

// kSyntax: the request is wrong whatever the data (GetMetricData answers ValidationError).
// kEvaluation: this evaluation hit a limit (the result carries StatusCode InternalError).
struct EvalError {
  enum class Kind { kSyntax, kEvaluation };
  Kind kind = Kind::kSyntax;
  std::string message;
};

// The statistic named as in MetricStat.Stat / SEARCH, from one period's aggregate; nullopt
// when `stat` is not one of SampleCount, Average, Sum, Minimum, Maximum.
std::optional<double> StatOf(const storage::MetricAggregate& a, std::string_view stat);

class Evaluator {
 public:
  Evaluator(const EvalOptions& options, MetricSource* source);

  // A MetricStat query's series (METRICS() returns these).
  void DefineMetric(const std::string& id, Series series);
  // An expression query; evaluated on first use. `node` must outlive the evaluator.
  void DefineExpression(const std::string& id, const Node* node, int64_t period_ms);

  // The value of query `id` (evaluating expressions it depends on; cycles are kSyntax).
  std::optional<Value> Resolve(const std::string& id, EvalError* error);
  // Evaluates a parsed expression.
  std::optional<Value> Evaluate(const Node& node, EvalError* error);

 private:
  struct Entry {
    std::optional<Value> value;
    const Node* node = nullptr;
    int64_t period_ms = 0;
    bool metric = false;
    bool visiting = false;
  };
  std::optional<Value> Eval(const Node& n, int64_t period_ms, EvalError* error);
  std::optional<Value> Call(const Node& n, int64_t period_ms, EvalError* error);
  std::optional<Value> Search(const Node& n, int64_t period_ms, EvalError* error);

  EvalOptions options_;
  MetricSource* source_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> metric_order_;  // METRICS() keeps request order
  int searches_ = 0;
  size_t searched_metrics_ = 0;  // across every SEARCH of this evaluation
};

}  // namespace cwlogd::api::cloudwatch::math
