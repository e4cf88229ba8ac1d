// Metric filters on ingest (docs/filter-patterns.md, "Metric filters"): the compiled form of a
// stored definition, a cache of compiled filters (patterns are parsed once, not per request; one
// cache per server, reached through api::Context), and the evaluation of a group's filters over the
// accepted events of one PutLogEvents batch into per-(metric, dimensions, minute, unit) deltas that
// the store writes with the events (docs/storage-format.md, "`metrics` CF"). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "filters/metric_filter.h"
#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace cwlogd::api {

// Validates a definition's pattern and transformation like PutMetricFilter. On failure
// `error` holds AWS's InvalidParameterException text.
std::optional<filters::MetricFilterEvaluator> CompileMetricFilter(
    const storage::MetricFilterDefinition& definition, std::string* error);

// A stored definition, compiled once. Filters whose value is a constant and that have no
// dimensions (counting filters, the common case) only need Matches(), much cheaper than
// extracting fields; match-all patterns need nothing at all.
struct CompiledMetricFilter {
  filters::MetricFilterEvaluator evaluator;
  std::optional<double> constant_value;  // metricValue is a number and there are no dimensions
  std::optional<double> default_value;
  bool match_all = false;  // empty/whitespace pattern
};

// Compiled filters keyed by what determines them (pattern, value, default, dimensions).
// Entries are immutable; the cache is cleared wholesale when it grows past `max_entries`.
class MetricFilterCache {
 public:
  explicit MetricFilterCache(size_t max_entries = 4096) : max_entries_(max_entries) {}
  // nullptr when the definition does not compile (it was validated when stored, so only a
  // grammar change between versions gets here; such a filter is skipped).
  std::shared_ptr<const CompiledMetricFilter> Get(
      const storage::MetricFilterDefinition& definition);

 private:
  std::mutex mu_;
  size_t max_entries_;
  std::unordered_map<std::string, std::shared_ptr<const CompiledMetricFilter>> entries_;
};

// Runs every metric filter of `group` over `events` (already accepted) and returns the merged
// deltas: one sample per event and filter that matched (or defaultValue when it did not), at
// the event's timestamp, in the filter's namespace, name, dimensions and unit. `transformed`
// (empty, or one entry per event: its transformed message, nullopt when it was not transformed)
// is what filters with applyOnTransformedLogs read instead.
storage::Result<std::vector<storage::MetricAggregateDelta>> EvaluateMetricFilters(
    storage::MetricStore& store, const storage::Partition& p, std::string_view group,
    std::span<const storage::InputEvent> events, MetricFilterCache& cache,
    std::span<const std::optional<std::string>> transformed = {});

}  // namespace cwlogd::api
