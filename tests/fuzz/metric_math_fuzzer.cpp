// libFuzzer target for metric math (api/cloudwatch/math/): any bytes must parse or be refused
// with a reason; what parses evaluates over two small series and a tiny fake store without
// crashing, recursing without bound or producing more points than the caps allow.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "api/cloudwatch/math/expression_eval.h"
#include "api/cloudwatch/math/expression_parser.h"
#include "api/cloudwatch/math/metrics_insights.h"
#include "api/cloudwatch/math/search_expression.h"

namespace mm = cwlogd::api::cloudwatch::math;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr int64_t kMin = 60'000;

class TinySource final : public mm::MetricSource {
 public:
  std::vector<cwlogd::storage::MetricId> Metrics(const std::string& ns, size_t limit) override {
    std::vector<cwlogd::storage::MetricId> all = {{"App", "Cpu", {{"Host", "a"}}},
                                                  {"App", "Cpu", {{"Host", "b"}, {"Zone", "z"}}},
                                                  {"m", "Latency", {}}};
    std::vector<cwlogd::storage::MetricId> out;
    for (auto& m : all) {
      if ((ns.empty() || ns == m.metric_namespace) && out.size() < limit) out.push_back(m);
    }
    return out;
  }
  std::vector<std::pair<int64_t, cwlogd::storage::MetricAggregate>> Aggregates(
      const cwlogd::storage::MetricId& metric, int64_t period_ms) override {
    std::vector<std::pair<int64_t, cwlogd::storage::MetricAggregate>> out;
    for (int64_t t = 0; t < 10 * kMin; t += period_ms) {
      cwlogd::storage::MetricAggregate a;
      a.Add(static_cast<double>(metric.dimensions.size() + static_cast<size_t>(t / kMin)));
      out.emplace_back(t, a);
    }
    return out;
  }
};

mm::Series Make(double scale) {
  mm::Series s;
  for (int i = 0; i < 10; i += (i % 3 == 0 ? 2 : 1)) {
    s.timestamps.push_back(i * kMin);
    s.values.push_back(scale * (i - 4));
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > mm::kMaxExpressionLength + 16) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mm::ParseError error;
  mm::EvalOptions options;
  options.start_ms = 0;
  options.end_ms = 10 * kMin;
  options.max_points = 100;
  options.max_series = 20;
  options.max_search_metrics = 5;
  TinySource source;
  if (mm::IsInsightsQuery(text)) {
    auto q = mm::ParseInsightsQuery(text, &error);
    if (!q) {
      Check(!error.message.empty());
      return 0;
    }
    mm::EvalError e;
    auto rows = mm::RunInsightsQuery(*q, kMin, options, source, &e);
    if (rows) Check(rows->size() <= options.max_series);
    return 0;
  }
  (void)mm::ParseSearchQuery(text, &error);  // the SEARCH grammar on raw bytes as well
  auto node = mm::ParseExpression(text, &error);
  if (!node) {
    Check(!error.message.empty());
    return 0;
  }
  mm::Evaluator eval(options, &source);
  eval.DefineMetric("m1", Make(1));
  eval.DefineMetric("m2", Make(-0.5));
  mm::EvalError e;
  auto v = eval.Evaluate(*node, &e);
  if (!v) {
    Check(!e.message.empty());
    return 0;
  }
  Check(v->kind == mm::Value::Kind::kScalar || v->kind == mm::Value::Kind::kSeries ||
        v->series.size() <= options.max_series * 4);
  for (const auto& s : v->series) {
    Check(s.timestamps.size() == s.values.size());
    Check(s.values.size() <= options.max_points + 1);
  }
  return 0;
}
