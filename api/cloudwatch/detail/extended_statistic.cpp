#include "api/cloudwatch/detail/extended_statistic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace cwlogd::api::cloudwatch::detail {
namespace {

using Kind = ExtendedStatistic::Kind;
using Points = std::vector<std::pair<double, double>>;

constexpr size_t kMaxDecimals = 10;  // AWS: "up to 10 decimal places"
constexpr size_t kMaxNumberChars = 32;

// A plain decimal: optional '-', digits, optional '.' and up to kMaxDecimals digits.
std::optional<double> ParseNumber(std::string_view s, bool allow_negative) {
  if (s.empty() || s.size() > kMaxNumberChars) return std::nullopt;
  size_t i = 0;
  if (allow_negative && s[0] == '-') ++i;
  size_t int_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (int_digits == 0) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t decimals = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++decimals;
    if (decimals == 0 || decimals > kMaxDecimals) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

std::optional<double> ParsePercent(std::string_view s) {
  auto v = ParseNumber(s, false);
  if (!v || *v > 100) return std::nullopt;
  return v;
}

// "a:b" with a or b possibly empty, both percentages ("10%") or both values.
bool ParseBounds(std::string_view inner, bool allow_percent, ExtendedStatistic* out) {
  const size_t colon = inner.find(':');
  if (colon == std::string_view::npos) {
    // TM(90%) and the like: the upper bound only.
    if (!allow_percent || inner.empty() || inner.back() != '%') return false;
    out->percent = true;
    out->upper = ParsePercent(inner.substr(0, inner.size() - 1));
    return out->upper.has_value();
  }
  std::string_view a = inner.substr(0, colon);
  std::string_view b = inner.substr(colon + 1);
  if (a.empty() && b.empty()) return false;
  const bool a_pct = !a.empty() && a.back() == '%';
  const bool b_pct = !b.empty() && b.back() == '%';
  const bool percent = a_pct || b_pct;
  if (percent && (!allow_percent || (!a.empty() && !a_pct) || (!b.empty() && !b_pct))) {
    return false;
  }
  if (percent) {
    if (a_pct) a.remove_suffix(1);
    if (b_pct) b.remove_suffix(1);
  }
  out->percent = percent;
  if (!a.empty()) {
    out->lower = percent ? ParsePercent(a) : ParseNumber(a, true);
    if (!out->lower) return false;
  }
  if (!b.empty()) {
    out->upper = percent ? ParsePercent(b) : ParseNumber(b, true);
    if (!out->upper) return false;
  }
  return !(out->lower && out->upper && *out->lower > *out->upper);
}

// Nearest rank: the smallest value whose cumulative weight reaches q * total.
double Quantile(const Points& points, double total, double q) {
  const double target = q * total * (1 - 1e-12);
  double cumulative = 0;
  for (const auto& [v, w] : points) {
    cumulative += w;
    if (cumulative >= target && cumulative > 0) return v;
  }
  return points.back().first;
}

// The part of each point's weight whose ranks fall in [lo, hi] (ranks are cumulative weights).
template <typename Visit>
void ForRankWindow(const Points& points, double lo, double hi, Visit visit) {
  double cumulative = 0;
  for (const auto& [v, w] : points) {
    const double from = std::max(cumulative, lo);
    const double to = std::min(cumulative + w, hi);
    if (to > from) visit(v, to - from);
    cumulative += w;
  }
}

}  // namespace

std::optional<ExtendedStatistic> ParseExtendedStatistic(std::string_view name) {
  ExtendedStatistic out;
  if (name == "IQM") {
    out.kind = Kind::kTrimmedMean;
    out.lower = 25;
    out.upper = 75;
    return out;
  }
  if (name.size() >= 2 && name[0] == 'p') {
    out.kind = Kind::kPercentile;
    out.upper = ParsePercent(name.substr(1));
    if (!out.upper) return std::nullopt;
    return out;
  }
  struct Form {
    std::string_view short_prefix;  // tm90 = TM(:90%)
    std::string_view long_prefix;
    Kind kind;
  };
  static constexpr Form kForms[] = {
      {"tm", "TM(", Kind::kTrimmedMean},  {"wm", "WM(", Kind::kWinsorizedMean},
      {"tc", "TC(", Kind::kTrimmedCount}, {"ts", "TS(", Kind::kTrimmedSum},
      {"", "PR(", Kind::kPercentileRank},
  };
  for (const Form& f : kForms) {
    out.kind = f.kind;
    if (!f.short_prefix.empty() && name.substr(0, 2) == f.short_prefix) {
      out.percent = true;
      out.upper = ParsePercent(name.substr(2));
      if (!out.upper) return std::nullopt;
      return out;
    }
    if (name.substr(0, 3) == f.long_prefix) {
      if (name.size() < 5 || name.back() != ')') return std::nullopt;
      if (!ParseBounds(name.substr(3, name.size() - 4), f.kind != Kind::kPercentileRank, &out)) {
        return std::nullopt;
      }
      return out;
    }
  }
  return std::nullopt;
}

std::optional<double> EvaluateExtendedStatistic(const storage::MetricAggregate& a,
                                                const ExtendedStatistic& s) {
  const storage::MetricDistribution& d = a.distribution;
  if (!d.usable()) return std::nullopt;
  const Points points = d.Points();
  if (points.empty()) return std::nullopt;
  const double total = d.total_weight();
  // Sketch answers are bin representatives: keep them inside the exact Minimum/Maximum.
  auto clamp = [&](double v) { return std::clamp(v, a.minimum, std::max(a.minimum, a.maximum)); };
  if (s.kind == Kind::kPercentile) return clamp(Quantile(points, total, *s.upper / 100));

  double count = 0;
  double sum = 0;
  if (s.kind == Kind::kPercentileRank || !s.percent) {
    // Value bounds: lower exclusive, upper inclusive.
    const double lo = s.lower.value_or(-std::numeric_limits<double>::infinity());
    const double hi = s.upper.value_or(std::numeric_limits<double>::infinity());
    if (s.kind == Kind::kWinsorizedMean) {
      for (const auto& [v, w] : points) sum += std::clamp(v, std::min(lo, hi), hi) * w;
      return sum / total;
    }
    for (const auto& [v, w] : points) {
      if (v > lo && v <= hi) {
        count += w;
        sum += v * w;
      }
    }
    if (s.kind == Kind::kPercentileRank) return 100 * count / total;
  } else {
    const double lo_q = s.lower.value_or(0) / 100;
    const double hi_q = s.upper.value_or(100) / 100;
    if (s.kind == Kind::kWinsorizedMean) {
      const double lo_v = clamp(Quantile(points, total, lo_q));
      const double hi_v = clamp(Quantile(points, total, hi_q));
      for (const auto& [v, w] : points) sum += std::clamp(clamp(v), lo_v, hi_v) * w;
      return sum / total;
    }
    ForRankWindow(points, lo_q * total, hi_q * total, [&](double v, double w) {
      count += w;
      sum += clamp(v) * w;
    });
  }
  switch (s.kind) {
    case Kind::kTrimmedCount:
      return count;
    case Kind::kTrimmedSum:
      return sum;
    default:
      if (count <= 0) return std::nullopt;
      return sum / count;
  }
}

}  // namespace cwlogd::api::cloudwatch::detail
