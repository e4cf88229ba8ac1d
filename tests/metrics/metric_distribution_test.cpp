#include "storage/metric_distribution.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "api/cloudwatch/detail/extended_statistic.h"
#include "storage/metric_keys.h"
#include "storage/metric_store.h"
#include "tests/catch2.h"

using cwlogd::storage::MetricAggregate;
using cwlogd::storage::MetricDistribution;
namespace mk = cwlogd::storage::metric_keys;
namespace cwd = cwlogd::api::cloudwatch::detail;

namespace {

// Nearest rank, as the server defines a percentile: the smallest value with at least q% of the
// values at or below it.
double ExactPercentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(q / 100 * static_cast<double>(values.size()) - 1e-9);
  const auto k = static_cast<size_t>(std::max(rank, 1.0));
  return values[std::min(k, values.size()) - 1];
}

double Stat(const MetricAggregate& a, const std::string& name) {
  auto s = cwd::ParseExtendedStatistic(name);
  REQUIRE(s);
  auto v = cwd::EvaluateExtendedStatistic(a, *s);
  REQUIRE(v);
  return *v;
}

std::vector<double> Draw(const std::string& shape, size_t n, std::mt19937_64& rng) {
  std::vector<double> out;
  out.reserve(n);
  std::uniform_real_distribution<double> uniform(0, 1000);
  std::lognormal_distribution<double> lognormal(3, 1.5);
  std::normal_distribution<double> low(100, 5);
  std::normal_distribution<double> high(5000, 300);
  std::bernoulli_distribution coin(0.8);
  for (size_t i = 0; i < n; ++i) {
    double v = 0;
    if (shape == "uniform") {
      v = uniform(rng);
    } else if (shape == "lognormal") {
      v = lognormal(rng);
    } else {
      v = std::max(0.0, coin(rng) ? low(rng) : high(rng));
    }
    out.push_back(v);
  }
  return out;
}

// The values split into random chunks, each its own aggregate, merged in a random order: the
// way deltas reach the store.
MetricAggregate ChunkedAggregate(const std::vector<double>& values, std::mt19937_64& rng) {
  std::vector<MetricAggregate> chunks;
  std::uniform_int_distribution<size_t> size(1, 200);
  for (size_t i = 0; i < values.size();) {
    MetricAggregate c;
    const size_t n = std::min(size(rng), values.size() - i);
    for (size_t k = 0; k < n; ++k) c.Add(values[i + k]);
    chunks.push_back(std::move(c));
    i += n;
  }
  std::shuffle(chunks.begin(), chunks.end(), rng);
  MetricAggregate total;
  for (const auto& c : chunks) total.Merge(c);
  return total;
}

}  // namespace

TEST_CASE("Percentiles of random distributions are within the stated relative error",
          "[metrics][percentiles]") {
  const std::string shape = GENERATE("uniform", "lognormal", "bimodal");
  const uint64_t seed = GENERATE(1, 2, 3);
  std::mt19937_64 rng(seed);
  const std::vector<double> values = Draw(shape, 20000, rng);
  const MetricAggregate a = ChunkedAggregate(values, rng);
  REQUIRE_FALSE(a.distribution.exact());
  REQUIRE(a.distribution.total_weight() == 20000);
  const double bound = MetricDistribution::kRelativeAccuracy * (1 + 1e-9);
  for (double q : {0.0, 0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    const double exact = ExactPercentile(values, q);
    const double got = Stat(a, "p" + std::to_string(q).substr(0, 6));
    INFO(shape << " seed " << seed << " p" << q << ": exact " << exact << " got " << got);
    CHECK(std::fabs(got - exact) <= bound * std::fabs(exact) + 1e-12);
  }
  // Trimmed mean: the same ranks are kept, each value answered within the bound.
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (size_t i = 0; i < 18000; ++i) sum += sorted[i];
  CHECK(std::fabs(Stat(a, "tm90") - sum / 18000) <= bound * sum / 18000);
  CHECK(Stat(a, "tc90") == Approx(18000));
}

TEST_CASE("Few distinct values give exact extended statistics", "[metrics][percentiles]") {
  MetricAggregate a;
  for (int v = 1; v <= 10; ++v) a.Add(v * 10);  // 10, 20, ..., 100
  REQUIRE(a.distribution.exact());
  CHECK(Stat(a, "p50") == 50);
  CHECK(Stat(a, "p90") == 90);
  CHECK(Stat(a, "p99") == 100);
  CHECK(Stat(a, "p99.9") == 100);
  CHECK(Stat(a, "p0") == 10);
  CHECK(Stat(a, "p100") == 100);
  CHECK(Stat(a, "tm90") == Approx(50));         // 10..90
  CHECK(Stat(a, "TM(10%:90%)") == Approx(55));  // 20..90
  CHECK(Stat(a, "IQM") == Approx(55));          // ranks 2.5..7.5: 30..80 with halves of 30, 80
  CHECK(Stat(a, "TM(20:50)") == Approx(40));    // 30, 40, 50 (lower bound exclusive)
  CHECK(Stat(a, "tc90") == Approx(9));
  CHECK(Stat(a, "TC(20:50)") == Approx(3));
  CHECK(Stat(a, "ts90") == Approx(450));
  CHECK(Stat(a, "TS(:30)") == Approx(60));  // 10 + 20 + 30
  CHECK(Stat(a, "PR(:30)") == Approx(30));  // 3 of 10 are <= 30
  CHECK(Stat(a, "PR(20:50)") == Approx(30));
  CHECK(Stat(a, "PR(100:)") == Approx(0));
  CHECK(Stat(a, "wm80") == Approx((10 + 20 + 30 + 40 + 50 + 60 + 70 + 80 + 80 + 80) / 10.0));
  CHECK(Stat(a, "WM(:50)") == Approx((10 + 20 + 30 + 40 + 50 * 6) / 10.0));

  MetricAggregate weighted;  // Values [1, 2] with Counts [3, 1]
  weighted.Add(1, 3);
  weighted.Add(2, 1);
  CHECK(Stat(weighted, "p75") == 1);
  CHECK(Stat(weighted, "p76") == 2);
}

TEST_CASE("Statistic sets, negative values and old buckets answer no percentile",
          "[metrics][percentiles]") {
  auto p50 = *cwd::ParseExtendedStatistic("p50");
  MetricAggregate one;
  one.AddStatisticSet(1, 42, 42, 42);  // SampleCount 1: the value is known
  CHECK(cwd::EvaluateExtendedStatistic(one, p50) == 42);
  MetricAggregate same;
  same.AddStatisticSet(4, 20, 5, 5);  // Minimum == Maximum: four fives
  same.Add(100);
  CHECK(cwd::EvaluateExtendedStatistic(same, p50) == 5);
  MetricAggregate spread;
  spread.Add(1);
  spread.AddStatisticSet(4, 100, 5, 50);
  CHECK_FALSE(cwd::EvaluateExtendedStatistic(spread, p50));
  spread.Add(2);  // stays unknown
  CHECK_FALSE(cwd::EvaluateExtendedStatistic(spread, p50));
  MetricAggregate negative;
  negative.Add(3);
  negative.Add(-1);
  CHECK_FALSE(cwd::EvaluateExtendedStatistic(negative, p50));
  MetricAggregate merged;
  merged.Add(1);
  merged.Merge(negative);
  CHECK_FALSE(cwd::EvaluateExtendedStatistic(merged, p50));

  // A version-1 bucket (33 bytes, no distribution) still reads, without percentiles.
  std::string v1(1, '\x01');
  for (double d : {2.0, 30.0, 10.0, 20.0}) {
    char bytes[8];
    std::memcpy(bytes, &d, 8);
    v1.append(bytes, 8);
  }
  MetricAggregate old;
  REQUIRE(mk::DecodeAggregate(v1, &old));
  CHECK(old.sample_count == 2);
  CHECK(old.sum == 30);
  CHECK_FALSE(cwd::EvaluateExtendedStatistic(old, p50));
}

TEST_CASE("Distribution merges are associative and commutative", "[metrics][percentiles]") {
  std::mt19937_64 rng(GENERATE(11, 12, 13, 14));
  std::uniform_int_distribution<int> count(0, 60);
  std::uniform_int_distribution<int> value(0, 400);  // some parts go beyond 64 distinct values
  std::uniform_int_distribution<int> weight(1, 5);
  auto part = [&] {
    MetricAggregate a;
    const int n = count(rng);
    for (int i = 0; i < n; ++i) a.Add(value(rng) * 0.5, weight(rng));
    return a;
  };
  for (int round = 0; round < 20; ++round) {
    const MetricAggregate a = part(), b = part(), c = part();
    MetricAggregate left = a;  // (a + b) + c
    left.Merge(b);
    left.Merge(c);
    MetricAggregate bc = b;  // a + (b + c)
    bc.Merge(c);
    MetricAggregate right = a;
    right.Merge(bc);
    MetricAggregate other = c;  // (c + a) + b
    other.Merge(a);
    other.Merge(b);
    CHECK(left.distribution == right.distribution);
    CHECK(left.distribution == other.distribution);
    // Stored and merged through the codec: the same.
    MetricAggregate decoded;
    REQUIRE(mk::DecodeAggregate(mk::EncodeAggregate(left), &decoded));
    CHECK(decoded == left);
  }
}

TEST_CASE("Bucket values round-trip and bad bytes are refused", "[metrics][percentiles]") {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> lognormal(0, 3);
  MetricAggregate exact, sketch, fractional, unknown, negative;
  for (int i = 0; i < 10; ++i) exact.Add(i);
  for (int i = 0; i < 5000; ++i) sketch.Add(lognormal(rng));
  sketch.Add(0, 3);
  fractional.Add(1.5, 0.25);
  for (int i = 0; i < 100; ++i) fractional.Add(i, 0.5);
  unknown.AddStatisticSet(3, 10, 1, 5);
  negative.Add(-2);
  std::uniform_int_distribution<int> byte(0, 255);
  for (const MetricAggregate* a : {&exact, &sketch, &fractional, &unknown, &negative}) {
    const std::string encoded = mk::EncodeAggregate(*a);
    MetricAggregate back;
    REQUIRE(mk::DecodeAggregate(encoded, &back));
    CHECK(back == *a);
    // Every truncation is refused; random corruptions decode or are refused, never crash.
    for (size_t n = 0; n < encoded.size(); ++n) {
      CHECK_FALSE(mk::DecodeAggregate(std::string_view(encoded).substr(0, n), &back));
    }
    for (int i = 0; i < 200; ++i) {
      std::string bad = encoded;
      bad[std::uniform_int_distribution<size_t>(0, bad.size() - 1)(rng)] =
          static_cast<char>(byte(rng));
      (void)mk::DecodeAggregate(bad, &back);
    }
  }
  CHECK(mk::EncodeAggregate(exact).size() == 33 + 1 + 1 + 10 * 9);
  INFO("sketch bytes: " << mk::EncodeAggregate(sketch).size());
  CHECK(mk::EncodeAggregate(sketch).size() < 3000);
}

TEST_CASE("Extended statistic names follow AWS's forms", "[metrics][percentiles]") {
  for (const char* ok : {"p0",       "p50",           "p99",       "p99.9",       "p99.99",
                         "p100",     "p0.0000000001", "tm99",      "tm99.5",      "wm98",
                         "tc90",     "ts90",          "IQM",       "TM(10%:90%)", "TM(:90%)",
                         "TM(10%:)", "TM(150:1000)",  "TM(:1000)", "WM(10%:90%)", "TC(10%:)",
                         "TS(:500)", "PR(100:2000)",  "PR(:300)",  "PR(100:)",    "TM(-5:5)"}) {
    INFO(ok);
    CHECK(cwd::ParseExtendedStatistic(ok).has_value());
  }
  for (const char* bad : {"",           "p",           "p101",       "p-1",
                          "p99.",       "p.9",         "P99",        "p99.12345678901",
                          "tm",         "tm101",       "TM()",       "TM(:)",
                          "TM(10%:90)", "TM(90%:10%)", "TM(10%:90%", "PR(10%:90%)",
                          "tM(1:2)",    "median",      "p99 ",       "IQR",
                          "TM(1e3:5)",  "WM(5:1)"}) {
    INFO(bad);
    CHECK_FALSE(cwd::ParseExtendedStatistic(bad).has_value());
  }
}
