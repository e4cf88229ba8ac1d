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

std::shared_ptr<const CompiledMetricFilter> MetricFilterCache::Get(
    const storage::MetricFilterDefinition& definition) {
  std::string key = CacheKey(definition);
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
  }
  // Compile outside the lock; two threads may both compile the same filter, which is harmless.
  std::shared_ptr<const CompiledMetricFilter> compiled;
  if (auto evaluator = CompileMetricFilter(definition, nullptr)) {
    auto filter = std::make_shared<CompiledMetricFilter>(
        CompiledMetricFilter{std::move(*evaluator), std::nullopt, definition.default_value, false});
    filters::ParseError ignored;
    auto value = filters::ValueReference::ParseMetricValue(definition.metric_value, &ignored);
    if (value && value->kind() == filters::ValueReference::Kind::kNumber &&
        definition.dimensions.empty()) {
      filter->constant_value = value->number();
    }
    filter->match_all = filter->evaluator.pattern().kind() == filters::PatternKind::kMatchAll;
    compiled = std::move(filter);
  }
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(std::move(key), compiled);
  return compiled;
}

storage::Result<std::vector<storage::MetricAggregateDelta>> EvaluateMetricFilters(
    storage::MetricStore& store, const storage::Partition& p, std::string_view group,
    std::span<const storage::InputEvent> events, MetricFilterCache& cache,
    std::span<const std::optional<std::string>> transformed) {
  struct Active {
    std::shared_ptr<const CompiledMetricFilter> compiled;
    std::string metric_namespace;
    std::string metric_name;
    std::string unit;
    bool on_transformed;  // applyOnTransformedLogs
  };
  std::vector<Active> active;
  storage::MetricFilterQuery query;
  query.log_group = std::string(group);
  storage::Status s =
      store.ListMetricFilters(p, query, [&](const storage::MetricFilterDefinition& d) {
        if (auto compiled = cache.Get(d)) {
          active.push_back({std::move(compiled), d.metric_namespace, d.metric_name,
                            d.unit.value_or("None"), d.apply_on_transformed_logs});
        }
        return true;
      });
  if (!s.ok()) return s;
  std::vector<storage::MetricAggregateDelta> out;
  if (active.empty()) return out;

  // Samples are summed per (minute, dimension values) first: a batch usually hits a handful of
  // such slots, so a short linear search from the last hit beats a map keyed by whole MetricIds.
  struct Slot {
    int64_t minute_ms;
    std::vector<std::pair<std::string, std::string>> dimensions;
    storage::MetricAggregate aggregate;
  };
  constexpr size_t kMaxSlots = 64;  // then flush into the accumulator and start again
  cloudwatch::detail::DeltaAccumulator acc;
  std::vector<Slot> slots;
  auto flush = [&](const Active& filter) {
    for (Slot& slot : slots) {
      storage::MetricId id{filter.metric_namespace, filter.metric_name, {}};
      id.dimensions.reserve(slot.dimensions.size());
      for (auto& [name, value] : slot.dimensions) {
        id.dimensions.push_back({std::move(name), std::move(value)});
      }
      storage::SortDimensions(id.dimensions);
      acc.Add(id, slot.minute_ms, filter.unit, slot.aggregate);
    }
    slots.clear();
  };
  for (const Active& filter : active) {
    const CompiledMetricFilter& c = *filter.compiled;
    // The event's message as this filter reads it: the transformed form with
    // applyOnTransformedLogs (when the event was transformed), else the original.
    const bool read_transformed = filter.on_transformed && transformed.size() == events.size();
    auto message_of = [&](size_t i) -> std::string_view {
      if (read_transformed && transformed[i]) return *transformed[i];
      return events[i].message;
    };
    if (c.constant_value) {
      // Counting filter: per minute, matches add the constant and misses the default.
      for (size_t e = 0; e < events.size(); ++e) {
        const storage::InputEvent& event = events[e];
        const bool matched = c.match_all || c.evaluator.pattern().Matches(message_of(e));
        if (!matched && !c.default_value) continue;
        const double v = matched ? *c.constant_value : *c.default_value;
        const int64_t minute = storage::MinuteOf(event.timestamp);
        if (slots.empty() || slots.back().minute_ms != minute) {
          if (slots.size() == kMaxSlots) flush(filter);
          slots.push_back({minute, {}, {}});
        }
        slots.back().aggregate.Add(v);
      }
      flush(filter);  // same (minute) twice in `slots` is fine: the accumulator merges
      continue;
    }
    size_t last = 0;
    for (size_t e = 0; e < events.size(); ++e) {
      const storage::InputEvent& event = events[e];
      std::optional<filters::MetricSample> sample = c.evaluator.Evaluate(message_of(e));
      if (!sample) continue;
      bool publishable = true;
      for (const auto& dimension : sample->dimensions) {
        // CloudWatch dimension values are 1-1024 characters; such a datum cannot be published.
        if (dimension.second.empty() || dimension.second.size() > 1024) publishable = false;
      }
      if (!publishable) continue;
      const int64_t minute = storage::MinuteOf(event.timestamp);
      auto same = [&](const Slot& slot) {
        return slot.minute_ms == minute && slot.dimensions == sample->dimensions;
      };
      if (last < slots.size() && same(slots[last])) {
        slots[last].aggregate.Add(sample->value);
        continue;
      }
      size_t i = 0;
      while (i < slots.size() && !same(slots[i])) ++i;
      if (i == slots.size()) {
        if (slots.size() == kMaxSlots) {
          flush(filter);
          i = 0;
        }
        slots.push_back({minute, std::move(sample->dimensions), {}});
      }
      slots[i].aggregate.Add(sample->value);
      last = i;
    }
    flush(filter);
  }
  return acc.Take();
}

}  // namespace cwlogd::api
