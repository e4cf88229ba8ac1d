// Extended statistics (percentiles, trimmed/winsorized means, trimmed count/sum, percentile
// rank): parsing AWS's notation (pNN.NN, tmNN, TM(a:b), IQM, ...) and evaluating one over a
// bucket's distribution (docs/metrics.md, "Percentiles"). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::detail {

struct ExtendedStatistic {
  enum class Kind {
    kPercentile,
    kTrimmedMean,
    kWinsorizedMean,
    kTrimmedCount,
    kTrimmedSum,
    kPercentileRank
  };
  Kind kind = Kind::kPercentile;
  // Bounds: percentages (0..100) of the ranks when `percent`, else values. Percentile: `upper`.
  bool percent = true;
  std::optional<double> lower;
  std::optional<double> upper;
};

// nullopt when `name` is not one of AWS's forms (or its numbers are out of range).
std::optional<ExtendedStatistic> ParseExtendedStatistic(std::string_view name);

// The statistic over `a`, or nullopt when the bucket cannot answer it (values unknown, a
// negative value, or nothing inside the bounds of a trimmed mean).
std::optional<double> EvaluateExtendedStatistic(const storage::MetricAggregate& a,
                                                const ExtendedStatistic& s);

}  // namespace cwlogd::api::cloudwatch::detail
