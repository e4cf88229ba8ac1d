// MetricDistribution: the values of one metric bucket, kept so that percentiles and the other
// extended statistics can be answered (docs/metrics.md, "Percentiles"). Exact (value, weight)
// pairs up to kMaxExactValues distinct values, then a mergeable log-bucket sketch (DDSketch-like)
// with relative accuracy kRelativeAccuracy. Merge is associative and commutative (up to the
// rounding of weight sums), so the store may merge deltas in any order.
// Not thread-safe (a value type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwlogd::storage {

class MetricDistribution {
 public:
  // Distinct values kept exactly before switching to the sketch.
  static constexpr size_t kMaxExactValues = 32;
  // Sketch: every value v > 0 is answered as some x with |x - v| <= kRelativeAccuracy * v.
  static constexpr double kRelativeAccuracy = 0.01;
  // Sketch bins kept; beyond, the lowest bins are folded into the lowest kept one (only the low
  // tail loses accuracy; needs values spread over more than ~18 decades).
  static constexpr size_t kMaxBins = 2048;
  // Weights saturate here (far beyond any real sample count) so that sums stay finite.
  static constexpr double kMaxWeight = 1e300;

  // `weight` samples of value `v` (weight > 0, v finite).
  void Add(double v, double weight = 1);
  void Merge(const MetricDistribution& other);
  // Samples whose values are unknown (a statistic set) joined the bucket: no extended statistic
  // can be answered for it any more (AWS: percentiles need raw values).
  void MarkUnknown();

  // Extended statistics are answerable: every sample's value is known and none is negative
  // (AWS: "not available for metrics when any of the metric values are negative numbers").
  bool usable() const { return !unknown_ && !negative_ && total_weight() > 0; }
  bool unknown() const { return unknown_; }
  bool negative() const { return negative_; }
  bool exact() const { return !sketch_; }
  double total_weight() const;

  // The (value, weight) points in ascending value order: the exact values, or each sketch bin's
  // representative value (zero first).
  std::vector<std::pair<double, double>> Points() const;

  // Appends the encoding (docs/storage-format.md, "Bucket value v2").
  void EncodeTo(std::string* out) const;
  // Reads one encoding at *pos. False on any malformed input (never crashes).
  static bool DecodeFrom(std::string_view in, size_t* pos, MetricDistribution* out);

  bool operator==(const MetricDistribution&) const = default;

 private:
  void Clear();
  void ToSketch();
  void AddToSketch(double v, double weight);
  void Collapse();

  bool unknown_ = false;
  bool negative_ = false;
  bool sketch_ = false;
  std::vector<std::pair<double, double>> exact_;  // sorted by value, distinct values
  double zero_weight_ = 0;                        // sketch: values == 0
  std::map<int32_t, double> bins_;                // sketch: bin index -> weight
};

}  // namespace cwlogd::storage
