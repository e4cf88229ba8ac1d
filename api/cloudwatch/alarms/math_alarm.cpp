// Error texts: the ones AWS users report for PutMetricAlarm are used as they are ("Exactly one
// element of the metrics list should return data.", "Invalid metrics list", "The parameters
// MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified
// both.", "Period must not be null"); the others are ours, marked [unsure].
#include "api/cloudwatch/alarms/math_alarm.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"
#include "api/cloudwatch/math/store_metric_source.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;

constexpr size_t kMaxAlarmMetricStats = 10;
constexpr size_t kMaxAlarmExpressions = 10;

ApiError InvalidMetricsList() { return ValidationError("Invalid metrics list"); }

std::optional<int64_t> WholeNumber(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

// A query's Period as this server evaluates alarms: whole minutes.
std::optional<ApiError> CheckQueryPeriod(int64_t period) {
  if (period == 10 || period == 20 || period == 30) {
    return InvalidParameterValue(
        "Periods of 10, 20 and 30 seconds (high-resolution alarms) are not supported: this "
        "server keeps metrics per minute.");
  }
  if (period < 60 || period % 60 != 0) {
    return ValidationError("Period must be 10, 20, 30 or a multiple of 60");
  }
  return std::nullopt;
}

bool ReturnsData(const json& query) {
  // Omitted counts as true, as in GetMetricData [unsure: AWS may read it as false here].
  auto it = query.find("ReturnData");
  return it == query.end() || it->is_null() || *it == true;
}

bool CallsSearch(const math::Node& node) {
  if (node.kind == math::Node::Kind::kCall && node.text == "SEARCH") return true;
  return std::any_of(node.children.begin(), node.children.end(), CallsSearch);
}

// A MetricSource with no metrics: checks the shape of an expression's result without data.
class NoMetrics final : public math::MetricSource {
 public:
  std::vector<storage::MetricId> Metrics(const std::string&, size_t) override { return {}; }
  std::vector<std::pair<int64_t, storage::MetricAggregate>> Aggregates(const storage::MetricId&,
                                                                       int64_t) override {
    return {};
  }
};

// Reads a checked MetricStat into a plan query; nullopt when the stored one is unusable.
std::optional<MathAlarmPlan::StatQuery> PlanStatQuery(const std::string& id, const json& query) {
  const json& ms = query["MetricStat"];
  const json metric = ms.value("Metric", json::object());
  if (!metric.is_object()) return std::nullopt;
  MathAlarmPlan::StatQuery q;
  q.id = id;
  q.metric.metric_namespace = metric.value("Namespace", "");
  q.metric.metric_name = metric.value("MetricName", "");
  for (const auto& d : metric.value("Dimensions", json::array())) {
    if (!d.is_object()) return std::nullopt;
    q.metric.dimensions.push_back({d.value("Name", ""), d.value("Value", "")});
  }
  storage::SortDimensions(q.metric.dimensions);
  const auto period = WholeNumber(ms.value("Period", json()));
  if (!period || *period < 60 || *period % 60 != 0) return std::nullopt;
  q.period_ms = *period * 1000;
  const std::string stat = ms.value("Stat", "");
  auto statistic = detail::ParseStatistic(stat);
  if (!statistic) {
    q.extended = detail::ParseExtendedStatistic(stat);
    if (!q.extended) return std::nullopt;
  }
  q.statistic = statistic.value_or(detail::Statistic::kSum);
  if (ms.contains("Unit") && ms["Unit"].is_string()) q.unit = ms["Unit"].get<std::string>();
  q.label = query.contains("Label") && query["Label"].is_string()
                ? query["Label"].get<std::string>()
                : q.metric.metric_name;
  return q;
}

}  // namespace

std::optional<int64_t> MetricsAlarmPeriod(const json& metrics) {
  if (!metrics.is_array()) return std::nullopt;
  std::optional<int64_t> smallest;
  std::optional<int64_t> returned;
  for (const auto& q : metrics) {
    if (!q.is_object()) continue;
    std::optional<int64_t> period;
    if (q.contains("MetricStat") && q["MetricStat"].is_object()) {
      period = WholeNumber(q["MetricStat"].value("Period", json()));
      if (period && (!smallest || *period < *smallest)) smallest = period;
    } else if (q.contains("Period")) {
      period = WholeNumber(q["Period"]);
    }
    if (ReturnsData(q) && period) returned = period;
  }
  return returned ? returned : smallest;
}

std::variant<json, ApiError> ReadAlarmMetrics(const json& list) {
  if (!list.is_array()) return ApiError::Serialization("LIST_VALUE expected for member Metrics");
  if (list.empty() || list.size() > kMaxAlarmMetricStats + kMaxAlarmExpressions) {
    return ValidationError(
        "The value of Metrics must contain between 1 and 20 items.");  // [unsure]
  }
  std::set<std::string> ids;
  std::vector<std::string> metric_ids;
  std::vector<math::ExpressionQuery> expressions;
  std::map<std::string, std::string> labels;  // MetricStat id -> label, for the shape check
  size_t returned = 0;
  std::string returned_id;
  bool returns_expression = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& q = list[i];
    const std::string path = "Metrics.member." + std::to_string(i + 1);
    if (!q.is_object() || !q.contains("Id") || !q["Id"].is_string() ||
        q["Id"].get_ref<const std::string&>().empty()) {
      return ValidationError("Each element of Metrics must have an Id.");
    }
    const std::string id = q["Id"].get<std::string>();
    if (id.size() > 255 || !detail::IsQueryId(id)) {
      std::string message = "The value " + id;
      message += " for parameter " + path;
      message +=
          ".Id is invalid. Ids must start with a lowercase letter and contain only letters, "
          "numbers and underscores.";  // [unsure]
      return ValidationError(std::move(message));
    }
    if (!ids.insert(id).second) {
      std::string message = "The value " + id;
      message += " for parameter " + path;
      message += ".Id is a duplicate: each Id must be unique.";  // [unsure]
      return ValidationError(std::move(message));
    }
    for (const char* member : {"Label", "AccountId", "Expression"}) {
      if (q.contains(member) && !q[member].is_null() && !q[member].is_string()) {
        return ApiError::Serialization(std::string("STRING_VALUE expected for member ") + member);
      }
    }
    if (q.contains("ReturnData") && !q["ReturnData"].is_null() && !q["ReturnData"].is_boolean()) {
      return ApiError::Serialization("BOOLEAN_VALUE expected for member ReturnData");
    }
    const bool has_stat = q.contains("MetricStat") && !q["MetricStat"].is_null();
    const bool has_expression = q.contains("Expression") && q["Expression"].is_string();
    if (has_stat && has_expression) {
      return ValidationError(
          "The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and "
          "you have specified both.");
    }
    if (!has_stat && !has_expression) return InvalidMetricsList();
    std::optional<int64_t> outer_period;
    if (q.contains("Period") && !q["Period"].is_null()) {
      outer_period = WholeNumber(q["Period"]);
      if (!outer_period) {
        return ApiError::Serialization("NUMBER_VALUE can not be converted to Integer");
      }
      if (auto e = CheckQueryPeriod(*outer_period)) return *e;
    }
    if (ReturnsData(q)) {
      ++returned;
      returned_id = id;
      returns_expression = has_expression;
    }
    if (has_stat) {
      const json& ms = q["MetricStat"];
      if (!ms.is_object() || !ms.contains("Metric") || !ms["Metric"].is_object()) {
        return InvalidMetricsList();
      }
      const json& metric = ms["Metric"];
      if (!metric.contains("MetricName") || !metric["MetricName"].is_string()) {
        return ValidationError("MetricName must not be null");
      }
      if (!metric.contains("Namespace") || !metric["Namespace"].is_string()) {
        return ValidationError("Namespace must not be null");  // [unsure]
      }
      if (metric.contains("Dimensions")) {
        const json& dims = metric["Dimensions"];
        if (!dims.is_array() || dims.size() > kMaxDimensions) return InvalidMetricsList();
        for (const auto& d : dims) {
          if (!d.is_object() || !d.contains("Name") || !d["Name"].is_string() ||
              !d.contains("Value") || !d["Value"].is_string()) {
            return InvalidMetricsList();
          }
        }
      }
      if (!ms.contains("Period") || ms["Period"].is_null()) {
        return ValidationError("Period must not be null");
      }
      const auto period = WholeNumber(ms["Period"]);
      if (!period) return ApiError::Serialization("NUMBER_VALUE can not be converted to Integer");
      if (auto e = CheckQueryPeriod(*period)) return *e;
      if (!ms.contains("Stat") || !ms["Stat"].is_string()) return InvalidMetricsList();
      const std::string stat = ms["Stat"].get<std::string>();
      if (!detail::ParseStatistic(stat) && !detail::ParseExtendedStatistic(stat)) {
        return InvalidMetricsList();
      }
      if (ms.contains("Unit") && !ms["Unit"].is_null() &&
          (!ms["Unit"].is_string() || !detail::IsStandardUnit(ms["Unit"].get<std::string>()))) {
        return InvalidMetricsList();
      }
      metric_ids.push_back(id);
      labels[id] = q.value("Label", metric["MetricName"].get<std::string>());
      continue;
    }
    const std::string& expression = q["Expression"].get_ref<const std::string&>();
    if (expression.empty() || expression.size() > math::kMaxExpressionLength) {
      return ValidationError("1 validation error detected: Value at 'metrics." +
                             std::to_string(i + 1) +
                             ".member.expression' failed to satisfy constraint: Member must have "
                             "length between 1 and 2048");
    }
    math::ExpressionQuery e;
    e.id = id;
    e.expression = expression;
    if (q.contains("Label") && q["Label"].is_string()) e.label = q["Label"].get<std::string>();
    e.period_s = outer_period;
    e.return_data = ReturnsData(q);
    e.path = path;
    expressions.push_back(std::move(e));
  }
  if (metric_ids.size() > kMaxAlarmMetricStats || expressions.size() > kMaxAlarmExpressions) {
    return ValidationError(
        "The Metrics list of an alarm can hold at most 10 MetricStat queries and 10 "
        "Expression queries.");  // [unsure]
  }
  if (returned != 1) {
    return ValidationError("Exactly one element of the metrics list should return data.");
  }
  if (!MetricsAlarmPeriod(list)) return ValidationError("Period must not be null");
  if (expressions.empty()) return list;

  if (auto e = math::ValidateExpressionQueries(expressions, metric_ids)) return *e;
  auto parsed = math::ParseExpressionQueries(expressions);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const auto& all = std::get<std::vector<math::ParsedExpressionQuery>>(parsed);
  bool insights = false;
  for (const auto& p : all) {
    if (p.node && CallsSearch(*p.node)) {
      return math::ExpressionError(p.query.id,
                                   "SEARCH expressions cannot be used in alarms.");  // [unsure]
    }
    insights = insights || p.insights.has_value();
  }
  // The returned expression must give one time series: evaluated once over empty series,
  // a scalar or an array shows. Metrics Insights results depend on the data: checked when
  // evaluated.
  if (returns_expression && !insights) {
    std::map<std::string, math::Series> empty;
    for (const auto& id : metric_ids) empty[id] = {id, labels[id], 60'000, {}, {}};
    NoMetrics none;
    math::EvalOptions options;
    options.start_ms = 0;
    options.end_ms = 60'000;
    auto results = math::EvaluateParsedQueries(all, empty, options, none);
    if (auto* e = std::get_if<ApiError>(&results)) return *e;
    const auto& by_id = std::get<0>(results);
    auto it = by_id.find(returned_id);
    if (it != by_id.end() && it->second.size() > 1) {
      return math::ExpressionError(
          returned_id, "The expression of an alarm must return a single time series.");  // [unsure]
    }
  }
  return list;
}

std::optional<MathAlarmPlan> PlanMathAlarm(const json& metrics) {
  if (!metrics.is_array()) return std::nullopt;
  MathAlarmPlan plan;
  std::vector<math::ExpressionQuery> expressions;
  bool returns_expression = false;
  for (const auto& q : metrics) {
    if (!q.is_object() || !q.contains("Id") || !q["Id"].is_string()) return std::nullopt;
    const std::string id = q["Id"].get<std::string>();
    const bool returns = ReturnsData(q);
    if (q.contains("MetricStat") && q["MetricStat"].is_object()) {
      auto stat = PlanStatQuery(id, q);
      if (!stat) return std::nullopt;
      plan.metrics.push_back(std::move(*stat));
      if (returns) return std::nullopt;  // a MetricStat alarm: not math
      continue;
    }
    if (!q.contains("Expression") || !q["Expression"].is_string()) return std::nullopt;
    math::ExpressionQuery e;
    e.id = id;
    e.expression = q["Expression"].get<std::string>();
    if (q.contains("Label") && q["Label"].is_string()) e.label = q["Label"].get<std::string>();
    if (q.contains("Period")) e.period_s = WholeNumber(q["Period"]);
    // Only the returned expression's result is needed; the others are evaluated when used.
    e.return_data = returns;
    if (returns) {
      plan.returned_id = id;
      returns_expression = true;
    }
    expressions.push_back(std::move(e));
  }
  const auto period = MetricsAlarmPeriod(metrics);
  if (!returns_expression || !period || *period < 60 || *period % 60 != 0) return std::nullopt;
  plan.period_ms = *period * 1000;
  auto parsed = math::ParseExpressionQueries(expressions);
  if (std::holds_alternative<ApiError>(parsed)) return std::nullopt;
  plan.expressions = std::move(std::get<std::vector<math::ParsedExpressionQuery>>(parsed));
  return plan;
}

bool MathAlarmSlots(const MathAlarmPlan& plan, storage::MetricStore& store,
                    const storage::Partition& partition, int64_t end_ms, int range,
                    std::vector<Slot>* slots, std::string* error) {
  const int64_t period_ms = plan.period_ms;
  const int64_t start_ms = end_ms - range * period_ms;
  std::map<std::string, math::Series> series;
  for (const auto& q : plan.metrics) {
    // Periods aligned to the end, as the alarm's own slots are; enough of them to cover the
    // evaluation range.
    const int64_t count = (range * period_ms + q.period_ms - 1) / q.period_ms;
    detail::PeriodQuery pq{end_ms - count * q.period_ms, end_ms, q.period_ms, q.unit, false};
    auto buckets = detail::QueryPeriods(store, partition, q.metric, pq);
    if (!buckets.ok()) {
      *error = buckets.status().message();
      return false;
    }
    math::Series s{q.id, q.label, q.period_ms, {}, {}};
    s.timestamps.reserve(buckets->size());
    s.values.reserve(buckets->size());
    for (const auto& b : *buckets) {
      // A period that cannot answer the statistic (a percentile of statistic sets) is left out.
      const std::optional<double> v =
          q.extended ? detail::EvaluateExtendedStatistic(b.aggregate, *q.extended)
                     : std::optional<double>(detail::StatisticValue(b.aggregate, q.statistic));
      if (!v || b.aggregate.sample_count <= 0) continue;
      s.timestamps.push_back(b.start_ms);
      s.values.push_back(*v);
    }
    series.emplace(q.id, std::move(s));
  }
  math::StoreMetricSource source(store, partition, start_ms, end_ms);
  math::EvalOptions options;
  options.start_ms = start_ms;
  options.end_ms = end_ms;
  options.default_period_ms = period_ms;
  slots->assign(static_cast<size_t>(range), Slot{});
  for (int k = 0; k < range; ++k) {
    (*slots)[static_cast<size_t>(k)].start_ms = end_ms - (k + 1) * period_ms;
  }
  auto results = math::EvaluateParsedQueries(plan.expressions, series, options, source);
  if (std::holds_alternative<ApiError>(results)) return true;  // checked at Put: all missing
  const auto& by_id = std::get<0>(results);
  auto it = by_id.find(plan.returned_id);
  // No series (or several: a grouped Metrics Insights query) reads as missing data.
  if (it == by_id.end() || it->second.size() != 1) return true;
  const math::MathResult& r = it->second.front();
  for (size_t i = 0; i < r.timestamps.size() && i < r.values.size(); ++i) {
    const int64_t t = r.timestamps[i];
    if (t < start_ms || t >= end_ms || !std::isfinite(r.values[i])) continue;
    const int64_t k = (end_ms - 1 - t) / period_ms;
    if (k < 0 || k >= range) continue;
    // Ascending: with an expression period shorter than the alarm's, the newest point wins.
    (*slots)[static_cast<size_t>(k)].value = r.values[i];
  }
  return true;
}

}  // namespace cwlogd::api::cloudwatch::alarms
