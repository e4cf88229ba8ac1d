// Metric math (api/cloudwatch/math/): the expression parser, every function of the evaluator
// against hand-computed series, SEARCH and Metrics Insights over a fake MetricSource, and the
// caps that keep hostile expressions cheap.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "api/cloudwatch/math/expression_eval.h"
#include "api/cloudwatch/math/expression_parser.h"
#include "api/cloudwatch/math/math_queries.h"
#include "api/cloudwatch/math/metrics_insights.h"
#include "api/cloudwatch/math/search_expression.h"
#include "tests/catch2.h"

namespace mm = cwlogd::api::cloudwatch::math;
using cwlogd::storage::MetricAggregate;
using cwlogd::storage::MetricId;
using mm::Series;
using mm::Value;

namespace metric_math_test {

constexpr int64_t kMin = 60'000;
constexpr int64_t kT0 = 1'700'000'040'000;  // a minute boundary: 2023-11-14T22:14:00Z

Series MakeSeries(std::string label, const std::vector<std::pair<int, double>>& points) {
  Series s;
  s.label = std::move(label);
  s.period_ms = kMin;
  for (auto [minute, v] : points) {
    s.timestamps.push_back(kT0 + minute * kMin);
    s.values.push_back(v);
  }
  return s;
}

// A store of metrics with one aggregate per minute.
class FakeSource final : public mm::MetricSource {
 public:
  void Add(const MetricId& id, const std::vector<std::pair<int, double>>& values) {
    auto& v = data_[id];
    for (auto [minute, x] : values) {
      MetricAggregate a;
      a.Add(x);
      v.emplace_back(kT0 + minute * kMin, a);
    }
  }
  std::vector<MetricId> Metrics(const std::string& ns, size_t limit) override {
    std::vector<MetricId> out;
    for (const auto& [id, unused] : data_) {
      (void)unused;
      if ((ns.empty() || id.metric_namespace == ns) && out.size() < limit) out.push_back(id);
    }
    return out;
  }
  std::vector<std::pair<int64_t, MetricAggregate>> Aggregates(const MetricId& id,
                                                              int64_t period_ms) override {
    std::map<int64_t, MetricAggregate> merged;
    for (const auto& [t, a] : data_[id]) merged[kT0 + (t - kT0) / period_ms * period_ms].Merge(a);
    return {merged.begin(), merged.end()};
  }

 private:
  std::map<MetricId, std::vector<std::pair<int64_t, MetricAggregate>>> data_;
};

mm::EvalOptions Options(int minutes = 5) {
  mm::EvalOptions o;
  o.start_ms = kT0;
  o.end_ms = kT0 + minutes * kMin;
  return o;
}

struct Fixture {
  FakeSource source;
  mm::EvalOptions options = Options();
  std::map<std::string, Series> metrics = {
      {"m1", MakeSeries("Errors", {{0, 1}, {1, 2}, {2, 3}, {4, 5}})},
      {"m2", MakeSeries("Requests", {{0, 10}, {1, 20}, {3, 30}, {4, 40}})},
  };

  std::variant<Value, mm::EvalError> Run(const std::string& text) {
    mm::ParseError pe;
    auto node = mm::ParseExpression(text, &pe);
    if (!node) return mm::EvalError{mm::EvalError::Kind::kSyntax, "parse: " + pe.message};
    mm::Evaluator eval(options, &source);
    for (const auto& [id, s] : metrics) eval.DefineMetric(id, s);
    mm::EvalError error;
    auto v = eval.Evaluate(*node, &error);
    if (!v) return error;
    return *v;
  }
  Value Ok(const std::string& text) {
    auto r = Run(text);
    if (auto* e = std::get_if<mm::EvalError>(&r)) FAIL(text << ": " << e->message);
    return std::get<Value>(r);
  }
  double Scalar(const std::string& text) {
    Value v = Ok(text);
    REQUIRE(v.kind == Value::Kind::kScalar);
    return v.scalar;
  }
  // One series as (minute, value) pairs.
  std::vector<std::pair<int, double>> Points(const std::string& text) {
    Value v = Ok(text);
    INFO(text);
    REQUIRE(v.kind == Value::Kind::kSeries);
    return PointsOf(v.series.at(0));
  }
  static std::vector<std::pair<int, double>> PointsOf(const Series& s) {
    std::vector<std::pair<int, double>> out;
    for (size_t i = 0; i < s.values.size(); ++i) {
      out.emplace_back(static_cast<int>((s.timestamps[i] - kT0) / kMin), s.values[i]);
    }
    return out;
  }
  std::string Error(const std::string& text) {
    auto r = Run(text);
    auto* e = std::get_if<mm::EvalError>(&r);
    if (e == nullptr) FAIL(text << " evaluated without an error");
    return e->message;
  }
};

using P = std::vector<std::pair<int, double>>;

}  // namespace metric_math_test

using namespace metric_math_test;  // NOLINT: one unity batch with other tests

TEST_CASE("The expression parser honours precedence and reports where it failed",
          "[metrics][math][parser]") {
  Fixture f;
  CHECK(f.Scalar("1 + 2 * 3") == 7);
  CHECK(f.Scalar("(1 + 2) * 3") == 9);
  CHECK(f.Scalar("2 ^ 3 ^ 2") == 512);  // right-associative
  CHECK(f.Scalar("-2 ^ 2") == -4);
  CHECK(f.Scalar("10 - 4 - 3") == 3);
  CHECK(f.Scalar("1.5e1 / 3") == 5);
  CHECK(f.Scalar("1 < 2 AND 3 > 2") == 1);
  CHECK(f.Scalar("1 > 2 || 2 >= 2") == 1);
  CHECK(f.Scalar("1 == 1 && 1 != 1") == 0);
  mm::ParseError e;
  CHECK_FALSE(mm::ParseExpression("m1 +", &e));
  CHECK_THAT(e.message, ContainsSubstring("end of expression"));
  CHECK_FALSE(mm::ParseExpression("SUM(m1", &e));
  CHECK_THAT(e.message, ContainsSubstring("Missing ')'"));
  CHECK_FALSE(mm::ParseExpression("m1 $ m2", &e));
  CHECK(e.offset == 3);
  CHECK_FALSE(mm::ParseExpression("'open", &e));
  CHECK_FALSE(mm::ParseExpression("", &e));
}

TEST_CASE("The parser caps length, depth and size without crashing", "[metrics][math][parser]") {
  mm::ParseError e;
  CHECK_FALSE(mm::ParseExpression(std::string(3000, '1'), &e));
  CHECK_THAT(e.message, ContainsSubstring("longer than"));
  CHECK_FALSE(mm::ParseExpression(std::string(1000, '(') + "1" + std::string(1000, ')'), &e));
  CHECK_THAT(e.message, ContainsSubstring("nested too deeply"));
  CHECK_FALSE(mm::ParseExpression(std::string(1500, '-') + "1", &e));
  std::string wide = "1";
  for (int i = 0; i < 1020; ++i) wide += "+1";
  CHECK_FALSE(mm::ParseExpression(wide, &e));
  CHECK_THAT(e.message, ContainsSubstring("too complex"));
  CHECK(mm::ParseExpression(std::string(40, '(') + "1" + std::string(40, ')'), &e));
}

TEST_CASE("Arithmetic aligns series by timestamp and drops non-finite points",
          "[metrics][math][eval]") {
  Fixture f;
  CHECK(f.Points("m1 + m2") == P{{0, 11}, {1, 22}, {4, 45}});
  CHECK(f.Points("m2 / m1") == P{{0, 10}, {1, 10}, {4, 8}});
  CHECK(f.Points("m1 * 2") == P{{0, 2}, {1, 4}, {2, 6}, {4, 10}});
  CHECK(f.Points("100 - m1") == P{{0, 99}, {1, 98}, {2, 97}, {4, 95}});
  CHECK(f.Points("-m1") == P{{0, -1}, {1, -2}, {2, -3}, {4, -5}});
  CHECK(f.Points("m1 ^ 2") == P{{0, 1}, {1, 4}, {2, 9}, {4, 25}});
  CHECK(f.Points("m1 / (m1 - 2)") == P{{0, -1}, {2, 3}, {4, 5.0 / 3}});
  CHECK(f.Points("m1 > 2") == P{{0, 0}, {1, 0}, {2, 1}, {4, 1}});
  Value arr = f.Ok("[m1, m2] * 10");
  REQUIRE(arr.kind == Value::Kind::kArray);
  CHECK(Fixture::PointsOf(arr.series[1]) == P{{0, 100}, {1, 200}, {3, 300}, {4, 400}});
  CHECK(arr.series[1].label == "Requests");
  CHECK_THAT(f.Error("[m1, m2] + [m1]"), ContainsSubstring("two arrays"));
  CHECK_THAT(f.Error("m9 + 1"), ContainsSubstring("Unrecognized identifier 'm9'"));
}

TEST_CASE("Element-wise functions: ABS CEIL FLOOR LOG LOG10", "[metrics][math][eval]") {
  Fixture f;
  f.metrics["m3"] = MakeSeries("x", {{0, -1.5}, {1, 100}, {2, 0}});
  CHECK(f.Points("ABS(m3)") == P{{0, 1.5}, {1, 100}, {2, 0}});
  CHECK(f.Points("CEIL(m3)") == P{{0, -1}, {1, 100}, {2, 0}});
  CHECK(f.Points("FLOOR(m3)") == P{{0, -2}, {1, 100}, {2, 0}});
  CHECK(f.Points("LOG10(m3)") == P{{1, 2}});
  CHECK(f.Points("LOG(m1)")[1].second == Approx(std::log(2.0)));
  CHECK(f.Scalar("ABS(-3)") == 3);
}

TEST_CASE("Aggregates reduce a series to a scalar and an array to a series",
          "[metrics][math][eval]") {
  Fixture f;
  CHECK(f.Scalar("SUM(m1)") == 11);
  CHECK(f.Scalar("AVG(m1)") == 2.75);
  CHECK(f.Scalar("MAX(m2)") == 40);
  CHECK(f.Scalar("MIN(m2)") == 10);
  CHECK(f.Scalar("STDDEV(m1)") ==
        Approx(std::sqrt((1.75 * 1.75 + 0.75 * 0.75 + 0.25 * 0.25 + 2.25 * 2.25) / 4)));
  CHECK(f.Scalar("DATAPOINT_COUNT(m2)") == 4);
  CHECK(f.Points("SUM([m1, m2])") == P{{0, 11}, {1, 22}, {2, 3}, {3, 30}, {4, 45}});
  CHECK(f.Points("MAX(METRICS())") == P{{0, 10}, {1, 20}, {2, 3}, {3, 30}, {4, 40}});
  CHECK(f.Points("MIN(m1, m2)") == P{{0, 1}, {1, 2}, {2, 3}, {3, 30}, {4, 5}});
  CHECK(f.Points("AVG(METRICS())") == P{{0, 5.5}, {1, 11}, {2, 3}, {3, 30}, {4, 22.5}});
  CHECK(f.Points("DATAPOINT_COUNT(METRICS())") == P{{0, 2}, {1, 2}, {2, 1}, {3, 1}, {4, 2}});
  CHECK(f.Points("STDDEV([m1, m2])")[0].second == Approx(4.5));
  CHECK(f.Points("m1 - AVG(m1)") == P{{0, -1.75}, {1, -0.75}, {2, 0.25}, {4, 2.25}});
}

TEST_CASE("DIFF, DIFF_TIME, RATE and RUNNING_SUM", "[metrics][math][eval]") {
  Fixture f;
  CHECK(f.Points("DIFF(m1)") == P{{1, 1}, {2, 1}, {4, 2}});
  CHECK(f.Points("DIFF_TIME(m1)") == P{{1, 60}, {2, 60}, {4, 120}});
  CHECK(f.Points("RATE(m1)") == P{{1, 1.0 / 60}, {2, 1.0 / 60}, {4, 2.0 / 120}});
  CHECK(f.Points("RUNNING_SUM(m1)") == P{{0, 1}, {1, 3}, {2, 6}, {4, 11}});
}

TEST_CASE("FILL with a value, a series, REPEAT and LINEAR", "[metrics][math][eval]") {
  Fixture f;
  f.metrics["m3"] = MakeSeries("gaps", {{1, 10}, {3, 30}});
  CHECK(f.Points("FILL(m3, 0)") == P{{0, 0}, {1, 10}, {2, 0}, {3, 30}, {4, 0}});
  CHECK(f.Points("FILL(m3, REPEAT)") == P{{1, 10}, {2, 10}, {3, 30}, {4, 30}});
  CHECK(f.Points("FILL(m3, LINEAR)") == P{{1, 10}, {2, 20}, {3, 30}});
  CHECK(f.Points("FILL(m3, m1)") == P{{0, 1}, {1, 10}, {2, 3}, {3, 30}, {4, 5}});
  Value arr = f.Ok("FILL(METRICS(), -1)");
  REQUIRE(arr.series.size() == 3);
  CHECK(Fixture::PointsOf(arr.series[0]) == P{{0, 1}, {1, 2}, {2, 3}, {3, -1}, {4, 5}});
  CHECK_THAT(f.Error("FILL(m3, NOPE)"), ContainsSubstring("NOPE"));
}

TEST_CASE("IF with comparisons, AND/OR and an optional else", "[metrics][math][eval]") {
  Fixture f;
  CHECK(f.Points("IF(m1 > 2, m1, 0)") == P{{0, 0}, {1, 0}, {2, 3}, {4, 5}});
  CHECK(f.Points("IF(m1 > 2, m1)") == P{{2, 3}, {4, 5}});
  CHECK(f.Points("IF(m1 >= 2 AND m1 < 5, 1, 0)") == P{{0, 0}, {1, 1}, {2, 1}, {4, 0}});
  CHECK(f.Points("IF(m1 == 1 OR m1 == 5, m2, -1)") == P{{0, 10}, {1, -1}, {2, -1}, {4, 40}});
  CHECK(f.Points("IF(1, m1, m2)") == f.Points("m1"));
}

TEST_CASE("METRICS, FIRST, LAST, SORT, SLICE, REMOVE_EMPTY", "[metrics][math][eval]") {
  Fixture f;
  f.metrics["errors_b"] = MakeSeries("B", {});
  Value all = f.Ok("METRICS()");
  REQUIRE(all.series.size() == 3);
  Value filtered = f.Ok("METRICS('errors')");
  REQUIRE(filtered.series.size() == 1);
  CHECK(filtered.series[0].label == "B");
  CHECK(f.Ok("REMOVE_EMPTY(METRICS())").series.size() == 2);
  Value sorted = f.Ok("SORT(REMOVE_EMPTY(METRICS()), SUM, DESC)");
  REQUIRE(sorted.series.size() == 2);
  CHECK(sorted.series[0].label == "Requests");
  CHECK(f.Ok("SORT(REMOVE_EMPTY(METRICS()), MAX, ASC)").series[0].label == "Errors");
  CHECK(f.Ok("SORT(METRICS(), AVG, DESC, 1)").series.size() == 1);
  CHECK(f.Ok("FIRST(SORT(REMOVE_EMPTY(METRICS()), SUM, ASC))").series[0].label == "Errors");
  CHECK(f.Ok("LAST(SORT(REMOVE_EMPTY(METRICS()), SUM, ASC))").series[0].label == "Requests");
  CHECK(f.Ok("SLICE(METRICS(), 1, 3)").series.size() == 2);
  CHECK(f.Ok("SLICE(METRICS(), 2, 99)").series.size() == 1);
  CHECK(f.Ok("SLICE(METRICS(), 5, 1)").series.empty());
  CHECK_THAT(f.Error("SORT(METRICS(), MEDIAN, DESC)"), ContainsSubstring("SORT expects"));
}

TEST_CASE("Time functions, PERIOD and TIME_SERIES", "[metrics][math][eval]") {
  Fixture f;
  // kT0 is Tuesday 2023-11-14 22:14 UTC.
  CHECK(f.Points("MINUTE(m1)")[0].second == 14);
  CHECK(f.Points("HOUR(m1)")[0].second == 22);
  CHECK(f.Points("DAY(m1)")[0].second == 2);
  CHECK(f.Points("DATE(m1)")[0].second == 14);
  CHECK(f.Points("MONTH(m1)")[0].second == 11);
  CHECK(f.Points("YEAR(m1)")[0].second == 2023);
  CHECK(f.Points("EPOCH(m1)")[0].second == 1'700'000'040);
  CHECK(f.Scalar("PERIOD(m1)") == 60);
  CHECK(f.Points("TIME_SERIES(7)") == P{{0, 7}, {1, 7}, {2, 7}, {3, 7}, {4, 7}});
  CHECK(f.Points("m1 / PERIOD(m1)")[0].second == Approx(1.0 / 60));
}

TEST_CASE("Unknown and excepted functions are syntax errors", "[metrics][math][eval]") {
  Fixture f;
  auto r = f.Run("ANOMALY_DETECTION_BAND(m1, 2)");
  REQUIRE(std::holds_alternative<mm::EvalError>(r));
  CHECK(std::get<mm::EvalError>(r).kind == mm::EvalError::Kind::kSyntax);
  CHECK_THAT(std::get<mm::EvalError>(r).message, ContainsSubstring("not supported"));
  CHECK_THAT(f.Error("INSIGHT_RULE_METRIC('rule', 'Sum')"), ContainsSubstring("not supported"));
  CHECK_THAT(f.Error("NOPE(m1)"), ContainsSubstring("Unrecognized function 'NOPE'"));
  CHECK_THAT(f.Error("ABS(m1, m2)"), ContainsSubstring("number of arguments"));
  CHECK_THAT(f.Error("DIFF(3)"), ContainsSubstring("expects a time series"));
}

TEST_CASE("SEARCH matches schema, key=value, words, OR and NOT", "[metrics][math][search]") {
  Fixture f;
  f.source.Add({"App", "Latency", {{"Host", "a"}}}, {{0, 1}, {1, 3}});
  f.source.Add({"App", "Latency", {{"Host", "b"}}}, {{0, 5}});
  f.source.Add({"App", "Latency", {{"Host", "c"}, {"Zone", "z1"}}}, {{0, 9}});
  f.source.Add({"App", "Errors", {{"Host", "a"}}}, {{0, 2}});
  f.source.Add({"Other", "Latency", {{"Host", "a"}}}, {{0, 100}});
  auto count = [&](const std::string& q) {
    return f.Ok("SEARCH('" + q + "', 'Average', 60)").series.size();
  };
  CHECK(count("{App,Host} MetricName=\"Latency\"") == 2);
  CHECK(count("{App,Host,Zone}") == 1);
  CHECK(count("Latency") == 4);
  CHECK(count("Latency NOT Host=\"b\"") == 3);
  CHECK(count("Namespace=\"App\" (Errors OR Zone=z1)") == 2);
  CHECK(count("{App,Host} latency") == 2);  // partial, case-insensitive
  Value v = f.Ok("SEARCH('{App,Host} MetricName=\"Latency\" Host=\"a\"', 'Sum', 120)");
  REQUIRE(v.series.size() == 1);
  CHECK(Fixture::PointsOf(v.series[0]) == P{{0, 4}});
  CHECK(v.series[0].label == "Latency a");
  Value summed = f.Ok("SUM(SEARCH('{App,Host} MetricName=\"Latency\"', 'Maximum', 60))");
  CHECK(Fixture::PointsOf(summed.series[0]) == P{{0, 6}, {1, 3}});
  CHECK_THAT(f.Error("SEARCH('{App', 'Sum', 60)"), ContainsSubstring("Invalid SEARCH"));
  CHECK_THAT(f.Error("SEARCH('x', 'p99', 60)"), ContainsSubstring("statistic"));
  CHECK_THAT(f.Error("SEARCH('x', 'Sum', 61)"), ContainsSubstring("multiple of 60"));
  f.options.max_search_metrics = 2;
  CHECK_THAT(f.Error("SEARCH('Latency', 'Sum', 60)"), ContainsSubstring("more than 2"));
}

TEST_CASE("Metrics Insights groups, filters, orders and limits", "[metrics][math][insights]") {
  FakeSource source;
  source.Add({"App", "Cpu", {{"Host", "a"}, {"Zone", "z1"}}}, {{0, 10}, {1, 20}});
  source.Add({"App", "Cpu", {{"Host", "b"}, {"Zone", "z1"}}}, {{0, 30}});
  source.Add({"App", "Cpu", {{"Host", "c"}, {"Zone", "z2"}}}, {{0, 50}, {1, 70}});
  source.Add({"App", "Cpu", {{"Host", "d"}}}, {{0, 1000}});
  source.Add({"App", "Mem", {{"Host", "a"}, {"Zone", "z1"}}}, {{0, 5}});
  auto run = [&](const std::string& q) {
    mm::ParseError pe;
    auto parsed = mm::ParseInsightsQuery(q, &pe);
    if (!parsed) FAIL(q << ": " << pe.message);
    mm::EvalError e;
    auto out = mm::RunInsightsQuery(*parsed, kMin, Options(), source, &e);
    if (!out) FAIL(q << ": " << e.message);
    return *out;
  };
  auto rows = run("SELECT AVG(Cpu) FROM SCHEMA(App, Host, Zone) GROUP BY Zone");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].label == "z1");
  CHECK(Fixture::PointsOf(rows[0]) == P{{0, 20}, {1, 20}});
  CHECK(Fixture::PointsOf(rows[1]) == P{{0, 50}, {1, 70}});
  rows = run("select sum(Cpu) from App group by Zone order by sum() desc limit 2");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].label == "Other");  // Host d has no Zone
  CHECK(rows[1].label == "z2");
  rows = run("SELECT MAX(Cpu) FROM \"App\" WHERE Zone = 'z1' AND Host != 'b'");
  REQUIRE(rows.size() == 1);
  CHECK(Fixture::PointsOf(rows[0]) == P{{0, 10}, {1, 20}});
  rows =
      run("SELECT COUNT(Cpu) FROM App WHERE Host = 'a' OR Host = 'c' GROUP BY Host, Zone "
          "ORDER BY MIN() ASC");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].label == "a z1");
  CHECK(Fixture::PointsOf(rows[1]) == P{{0, 1}, {1, 1}});
  rows = run("SELECT MIN(Cpu) FROM SCHEMA(App, Host)");
  REQUIRE(rows.size() == 1);
  CHECK(Fixture::PointsOf(rows[0]) == P{{0, 1000}});
  mm::ParseError pe;
  CHECK_FALSE(mm::ParseInsightsQuery("SELECT P99(Cpu) FROM App", &pe));
  CHECK_FALSE(mm::ParseInsightsQuery("SELECT AVG(Cpu) App", &pe));
  CHECK_FALSE(mm::ParseInsightsQuery("SELECT AVG(Cpu) FROM App WHERE Host 'a'", &pe));
  CHECK_FALSE(mm::ParseInsightsQuery("SELECT AVG(Cpu) FROM App LIMIT 0", &pe));
  CHECK(mm::IsInsightsQuery("  select AVG(x) FROM y"));
  CHECK_FALSE(mm::IsInsightsQuery("SELECTED(m1)"));
}

TEST_CASE("Expression queries: references, cycles, labels and limits", "[metrics][math][queries]") {
  FakeSource source;
  std::map<std::string, Series> metrics = {{"m1", MakeSeries("Errors", {{0, 1}, {1, 2}})},
                                           {"m2", MakeSeries("Requests", {{0, 10}, {1, 40}})}};
  std::vector<mm::ExpressionQuery> queries = {
      {"e1", "m1 / m2 * 100", "Error rate", std::nullopt, true, "q.3"},
      {"e2", "e1 * 2", std::nullopt, std::nullopt, false, "q.4"},
      {"e3", "[e2, m1]", "x", std::nullopt, true, "q.5"},
  };
  CHECK_FALSE(mm::ValidateExpressionQueries(queries, {"m1", "m2"}));
  auto out = mm::EvaluateExpressionQueries(queries, metrics, Options(), source);
  REQUIRE(std::holds_alternative<std::map<std::string, std::vector<mm::MathResult>>>(out));
  auto& results = std::get<0>(out);
  CHECK_FALSE(results.contains("e2"));  // ReturnData false
  REQUIRE(results["e1"].size() == 1);
  CHECK(results["e1"][0].label == "Error rate");
  CHECK(results["e1"][0].values == std::vector<double>{10, 5});
  REQUIRE(results["e3"].size() == 2);
  CHECK(results["e3"][0].label == "x e2");
  CHECK(results["e3"][0].values == std::vector<double>{20, 10});
  CHECK(results["e3"][1].label == "x Errors");

  auto err = mm::ValidateExpressionQueries(
      {{"e1", "e2 + 1", {}, {}, true, ""}, {"e2", "e1 * 2", {}, {}, true, ""}}, {"m1"});
  REQUIRE(err);
  CHECK(err->type == "ValidationError");
  CHECK_THAT(err->message, ContainsSubstring("Circular"));
  err = mm::ValidateExpressionQueries({{"e1", "m1 +", {}, {}, true, ""}}, {"m1"});
  REQUIRE(err);
  CHECK_THAT(err->message, ContainsSubstring("Error in expression 'e1'"));
  err = mm::ValidateExpressionQueries({{"e1", "SELECT AVG(x) FROM y", {}, {}, true, ""}}, {});
  REQUIRE(err);
  CHECK_THAT(err->message, ContainsSubstring("Period"));
  err = mm::ValidateExpressionQueries({{"e1", "SELECT AVG(x) FROM y", {}, 60, true, ""},
                                       {"e2", "SELECT SUM(x) FROM y", {}, 60, true, ""}},
                                      {});
  REQUIRE(err);
  CHECK_THAT(err->message, ContainsSubstring("Only one"));
  // A scalar cannot be returned.
  auto scalar = mm::EvaluateExpressionQueries({{"e1", "SUM(m1)", {}, {}, true, ""}}, metrics,
                                              Options(), source);
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(scalar));
  // A limit hit is a result with StatusCode InternalError, not a failed request.
  auto opts = Options(60 * 24 * 400);
  opts.max_points = 1000;
  auto limited = mm::EvaluateExpressionQueries({{"e1", "FILL(m1, 0)", {}, {}, true, ""}}, metrics,
                                               opts, source);
  REQUIRE(std::holds_alternative<std::map<std::string, std::vector<mm::MathResult>>>(limited));
  auto& r = std::get<0>(limited)["e1"];
  REQUIRE(r.size() == 1);
  CHECK(r[0].status_code == "InternalError");
  CHECK(r[0].message.has_value());
}
