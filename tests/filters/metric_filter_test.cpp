// Metric filters: metricValue / dimension references, defaultValue, PutMetricFilter checks.
#include "filters/metric_filter.h"

#include "tests/catch2.h"

namespace {

using namespace cwlogd::filters;

FilterPattern P(const std::string& text) {
  ParseError err;
  auto p = ParseFilterPattern(text, &err);
  REQUIRE(p.has_value());
  return *p;
}

MetricFilterEvaluator Eval(const std::string& pattern, const MetricTransformationSpec& spec) {
  ParseError err;
  auto e = MetricFilterEvaluator::Create(P(pattern), spec, &err);
  INFO(err.message);
  REQUIRE(e.has_value());
  return *e;
}

const char* kLine =
    "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 1534";

}  // namespace

TEST_CASE("Only JSON and space-delimited patterns support dimensions", "[filters][metric]") {
  CHECK(PatternSupportsDimensions(PatternKind::kJson));
  CHECK(PatternSupportsDimensions(PatternKind::kSpaceDelimited));
  CHECK_FALSE(PatternSupportsDimensions(PatternKind::kTerms));
  CHECK_FALSE(PatternSupportsDimensions(PatternKind::kRegex));
  CHECK_FALSE(PatternSupportsDimensions(PatternKind::kMatchAll));
}

TEST_CASE("A JSON metricValue publishes the field's number", "[filters][metric]") {
  auto e = Eval("{ $.latency = * }", {"$.latency", std::nullopt, {{"type", "$.requestType"}}});
  auto s = e.Evaluate(R"({"latency": 50, "requestType": "GET"})");
  REQUIRE(s.has_value());
  CHECK(s->value == 50);
  CHECK(s->dimensions == std::vector<std::pair<std::string, std::string>>{{"type", "GET"}});
  CHECK_FALSE(e.Evaluate(R"({"requestType": "GET"})").has_value());  // no match, no default
  CHECK_FALSE(e.Evaluate(R"({"latency": 5})").has_value());          // dimension missing
  CHECK_FALSE(e.Evaluate(R"({"latency": "slow", "requestType": "GET"})").has_value());
  auto str = e.Evaluate(R"({"latency": "7.5", "requestType": "GET"})");
  REQUIRE(str.has_value());
  CHECK(str->value == 7.5);
  auto arr = Eval("{ $.a[*].v > 1 }", {"$.a[1].v", std::nullopt, {}});
  REQUIRE(arr.Evaluate(R"({"a": [{"v": 1}, {"v": 3}]})").has_value());
  CHECK(arr.Evaluate(R"({"a": [{"v": 1}, {"v": 3}]})")->value == 3);
}

TEST_CASE("A space-delimited metricValue and dimensions use field names and positions",
          "[filters][metric]") {
  auto e = Eval("[ip, identity, user, timestamp, request, status_code, size]",
                {"$size", std::nullopt, {{"status", "$status_code"}, {"who", "$user"}}});
  auto s = e.Evaluate(kLine);
  REQUIRE(s.has_value());
  CHECK(s->value == 1534);
  CHECK(s->dimensions ==
        std::vector<std::pair<std::string, std::string>>{{"status", "200"}, {"who", "frank"}});

  auto pos = Eval("[ip, ...]", {"$7", std::nullopt, {{"code", "$6"}}});
  REQUIRE(pos.Evaluate(kLine).has_value());
  CHECK(pos.Evaluate(kLine)->value == 1534);
  CHECK(pos.Evaluate(kLine)->dimensions.at(0).second == "200");
  auto missing = Eval("[ip, ...]", {"$nope", std::nullopt, {}});
  CHECK_FALSE(missing.Evaluate(kLine).has_value());
}

// With "..." last, matching splits only the fields before it (unless a `$N` reference reaches
// past them): the same results as splitting the whole line.
TEST_CASE("Space-delimited metric filters ending in ... resolve like a full split",
          "[filters][metric]") {
  auto head = Eval("[ip, identity, user, ...]", {"1", std::nullopt, {{"who", "$user"}}});
  REQUIRE(head.Evaluate(kLine).has_value());
  CHECK(head.Evaluate(kLine)->dimensions.at(0).second == "frank");
  REQUIRE(head.Evaluate("1.2.3.4 - bob").has_value());  // exactly the fields before "..."
  CHECK(head.Evaluate("1.2.3.4 - bob")->dimensions.at(0).second == "bob");
  CHECK_FALSE(head.Evaluate("1.2.3.4 -").has_value());  // one field short
  auto past = Eval("[ip, identity, user, ...]", {"$7", std::nullopt, {{"who", "$user"}}});
  REQUIRE(past.Evaluate(kLine).has_value());
  CHECK(past.Evaluate(kLine)->value == 1534);
  auto cond = Eval("[ip, identity, user = frank, ...]", {"$3", std::nullopt, {}});
  CHECK_FALSE(cond.Evaluate(kLine).has_value());  // $3 is the named field `user`: no number
  auto cond_count = Eval("[ip, identity, user = frank, ...]", {"1", std::nullopt, {}});
  CHECK(cond_count.Evaluate(kLine).has_value());
  CHECK_FALSE(cond_count.Evaluate("127.0.0.1 - bob 200 1534").has_value());
}

TEST_CASE("Constant metric values and defaultValue", "[filters][metric]") {
  auto e = Eval("ERROR", {"1", 0.0, {}});
  REQUIRE(e.Evaluate("ERROR x").has_value());
  CHECK(e.Evaluate("ERROR x")->value == 1);
  REQUIRE(e.Evaluate("INFO x").has_value());
  CHECK(e.Evaluate("INFO x")->value == 0);
  auto half = Eval("", {"0.5", std::nullopt, {}});
  CHECK(half.Evaluate("x")->value == 0.5);
  auto no_default = Eval("ERROR", {"-3", std::nullopt, {}});
  CHECK_FALSE(no_default.Evaluate("INFO").has_value());
  CHECK(no_default.Evaluate("ERROR")->value == -3);
  auto constant_dim = Eval("[a]", {"1", std::nullopt, {{"env", "prod"}}});
  CHECK(constant_dim.Evaluate("x")->dimensions.at(0).second == "prod");
}

TEST_CASE("PutMetricFilter-style validation with AWS's messages", "[filters][metric]") {
  ParseError err;
  CHECK_FALSE(MetricFilterEvaluator::Create(P("[a]"), {"1", 0.0, {{"d", "$a"}}}, &err));
  CHECK(err.message ==
        "Invalid metric transformation: dimensions and default value are mutually exclusive "
        "properties");
  CHECK_FALSE(MetricFilterEvaluator::Create(P("ERROR"), {"1", std::nullopt, {{"d", "$a"}}}, &err));
  CHECK(err.message == "The specified filter pattern does not support dimensions");
  CHECK_FALSE(MetricFilterEvaluator::Create(
      P("[a]"), {"1", std::nullopt, {{"a", "$a"}, {"b", "$a"}, {"c", "$a"}, {"d", "$a"}}}, &err));
  CHECK_FALSE(MetricFilterEvaluator::Create(P("[a]"), {"abc", std::nullopt, {}}, &err));
  CHECK_FALSE(MetricFilterEvaluator::Create(P("[a]"), {"$", std::nullopt, {}}, &err));
  CHECK_FALSE(MetricFilterEvaluator::Create(P("[a]"), {"$.a[", std::nullopt, {}}, &err));
  CHECK_FALSE(MetricFilterEvaluator::Create(P("[a]"), {"$a b", std::nullopt, {}}, &err));
  CHECK(err.message.rfind("Invalid metric transformation", 0) == 0);
}

TEST_CASE("MatchAndResolve resolves references of the right kind only", "[filters][metric]") {
  ParseError err;
  std::vector<ValueReference> refs;
  for (const char* r : {"$.a", "$a", "2", "$.b.c"}) {
    auto ref = r[0] == '2' ? ValueReference::ParseMetricValue(r, &err)
                           : ValueReference::ParseDimensionValue(r, &err);
    REQUIRE(ref.has_value());
    refs.push_back(*ref);
  }
  std::vector<std::optional<ResolvedValue>> values;
  REQUIRE(MatchAndResolve(P("{ $.a = * }"), R"({"a": "x", "b": {"c": true}})", refs, &values));
  REQUIRE(values.size() == 4);
  CHECK(values[0]->text == "x");
  CHECK_FALSE(values[1].has_value());  // $a means nothing to a JSON pattern
  CHECK(values[2]->number == 2);
  CHECK(values[3]->text == "true");
  CHECK_FALSE(MatchAndResolve(P("{ $.a = * }"), R"({"b": 1})", refs, &values));
  REQUIRE(MatchAndResolve(P("ERROR"), "ERROR", refs, &values));
  CHECK_FALSE(values[0].has_value());
  CHECK(values[2]->number == 2);
}
