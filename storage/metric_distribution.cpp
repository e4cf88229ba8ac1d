#include "storage/metric_distribution.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "storage/detail/varint.h"

namespace cwlogd::storage {
namespace {

// gamma = (1 + a) / (1 - a): bin i holds (gamma^(i-1), gamma^i], answered by
// 2 gamma^i / (gamma + 1), within a relative `a` of every value in the bin.
const double kGamma =
    (1 + MetricDistribution::kRelativeAccuracy) / (1 - MetricDistribution::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
// Accepted values lie within 2^-260 .. 2^360 (PutMetricData), i.e. bins -9000 .. 12500; the
// decoder accepts a margin around that and nothing beyond.
constexpr int32_t kMinIndex = -20000;
constexpr int32_t kMaxIndex = 20000;

// Flags byte of the encoding. DO NOT CHANGE: on-disk
constexpr uint8_t kUnknownFlag = 0x01;
constexpr uint8_t kNegativeFlag = 0x02;
constexpr uint8_t kSketchFlag = 0x04;
constexpr uint8_t kIntegralFlag = 0x08;  // every weight is written as a varint
constexpr uint8_t kKnownFlags = 0x0f;
constexpr double kMaxIntegralWeight = 9007199254740992.0;  // 2^53
double AddWeights(double a, double b) { return std::min(a + b, MetricDistribution::kMaxWeight); }

int32_t IndexOf(double v) {
  const double i = std::ceil(std::log(v) / kLogGamma);
  return static_cast<int32_t>(std::clamp(i, double{kMinIndex}, double{kMaxIndex}));
}
double ValueOf(int32_t index) { return 2 * std::pow(kGamma, index) / (kGamma + 1); }

using detail::AppendVarint;
using detail::ReadVarint;
void AppendDouble(std::string* out, double d) {
  uint64_t v;
  std::memcpy(&v, &d, sizeof v);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
bool ReadDouble(std::string_view in, size_t* pos, double* d) {
  if (in.size() - *pos < 8) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(in[*pos + i]);
  *pos += 8;
  std::memcpy(d, &v, sizeof *d);
  return std::isfinite(*d);
}
bool Integral(double w) { return w >= 0 && w <= kMaxIntegralWeight && std::floor(w) == w; }
void AppendWeight(std::string* out, double w, bool integral) {
  if (integral) {
    AppendVarint(out, static_cast<uint64_t>(w));
  } else {
    AppendDouble(out, w);
  }
}
bool ReadWeight(std::string_view in, size_t* pos, bool integral, double* w) {
  if (integral) {
    uint64_t v = 0;
    if (!ReadVarint(in, pos, &v) || v > static_cast<uint64_t>(kMaxIntegralWeight)) return false;
    *w = static_cast<double>(v);
    return true;
  }
  return ReadDouble(in, pos, w) && *w >= 0 && *w <= MetricDistribution::kMaxWeight;
}

}  // namespace

void MetricDistribution::Clear() {
  sketch_ = false;
  exact_.clear();
  zero_weight_ = 0;
  bins_.clear();
}

void MetricDistribution::MarkUnknown() {
  unknown_ = true;
  Clear();
}

double MetricDistribution::total_weight() const {
  double total = 0;
  if (sketch_) {
    total = zero_weight_;
    for (const auto& [index, w] : bins_) total += w;
  } else {
    for (const auto& [v, w] : exact_) total += w;
  }
  return total;
}

void MetricDistribution::AddToSketch(double v, double weight) {
  if (v == 0) {
    zero_weight_ = AddWeights(zero_weight_, weight);
  } else {
    double& w = bins_[IndexOf(v)];
    w = AddWeights(w, weight);
  }
}

void MetricDistribution::ToSketch() {
  if (sketch_) return;
  sketch_ = true;
  for (const auto& [v, w] : exact_) AddToSketch(v, w);
  exact_.clear();
  exact_.shrink_to_fit();
  Collapse();
}

// Keeps the kMaxBins highest bins; the mass below goes to the lowest kept one. Associative: the
// kept set after any merge order is the top kMaxBins of the union of the original indices.
void MetricDistribution::Collapse() {
  if (bins_.size() <= kMaxBins) return;
  auto keep = std::prev(bins_.end(), static_cast<std::ptrdiff_t>(kMaxBins));
  double folded = 0;
  for (auto it = bins_.begin(); it != keep; ++it) folded += it->second;
  bins_.erase(bins_.begin(), keep);
  keep->second = AddWeights(keep->second, folded);
}

void MetricDistribution::Add(double v, double weight) {
  if (unknown_ || negative_ || !(weight > 0) || !std::isfinite(v)) return;
  if (v < 0) {
    negative_ = true;
    Clear();
    return;
  }
  if (sketch_) {
    AddToSketch(v, weight);
    Collapse();
    return;
  }
  auto it = std::lower_bound(exact_.begin(), exact_.end(), std::make_pair(v, 0.0),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  weight = std::min(weight, kMaxWeight);
  if (it != exact_.end() && it->first == v) {
    it->second = AddWeights(it->second, weight);
    return;
  }
  exact_.insert(it, {v, weight});
  if (exact_.size() > kMaxExactValues) ToSketch();
}

void MetricDistribution::Merge(const MetricDistribution& o) {
  if (unknown_ || negative_ || o.unknown_ || o.negative_) {
    unknown_ = unknown_ || o.unknown_;
    negative_ = negative_ || o.negative_;
    Clear();
    return;
  }
  if (!sketch_ && !o.sketch_) {
    std::vector<std::pair<double, double>> merged;
    merged.reserve(exact_.size() + o.exact_.size());
    size_t i = 0, j = 0;
    while (i < exact_.size() || j < o.exact_.size()) {
      if (j == o.exact_.size() || (i < exact_.size() && exact_[i].first < o.exact_[j].first)) {
        merged.push_back(exact_[i++]);
      } else if (i == exact_.size() || o.exact_[j].first < exact_[i].first) {
        merged.push_back(o.exact_[j++]);
      } else {
        merged.emplace_back(exact_[i].first, AddWeights(exact_[i].second, o.exact_[j].second));
        ++i;
        ++j;
      }
    }
    exact_ = std::move(merged);
    if (exact_.size() > kMaxExactValues) ToSketch();
    return;
  }
  ToSketch();
  if (o.sketch_) {
    zero_weight_ = AddWeights(zero_weight_, o.zero_weight_);
    for (const auto& [index, w] : o.bins_) {
      double& mine = bins_[index];
      mine = AddWeights(mine, w);
    }
  } else {
    for (const auto& [v, w] : o.exact_) AddToSketch(v, w);
  }
  Collapse();
}

std::vector<std::pair<double, double>> MetricDistribution::Points() const {
  if (!sketch_) return exact_;
  std::vector<std::pair<double, double>> out;
  out.reserve(bins_.size() + 1);
  if (zero_weight_ > 0) out.emplace_back(0.0, zero_weight_);
  for (const auto& [index, w] : bins_) out.emplace_back(ValueOf(index), w);
  return out;
}

// flags(1) then, unless unknown/negative:
//   exact:  varint(n) n*LE8(value) n*weight
//   sketch: weight(zero) varint(bins) [zigzag varint(first index) weight (varint(gap) weight)*]
// A weight is a varint when kIntegralFlag is set, else an LE8 double.  DO NOT CHANGE: on-disk
void MetricDistribution::EncodeTo(std::string* out) const {
  uint8_t flags = 0;
  if (unknown_) flags |= kUnknownFlag;
  if (negative_) flags |= kNegativeFlag;
  if (unknown_ || negative_) {
    out->push_back(static_cast<char>(flags));
    return;
  }
  bool integral = Integral(zero_weight_);
  for (const auto& [v, w] : exact_) integral = integral && Integral(w);
  for (const auto& [index, w] : bins_) integral = integral && Integral(w);
  if (integral) flags |= kIntegralFlag;
  if (sketch_) flags |= kSketchFlag;
  out->push_back(static_cast<char>(flags));
  if (!sketch_) {
    AppendVarint(out, exact_.size());
    for (const auto& [v, w] : exact_) AppendDouble(out, v);
    for (const auto& [v, w] : exact_) AppendWeight(out, w, integral);
    return;
  }
  AppendWeight(out, zero_weight_, integral);
  AppendVarint(out, bins_.size());
  int32_t previous = 0;
  bool first = true;
  for (const auto& [index, w] : bins_) {
    if (first) {
      const auto i = static_cast<int64_t>(index);
      AppendVarint(out, static_cast<uint64_t>((i << 1) ^ (i >> 63)));
      first = false;
    } else {
      AppendVarint(out, static_cast<uint64_t>(index - previous));
    }
    AppendWeight(out, w, integral);
    previous = index;
  }
}

bool MetricDistribution::DecodeFrom(std::string_view in, size_t* pos, MetricDistribution* out) {
  // Cleared, not replaced: a reader decoding bucket after bucket into one distribution keeps
  // its vector's capacity.
  out->unknown_ = out->negative_ = false;
  out->Clear();
  if (*pos >= in.size()) return false;
  const auto flags = static_cast<uint8_t>(in[(*pos)++]);
  if ((flags & ~kKnownFlags) != 0) return false;
  out->unknown_ = (flags & kUnknownFlag) != 0;
  out->negative_ = (flags & kNegativeFlag) != 0;
  if (out->unknown_ || out->negative_) return (flags & (kSketchFlag | kIntegralFlag)) == 0;
  const bool integral = (flags & kIntegralFlag) != 0;
  out->sketch_ = (flags & kSketchFlag) != 0;
  uint64_t n = 0;
  if (!out->sketch_) {
    if (!ReadVarint(in, pos, &n) || n > kMaxExactValues) return false;
    out->exact_.resize(n);
    for (auto& [v, w] : out->exact_) {
      if (!ReadDouble(in, pos, &v) || v < 0) return false;
    }
    for (size_t i = 0; i < n; ++i) {
      auto& [v, w] = out->exact_[i];
      if (!ReadWeight(in, pos, integral, &w) || !(w > 0)) return false;
      if (i > 0 && !(out->exact_[i - 1].first < v)) return false;
    }
    return true;
  }
  if (!ReadWeight(in, pos, integral, &out->zero_weight_)) return false;
  if (!ReadVarint(in, pos, &n) || n > kMaxBins) return false;
  int64_t index = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t raw = 0;
    if (!ReadVarint(in, pos, &raw)) return false;
    if (i == 0) {
      index = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    } else {
      if (raw == 0 || raw > static_cast<uint64_t>(kMaxIndex - kMinIndex)) return false;
      index += static_cast<int64_t>(raw);
    }
    if (index < kMinIndex || index > kMaxIndex) return false;
    double w = 0;
    if (!ReadWeight(in, pos, integral, &w) || !(w > 0)) return false;
    out->bins_.emplace_hint(out->bins_.end(), static_cast<int32_t>(index), w);
  }
  return true;
}

}  // namespace cwlogd::storage
