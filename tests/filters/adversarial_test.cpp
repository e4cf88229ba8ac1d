// Hostile patterns and messages: every one must give a clear error or a correct answer,
// never a crash or a hang (these run under ASan/UBSan too).
#include <string>

#include "filters/filter_pattern.h"
#include "tests/catch2.h"

namespace {

using cwlogd::filters::ExtractedValues;
using cwlogd::filters::ParseError;
using cwlogd::filters::ParseFilterPattern;

std::optional<cwlogd::filters::FilterPattern> Parse(const std::string& text) {
  ParseError err;
  auto p = ParseFilterPattern(text, &err);
  if (!p) CHECK_FALSE(err.message.empty());
  return p;
}

}  // namespace

TEST_CASE("Deeply nested JSON patterns are rejected, not recursed into", "[filters][adversarial]") {
  for (int depth : {33, 100, 500}) {
    const std::string text =
        "{" + std::string(depth, '(') + "$.a=1" + std::string(depth, ')') + "}";
    INFO("depth " << depth);
    CHECK_FALSE(Parse(text).has_value());
  }
  // Unbalanced and garbage variants.
  CHECK_FALSE(Parse("{" + std::string(600, '(') + "}").has_value());
  CHECK_FALSE(Parse("{" + std::string(600, ')') + "}").has_value());
  CHECK_FALSE(Parse("{" + std::string(1000, '$') + "}").has_value());
}

TEST_CASE("Patterns with hundreds or thousands of terms", "[filters][adversarial]") {
  std::string many;
  for (int i = 0; i < 340; ++i) many += "t" + std::to_string(i % 10) + " ";  // 1020 chars
  auto p = Parse(many);
  REQUIRE(p.has_value());
  CHECK(p->Matches("t0 t1 t2 t3 t4 t5 t6 t7 t8 t9"));
  CHECK_FALSE(p->Matches("t0 t1"));
  std::string thousands;
  for (int i = 0; i < 5000; ++i) thousands += "?t ";
  CHECK_FALSE(Parse(thousands).has_value());  // over 1024 characters: a clear error
  std::string excluded;
  for (int i = 0; i < 300; ++i) excluded += "-x ";
  REQUIRE(Parse(excluded).has_value());
  CHECK(Parse(excluded)->Matches(std::string(1 << 20, 'a')));
}

TEST_CASE("Huge quoted strings and values", "[filters][adversarial]") {
  CHECK_FALSE(Parse("\"" + std::string(100000, 'x') + "\"").has_value());
  auto p = Parse("\"" + std::string(1022, 'x') + "\"");
  REQUIRE(p.has_value());
  CHECK(p->Matches(std::string(5000, 'x')));
  CHECK_FALSE(p->Matches(std::string(1021, 'x')));
  CHECK_FALSE(Parse("{ $.a = \"" + std::string(100000, 'x') + "\" }").has_value());
  CHECK_FALSE(Parse("\"" + std::string(1000, '\\')).has_value());
  // 1024 quote characters: `""` glued to the next `"` is a malformed term, like `"ab"cd`.
  CHECK_FALSE(Parse(std::string(1024, '"')).has_value());
  std::string empties;
  for (int i = 0; i < 300; ++i) empties += "\"\" ";
  REQUIRE(Parse(empties).has_value());
  CHECK(Parse(empties)->kind() == cwlogd::filters::PatternKind::kMatchAll);
}

TEST_CASE("Regexes cannot blow up: RE2 is linear and repetition is bounded",
          "[filters][adversarial]") {
  auto p = Parse("%a*a*a*a*a*a*a*a*a*a*b%");
  REQUIRE(p.has_value());
  CHECK_FALSE(p->Matches(std::string(1 << 20, 'a')));
  CHECK_FALSE(Parse("%a{1000}{1000}%").has_value());
  CHECK_FALSE(Parse("%a{99999}%").has_value());
  // Large programs are refused quickly (compiling them would take seconds).
  std::string big = "%";
  for (int i = 0; i < 60; ++i) big += "\\w{1,999}";
  big += "%";
  CHECK_FALSE(Parse(big).has_value());
  CHECK(Parse("%\\w{1,500}\\d{0,500}%").has_value());
  CHECK_FALSE(Parse("%\\w{1,500}\\d{0,501}%").has_value());
  std::string dots = "%";
  for (int i = 0; i < 100; ++i) dots += ".{10}";
  dots += "%";
  auto q = Parse(dots);
  REQUIRE(q.has_value());
  CHECK(q->Matches(std::string(2000, 'a')));
  CHECK_FALSE(q->Matches(std::string(999, 'a')));
  CHECK_FALSE(Parse("%" + std::string(500, '[') + "%").has_value());
  CHECK_FALSE(Parse("%\\%").has_value());
  CHECK_FALSE(Parse("%\\x%").has_value());
  CHECK_FALSE(Parse("%\\x4%").has_value());
}

TEST_CASE("Invalid UTF-8 messages get a correct answer for every kind", "[filters][adversarial]") {
  const std::string bad = "\xff\xfe\xc3 ERROR \x80\xbf [x y] \"q\" {\"a\":1}";
  CHECK(Parse("ERROR")->Matches(bad));
  CHECK(Parse("%ERR.R%")->Matches(bad));
  CHECK_FALSE(Parse("{ $.a = 1 }")->Matches(bad));
  ExtractedValues v;
  REQUIRE(Parse("[...]")->Match(bad, &v));
  CHECK(v.size() == 6);
  CHECK(Parse("[a, b, ...]")->Matches("\xff \xfe"));
}

TEST_CASE("One-megabyte messages", "[filters][adversarial]") {
  std::string line(1 << 20, 'x');
  line[line.size() / 2] = ' ';
  CHECK(Parse("xxx")->Matches(line));
  CHECK_FALSE(Parse("ERROR")->Matches(line));
  CHECK(Parse("%x$%")->Matches(line));
  CHECK(Parse("[a, b]")->Matches(line));
  CHECK_FALSE(Parse("[a]")->Matches(line));
  std::string spaces(1 << 20, ' ');
  CHECK(Parse("[...]")->Matches(spaces));
  std::string fields;
  for (int i = 0; i < (1 << 19); ++i) fields += "a ";
  ExtractedValues v;
  REQUIRE(Parse("[first, ..., last]")->Match(fields, &v));
  CHECK(v.size() == (1u << 19));
  CHECK(v.front() == std::pair<std::string, std::string>{"$first", "a"});
  CHECK(v.back() == std::pair<std::string, std::string>{"$last", "a"});
  std::string json = "{\"a\":\"" + std::string(1 << 20, 'y') + "\",\"b\":1}";
  CHECK(Parse("{ $.b = 1 && $.a = y* }")->Matches(json));
  CHECK(Parse("{ $.b = 1 }")->Matches("{\"b\":1}"));  // the cached parser still works after
}

TEST_CASE("JSON events with 10,000 keys and 100,000 levels", "[filters][adversarial]") {
  std::string wide = "{";
  for (int i = 0; i < 10000; ++i) {
    if (i > 0) wide += ",";
    wide += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  }
  wide += "}";
  CHECK(Parse("{ $.k9999 = 9999 }")->Matches(wide));
  CHECK(Parse("{ $.* = 9999 }")->Matches(wide));
  CHECK_FALSE(Parse("{ $.* > 10000 }")->Matches(wide));
  CHECK(Parse("{ $.k10000 NOT EXISTS }")->Matches(wide));

  const int depth = 100000;
  std::string deep_obj;
  for (int i = 0; i < depth; ++i) deep_obj += "{\"a\":";
  deep_obj += "1";
  deep_obj += std::string(depth, '}');
  CHECK_FALSE(Parse("{ $.a.a = 1 }")->Matches(deep_obj));  // too deep for the parser: no match
  CHECK_FALSE(Parse("{ $.a NOT EXISTS }")->Matches(deep_obj));
  std::string deep_arr = "{\"a\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  CHECK_FALSE(Parse("{ $.a[0] NOT EXISTS }")->Matches(deep_arr));
  std::string unclosed = "{\"a\":" + std::string(depth, '[');
  CHECK_FALSE(Parse("{ $.a NOT EXISTS }")->Matches(unclosed));
  // Within the parser's depth limit, a long selector resolves.
  std::string ok_obj;
  std::string sel = "$";
  for (int i = 0; i < 200; ++i) ok_obj += "{\"a\":", sel += ".a";
  ok_obj += "7" + std::string(200, '}');
  CHECK(Parse("{ " + sel + " = 7 }")->Matches(ok_obj));
}
