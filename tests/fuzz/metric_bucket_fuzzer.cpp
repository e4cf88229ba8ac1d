// libFuzzer target for stored metric bucket values (storage/metric_keys.h DecodeAggregate): any
// bytes must decode or be refused, never crash; a value that decodes must survive what the
// store does with it:
// - encoding it and decoding that again gives the same distribution;
// - merging it with itself (the merge operator) doubles each weight (saturating at kMaxWeight)
//   and re-encodes;
// - its points are ascending, with positive weights that add up to its total weight.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/metric_keys.h"
#include "storage/metric_store.h"

namespace mk = cwlogd::storage::metric_keys;
using cwlogd::storage::MetricAggregate;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  MetricAggregate a;
  if (!mk::DecodeAggregate(bytes, &a)) return 0;
  MetricAggregate back;
  Check(mk::DecodeAggregate(mk::EncodeAggregate(a), &back));
  Check(back.distribution == a.distribution);

  const double total = a.distribution.total_weight();
  double seen = 0;
  double previous = -1;
  for (const auto& [v, w] : a.distribution.Points()) {
    Check(v > previous || (previous < 0 && v >= 0));
    Check(w > 0);
    previous = v;
    seen += w;
  }
  Check(std::fabs(seen - total) <= 1e-9 * std::fabs(total) || !std::isfinite(total));

  MetricAggregate twice = a;
  twice.Merge(a);
  double expected = 0;
  for (const auto& [v, w] : a.distribution.Points()) {
    expected += std::min(2 * w, cwlogd::storage::MetricDistribution::kMaxWeight);
  }
  const double doubled = twice.distribution.total_weight();
  Check(std::fabs(doubled - expected) <= 1e-9 * std::fabs(expected) || !std::isfinite(expected));
  Check(mk::DecodeAggregate(mk::EncodeAggregate(twice), &back));
  return 0;
}
