// GetMetricData: MetricStat queries, expression queries (metric math and Metrics Insights,
// evaluated by math/math_queries.h), ScanBy, MaxDatapoints pages.
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/extended_statistic.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"
#include "api/cloudwatch/math/math_queries.h"
#include "api/cloudwatch/math/store_metric_source.h"

namespace cwlogd::api::cloudwatch {
namespace {

using detail::Join;
using detail::MemberPath;
using detail::Reader;
using nlohmann::json;

struct StatQuery {
  std::string id;
  std::string label;
  bool return_data = true;
  storage::MetricId metric;
  int64_t period_ms = 60'000;
  detail::Statistic stat = detail::Statistic::kSum;
  std::optional<detail::ExtendedStatistic> extended;  // set: Stat is a percentile etc.
  std::optional<std::string> unit;
  std::optional<std::string> expression;  // set: an expression query (no MetricStat)
  std::optional<int64_t> expression_period_s;
  std::optional<std::string> expression_label;
};

// The query's statistic over one period; nullopt when the period cannot answer it (a percentile
// of statistic sets or of negative values): AWS leaves such periods out.
std::optional<double> QueryStatistic(const StatQuery& q, const storage::MetricAggregate& a) {
  if (q.extended) return detail::EvaluateExtendedStatistic(a, *q.extended);
  return detail::StatisticValue(a, q.stat);
}

std::optional<StatQuery> ReadQuery(Reader& r, const json& q, const std::string& path) {
  if (!r.CheckObject(q, path)) return std::nullopt;
  StatQuery out;
  auto id = r.String(q, path, "Id", true, 1, 255);
  const json* stat = r.Object(q, path, "MetricStat", false);
  auto expression = r.String(q, path, "Expression", false, 1, 2048);
  auto label = r.String(q, path, "Label", false, 0, 1024);
  auto return_data = r.Bool(q, path, "ReturnData");
  auto outer_period = r.Integer(q, path, "Period", false);
  (void)r.String(q, path, "AccountId", false, 1, 255);
  if (r.failed()) return std::nullopt;
  if (!detail::IsQueryId(*id)) {
    r.Fail(InvalidParameterValue("The value " + *id + " for parameter " + Join(path, "Id") +
                                 " is invalid. Ids must start with a lowercase letter and contain "
                                 "only letters, numbers and underscores."));
    return std::nullopt;
  }
  if (expression) {
    if (stat != nullptr) {
      r.Fail(InvalidParameterCombination("The parameters " + Join(path, "MetricStat") + " and " +
                                         Join(path, "Expression") + " are mutually exclusive."));
      return std::nullopt;
    }
    if (outer_period && (*outer_period < 1 || *outer_period % 60 != 0)) {
      r.Fail(InvalidParameterValue("The parameter " + Join(path, "Period") +
                                   " must be a multiple of 60."));
      return std::nullopt;
    }
    out.id = *id;
    out.label = label.value_or("");
    out.return_data = return_data.value_or(true);
    out.expression = *expression;
    out.expression_period_s = outer_period;
    out.expression_label = label;
    return out;
  }
  if (stat == nullptr) {
    r.Fail(MissingParameter("The parameter " + Join(path, "MetricStat") + " is required."));
    return std::nullopt;
  }
  (void)outer_period;  // only meaningful with Expression
  const std::string sp = Join(path, "MetricStat");
  const json* metric = r.Object(*stat, sp, "Metric", true);
  auto period = r.Integer(*stat, sp, "Period", true);
  auto stat_name = r.String(*stat, sp, "Stat", true, 1, 255);
  auto unit = r.Unit(*stat, sp);
  if (r.failed()) return std::nullopt;
  const std::string mp = Join(sp, "Metric");
  auto ns = r.Namespace(*metric, mp, true);
  auto name = r.String(*metric, mp, "MetricName", true, 1, 255);
  auto dimensions = r.Dimensions(*metric, mp, kMaxDimensions);
  if (r.failed()) return std::nullopt;
  if (!detail::ValidPeriod(*period, true)) {
    r.Fail(InvalidParameterValue("The parameter " + Join(sp, "Period") +
                                 " must be a multiple of 60."));
    return std::nullopt;
  }
  auto parsed = detail::ParseStatistic(*stat_name);
  if (!parsed) out.extended = detail::ParseExtendedStatistic(*stat_name);
  if (!parsed && !out.extended) {
    r.Fail(InvalidParameterValue(
        "The value " + *stat_name + " for parameter " + Join(sp, "Stat") +
        " is not a valid statistic: use SampleCount, Average, Sum, Minimum, Maximum, a "
        "percentile (p99) or another extended statistic (tm99, wm99, tc99, ts99, IQM, TM(a:b), "
        "WM(a:b), TC(a:b), TS(a:b), PR(a:b))."));
    return std::nullopt;
  }
  out.id = *id;
  out.label = label.value_or(*name);
  out.return_data = return_data.value_or(true);
  out.metric = {*ns, *name, std::move(*dimensions)};
  out.period_ms = *period * 1000;
  out.stat = parsed.value_or(detail::Statistic::kSum);
  out.unit = unit;
  return out;
}

}  // namespace

ApiResult HandleGetMetricData(const json& request, Context& ctx) {
  Reader r;
  const json* queries = r.List(request, "", "MetricDataQueries", true, kMaxMetricDataQueries);
  auto start = r.TimestampMillis(request, "", "StartTime", true);
  auto end = r.TimestampMillis(request, "", "EndTime", true);
  auto token = r.String(request, "", "NextToken", false, 0, 4096);
  auto scan_by = r.String(request, "", "ScanBy", false, 0, 64);
  auto max_datapoints = r.Integer(request, "", "MaxDatapoints", false);
  (void)r.Object(request, "", "LabelOptions", false);
  if (r.failed()) return r.error();
  if (queries->empty()) {
    return MissingParameter("The parameter MetricDataQueries is required.");
  }
  if (scan_by && *scan_by != "TimestampDescending" && *scan_by != "TimestampAscending") {
    return InvalidParameterValue("The value " + *scan_by +
                                 " for parameter ScanBy is invalid. Valid values are "
                                 "TimestampDescending and TimestampAscending.");
  }
  const bool descending = !scan_by || *scan_by == "TimestampDescending";
  const int64_t page_size = max_datapoints.value_or(kDefaultMaxDatapoints);
  if (page_size < 1) {
    return InvalidParameterValue("The parameter MaxDatapoints must be greater than 0.");
  }
  std::vector<StatQuery> parsed;
  std::set<std::string> ids;
  for (size_t i = 0; i < queries->size(); ++i) {
    const std::string path = MemberPath("MetricDataQueries", i);
    auto q = ReadQuery(r, (*queries)[i], path);
    if (!q) return r.error();
    if (!ids.insert(q->id).second) {
      return InvalidParameterValue("The value " + q->id + " for parameter " + Join(path, "Id") +
                                   " is a duplicate: each Id must be unique.");
    }
    parsed.push_back(std::move(*q));
  }
  if (*start >= *end) {
    return InvalidParameterValue(
        "The parameter StartTime must be less than the parameter EndTime.");
  }

  // Pagination state: how many data points (in the flattened order of the returned queries)
  // earlier pages delivered; tied to the request's time range and query ids.
  const std::string fingerprint = std::to_string(*start) + "/" + std::to_string(*end) + "/" +
                                  std::to_string(parsed.size()) + "/" + (descending ? "d" : "a");
  int64_t skip = 0;
  if (token) {
    auto state = detail::DecodeToken("GetMetricData", ctx.partition, *token);
    if (!state || !state->is_object() || !state->contains("o") ||
        !(*state)["o"].is_number_integer() || (*state)["o"].get<int64_t>() < 0 ||
        !state->contains("f") || (*state)["f"] != fingerprint) {
      return InvalidNextToken();
    }
    skip = (*state)["o"].get<int64_t>();
  }

  const int64_t now_ms = ctx.clock.NowMillis();
  const int64_t aligned_start = storage::MinuteOf(*start);
  // Expression queries are checked before any data is read.
  std::vector<math::ExpressionQuery> expressions;
  std::vector<std::string> metric_ids;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const auto& q = parsed[i];
    if (!q.expression) {
      metric_ids.push_back(q.id);
      continue;
    }
    expressions.push_back({q.id, *q.expression, q.expression_label, q.expression_period_s,
                           q.return_data, MemberPath("MetricDataQueries", i)});
  }
  if (!expressions.empty()) {
    if (auto e = math::ValidateExpressionQueries(expressions, metric_ids)) return *e;
  }

  // Every returned series with its points ascending, in request order.
  struct Output {
    std::string id;
    std::string label;
    std::vector<int64_t> timestamps;
    std::vector<double> values;
    std::string status = "Complete";
    std::optional<std::string> message;
  };
  std::map<std::string, math::Series> stat_series;  // the expressions' inputs
  std::map<std::string, Output> stat_outputs;
  for (const auto& q : parsed) {
    if (q.expression || (!q.return_data && expressions.empty())) continue;
    detail::PeriodQuery pq{
        detail::AlignStart(*start, q.period_ms), *end, q.period_ms, q.unit, false,
        now_ms - detail::kMetricRetentionMs};
    pq.distributions = q.extended.has_value();
    auto buckets = detail::QueryPeriods(ctx.metrics, ctx.partition, q.metric, pq);
    if (!buckets.ok()) return InternalServiceFault("The service cannot complete the request.");
    Output o;
    o.id = q.id;
    o.label = q.label;
    // AWS's rollup schedule: a period too fine for the data's age finds nothing. A period that
    // cannot answer the statistic (a percentile of statistic sets) is left out.
    if (q.period_ms % (detail::RequiredPeriodMultiple(*start, now_ms) * 1000) == 0) {
      o.timestamps.reserve(buckets->size());
      o.values.reserve(buckets->size());
      for (const auto& b : *buckets) {
        if (auto v = QueryStatistic(q, b.aggregate)) {
          o.timestamps.push_back(b.start_ms);
          o.values.push_back(*v);
        }
      }
    }
    if (!expressions.empty()) {
      stat_series[q.id] = {q.id, q.label, q.period_ms, o.timestamps, o.values};
    }
    stat_outputs[q.id] = std::move(o);
  }
  std::map<std::string, std::vector<math::MathResult>> math_results;
  if (!expressions.empty()) {
    math::StoreMetricSource source(ctx.metrics, ctx.partition, aligned_start, *end);
    math::EvalOptions options;
    options.start_ms = aligned_start;
    options.end_ms = *end;
    auto evaluated = math::EvaluateExpressionQueries(expressions, stat_series, options, source);
    if (auto* e = std::get_if<ApiError>(&evaluated)) return *e;
    math_results = std::move(std::get<0>(evaluated));
  }
  std::vector<Output> outputs;
  for (const auto& q : parsed) {
    if (!q.return_data) continue;
    if (!q.expression) {
      outputs.push_back(std::move(stat_outputs[q.id]));
      continue;
    }
    for (auto& m : math_results[q.id]) {
      outputs.push_back({q.id, std::move(m.label), std::move(m.timestamps), std::move(m.values),
                         std::move(m.status_code), std::move(m.message)});
    }
  }

  json results = json::array();
  int64_t seen = 0;     // points before this page plus those emitted so far
  int64_t emitted = 0;  // points in this page
  bool more = false;
  for (auto& o : outputs) {
    if (descending) {
      std::reverse(o.timestamps.begin(), o.timestamps.end());
      std::reverse(o.values.begin(), o.values.end());
    }
    const auto n = static_cast<int64_t>(o.values.size());
    // This query's slice of the flattened sequence.
    const int64_t first = std::max<int64_t>(0, skip - seen);
    if (first >= n && !(n == 0 && skip == 0)) {
      seen += n;
      continue;
    }
    if (emitted == page_size && first < n) {  // the page is full: the rest comes next time
      more = true;
      break;
    }
    json timestamps = json::array();
    json values = json::array();
    int64_t i = first;
    for (; i < n && emitted < page_size; ++i, ++emitted) {
      timestamps.push_back(static_cast<double>(o.timestamps[i]) / 1000.0);
      values.push_back(o.values[i]);
    }
    const bool complete = i == n;
    if (!complete) more = true;
    seen += n;
    json result = {{"Id", o.id},
                   {"Label", o.label},
                   {"Timestamps", std::move(timestamps)},
                   {"Values", std::move(values)},
                   {"StatusCode", !complete ? "PartialData" : o.status}};
    if (o.message) {
      result["Messages"] = json::array({{{"Code", o.status}, {"Value", *o.message}}});
    }
    results.push_back(std::move(result));
    if (more) break;
  }
  json out = {{"MetricDataResults", std::move(results)}, {"Messages", json::array()}};
  if (more) {
    out["NextToken"] = detail::EncodeToken("GetMetricData", ctx.partition,
                                           {{"o", skip + emitted}, {"f", fingerprint}});
  }
  return out;
}

}  // namespace cwlogd::api::cloudwatch
