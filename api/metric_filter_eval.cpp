#include "api/metric_filter_eval.h"

#include <cstdio>

#include "api/cloudwatch/detail/aggregation.h"

namespace cwlogd::api {
namespace {

std::string CacheKey(const storage::MetricFilterDefinition& d) {
  std::string key = d.filter_pattern;
  key += '\0';
  key += d.metric_value;
  key += '\0';
  if (d.default_value) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d.default_value);
    key += buf;
  }
  for (const auto& [name, ref] : d.dimensions) {
    key += '\0';
    key += name;
    key += '\x01';
    key += ref;
  }
  return key;
}

}  // namespace

std::optional<filters::MetricFilterEvaluator> CompileMetricFilter(
    const storage::MetricFilterDefinition& d, std::string* error) {
  filters::ParseError perr;
  auto pattern = filters::ParseFilterPattern(d.filter_pattern, &perr);
  if (!pattern) {
    if (error != nullptr) *error = perr.message.empty() ? "Invalid filter pattern" : perr.message;
    return std::nullopt;
  }
  filters::MetricTransformationSpec spec;
  spec.metric_value = d.metric_value;
  spec.default_value = d.default_value;
  spec.dimensions.assign(d.dimensions.begin(), d.dimensions.end());
  auto evaluator = filters::MetricFilterEvaluator::Create(std::move(*pattern), spec, &perr);
  if (!evaluator) {
    if (error != nullptr) {
      *error = perr.message.empty() ? "Invalid metric transformation" : perr.message;
    }
    return std::nullopt;
  }
  return evaluator;
}

std::shared_ptr<const filters::MetricFilterEvaluator> MetricFilterCache::Get(
    const storage::MetricFilterDefinition& definition) {
  std::string key = CacheKey(definition);
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  // Compile outside the lock; two threads may both compile the same filter, which is harmless.
  std::shared_ptr<const filters::MetricFilterEvaluator> compiled;
  if (auto evaluator = CompileMetricFilter(definition, nullptr)) {
    compiled = std::make_shared<const filters::MetricFilterEvaluator>(std::move(*evaluator));
  }
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(std::move(key), compiled);
  return compiled;
}

MetricFilterCache& MetricFilterCache::Shared() {
  // A memo of a pure function (definition text -> compiled matcher), not configuration: a
  // process-wide instance is safe and keeps the compiled patterns across requests.
  static MetricFilterCache cache;
  return cache;
}

storage::Result<std::vector<storage::MetricAggregateDelta>> EvaluateMetricFilters(
    storage::MetricStore& store, const storage::Partition& p, std::string_view group,
    std::span<const storage::InputEvent> events, MetricFilterCache& cache) {
  struct Active {
    std::shared_ptr<const filters::MetricFilterEvaluator> evaluator;
    std::string metric_namespace;
    std::string metric_name;
    std::string unit;
  };
  std::vector<Active> active;
  storage::MetricFilterQuery query;
  query.log_group = std::string(group);
  storage::Status s =
      store.ListMetricFilters(p, query, [&](const storage::MetricFilterDefinition& d) {
        if (auto evaluator = cache.Get(d)) {
          active.push_back({std::move(evaluator), d.metric_namespace, d.metric_name,
                            d.unit.value_or("None")});
        }
        return true;
      });
  if (!s.ok()) return s;
  std::vector<storage::MetricAggregateDelta> out;
  if (active.empty()) return out;

  cloudwatch::detail::DeltaAccumulator acc;
  storage::MetricId id;
  for (const Active& filter : active) {
    id.metric_namespace = filter.metric_namespace;
    id.metric_name = filter.metric_name;
    for (const storage::InputEvent& event : events) {
      std::optional<filters::MetricSample> sample = filter.evaluator->Evaluate(event.message);
      if (!sample) continue;
      id.dimensions.clear();
      bool publishable = true;
      for (auto& [name, value] : sample->dimensions) {
        // CloudWatch dimension values are 1-1024 characters; such a datum cannot be published.
        if (value.empty() || value.size() > 1024) publishable = false;
        id.dimensions.push_back({name, value});
      }
      if (!publishable) continue;
      storage::SortDimensions(id.dimensions);
      acc.AddSample(id, event.timestamp, filter.unit, sample->value);
    }
  }
  return acc.Take();
}

}  // namespace cwlogd::api
