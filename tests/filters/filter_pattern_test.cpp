// Our own cases for what filter-pattern-cases.jsonl does not cover: classification, AWS error
// texts and offsets, limits, regex translation, JSON and space-delimited details, threads.
#include "filters/filter_pattern.h"

#include <string>
#include <thread>
#include <vector>

#include "tests/catch2.h"
#include "tests/filters/test_util.h"

namespace {

using cwlogd::filters::ExtractedValues;
using cwlogd::filters::FilterPattern;
using cwlogd::filters::ParseError;
using cwlogd::filters::ParseFilterPattern;
using cwlogd::filters::PatternKind;
using cwlogd::filters::testing::MustParse;

ParseError MustFail(const std::string& text) {
  ParseError err;
  auto p = ParseFilterPattern(text, &err);
  INFO("pattern `" << text << "`");
  REQUIRE_FALSE(p.has_value());
  REQUIRE_FALSE(err.message.empty());
  return err;
}

bool M(const std::string& pattern, const std::string& message) {
  return MustParse(pattern).Matches(message);
}

}  // namespace

TEST_CASE("ParseFilterPattern classifies patterns by their first character", "[filters]") {
  auto [text, kind] = GENERATE(table<std::string, PatternKind>({
      {"", PatternKind::kMatchAll},
      {" \t ", PatternKind::kMatchAll},
      {"\"\"", PatternKind::kMatchAll},
      {"\" \" \"\"", PatternKind::kMatchAll},
      {"ERROR", PatternKind::kTerms},
      {"?a ?b", PatternKind::kTerms},
      {"\"[ERROR]\"", PatternKind::kTerms},
      {"%ab+c%", PatternKind::kRegex},
      {"  %x%  ", PatternKind::kRegex},
      {"{ $.a = 1 }", PatternKind::kJson},
      {"[a, b]", PatternKind::kSpaceDelimited},
      {"[]", PatternKind::kSpaceDelimited},
  }));
  INFO("pattern `" << text << "`");
  CHECK(MustParse(text).kind() == kind);
  CHECK(MustParse(text).text() == text);
}

TEST_CASE("Invalid term patterns get AWS's message and the offset of the term", "[filters]") {
  auto [text, message, offset] = GENERATE(table<std::string, std::string, std::size_t>({
      {"/api", "Invalid character(s) in term '/api'", 0},
      {"ERROR /api/v1", "Invalid character(s) in term '/api/v1'", 6},
      {"  user@example.com", "Invalid character(s) in term 'user@example.com'", 2},
      {"ERROR:", "Invalid character(s) in term 'ERROR:'", 0},
      {"a -b-c", "Invalid character(s) in term '-b-c'", 2},
      {"-", "Invalid character(s) in term '-'", 0},
      {"?", "Invalid character(s) in term '?'", 0},
      {"\xE2\x80\x9C"
       "ERROR"
       "\xE2\x80\x9D",
       "Invalid character(s) in term '?ERROR?'", 0},
      {"\"unterminated phrase", "Invalid character(s) in term '\"unterminated phrase'", 0},
      {"\"ab\"cd", "Invalid character(s) in term '\"ab\"cd'", 0},
      {"ERROR }", "Invalid character(s) in term '}'", 6},
      {"%abc", "Invalid character(s) in term '%abc'", 0},
      {"%a% %b%", "Invalid character(s) in term '%a% %b%'", 2},
      {"%something!%", "Invalid character(s) in term '%something!%'", 0},
      {"%(a|b)%", "Invalid character(s) in term '%(a|b)%'", 0},
      {"%\\q%", "Invalid character(s) in term '%\\q%'", 0},
      {"%caf\xC3\xA9%", "Invalid character(s) in term '%caf?%'", 0},
  }));
  const ParseError err = MustFail(text);
  CHECK(err.message == message);
  CHECK(err.offset == offset);
}

TEST_CASE("JSON and space-delimited patterns must be closed", "[filters]") {
  CHECK(MustFail("{ $.a = 1").message ==
        "If a filter pattern starts with '{' it must end with '}'");
  CHECK(MustFail("{").message == "If a filter pattern starts with '{' it must end with '}'");
  CHECK(MustFail("[a, b").message == "If a filter pattern starts with '[' it must end with ']'");
}

TEST_CASE("Grammar errors in JSON and space-delimited patterns say Invalid filter pattern",
          "[filters]") {
  auto text = GENERATE(
      as<std::string>{}, "{}", "{ }", "{ $.a }", "{ $.a == 1 }", "{ $.a = 1 $.b = 2 }",
      "{ ($.a = 1 }", "{ $.a = 1 && }", "{ a = 1 }", "{ $.a. = 1 }", "{ $.a[x] = 1 }",
      "{ $.a[1 = 1 }", "{ $.x IS NOT NULL }", "{ $.x IS }", "{ $.x EXISTS }", "{ $.x NOT NULL }",
      "{ $.a > abc }", "{ $.a > \"1\" }", "{ $.a < %x% }", "{ $.a = \"open }", "{ $.a = %open }",
      "{ $.a[*].b[*] = 1 }", "{ $.a = %[abc% }", "{ $.a = %x{a}% }", "[a b]", "[a, , b c]",
      "[..., ...]", "[... = 1]", "[a = 1 && b = 2]", "[a = 1 || b = 2]", "[a = ]", "[=1]",
      "[a > x]", "[a = %*x%]", "[a=%x%, b=%y%, c=%z%]");
  const ParseError err = MustFail(text);
  INFO("pattern `" << text << "` detail: " << err.detail);
  CHECK(err.message.rfind("Invalid", 0) == 0);
  CHECK_FALSE(err.detail.empty());
}

TEST_CASE("A pattern has at most 1024 characters, counted as characters not bytes", "[filters]") {
  CHECK(MustParse(std::string(1024, 'a')).Matches(std::string(1024, 'a')));
  MustFail(std::string(1025, 'a'));
  std::string accented = "\"";
  for (int i = 0; i < 1022; ++i) accented += "\xC3\xA9";  // 1022 x 'é' = 2044 bytes
  accented += "\"";
  CHECK(MustParse(accented).kind() == PatternKind::kTerms);
  MustFail(accented + " a");
}

TEST_CASE("Term patterns: substring, case, escapes, optional and excluded terms", "[filters]") {
  CHECK(M("ERROR", "xxERRORxx"));
  CHECK(M("a b c", "c b a"));
  CHECK_FALSE(M("a b c", "a b"));
  CHECK(M("\"a\\\\b\"", "x a\\b y"));
  CHECK(M("\"tab\there\"", "a tab\there"));
  CHECK(M("?x ?y ?z", "only z"));
  CHECK_FALSE(M("?x ?y ?z", "none"));
  CHECK(M("-x -y", "abc"));
  CHECK_FALSE(M("-x -y", "has y"));
  CHECK(M("-\"\"", "anything"));  // an empty quoted term is dropped
  CHECK(M("\"ERROR\"\t\"x\"", "ERROR x"));
  CHECK(M("\"\xE6\x97\xA5\"", "\xE6\x97\xA5"));
  CHECK(M("a", std::string("a\0b", 3)));
  CHECK(M("b", std::string("a\0b", 3)));
  CHECK(M("ab",
          "\xff\xfe"
          "ab\x80"));  // invalid UTF-8 in the message is just bytes
  CHECK_FALSE(M("ERRORX", "ERROR"));
  // Needles longer than 16 bytes and hits at every alignment of the SIMD blocks.
  const std::string needle = "abcdefghijklmnopqrstuvwxyz";
  for (std::size_t pad = 0; pad < 40; ++pad) {
    INFO("pad " << pad);
    CHECK(M("\"" + needle + "\"", std::string(pad, 'a') + needle + std::string(pad, 'z')));
    CHECK_FALSE(M("\"" + needle + "\"", std::string(pad, 'a') + needle.substr(0, 25) + "Z"));
  }
}

TEST_CASE("Regex patterns are translated faithfully to RE2", "[filters]") {
  CHECK(M("%a{,2}b%", "b"));
  CHECK(M("%^a{,2}b$%", "aab"));
  CHECK_FALSE(M("%^a{,2}b$%", "aaab"));
  CHECK(M("%^a{2,}$%", "aaaa"));
  CHECK(M("%^a{2}$%", "aa"));
  CHECK(M("%\\x28%", "f(x)"));
  CHECK(M("%\\x3a%", "a:b"));
  CHECK(M("%\\%%", "100%"));
  CHECK(M("%a\\.b%", "a.b"));
  CHECK_FALSE(M("%a\\.b%", "axb"));
  CHECK(M("%[^a-c]%", "abcd"));
  CHECK_FALSE(M("%[^a-c]%", "abc"));
  CHECK(M("%[.]%", "a.b"));
  CHECK_FALSE(M("%[.]%", "ab"));
  CHECK(M("%[a\\]]%", "]"));
  CHECK(M("%x]%", "x]"));
  CHECK(M("%:_#=@/;,-%", "x:_#=@/;,-y"));
  CHECK(M("%a.b%", "a\nb"));  // '.' is any character, newline included
  CHECK(M("%\\W%", "a b"));
  CHECK(M("%\\S+%", "x"));
  CHECK(M("%\\D%", "1a"));
  CHECK(M("%^$%", ""));
  CHECK_FALSE(M("%^$%", "x"));
  CHECK(M("%a|%", "zzz"));  // an empty branch matches everywhere
  CHECK(MustParse("%x%").regex_count() == 1);
}

TEST_CASE("JSON patterns: selectors, wildcards and value kinds", "[filters]") {
  const std::string ev =
      R"({"a":{"b":[{"c":1},{"c":"two"}],"n":null,"t":true,"f":false,"num":404,"d":2.5,)"
      R"("big":18446744073709551615,"neg":-3,"s":"v","k.x":"dot","e":""},"top":"x"})";
  CHECK(M("{ $.a.b[0].c = 1 }", ev));
  CHECK(M("{ $.a.b[1].c = two }", ev));
  CHECK(M("{ $.a.b[*].c = \"two\" }", ev));
  CHECK(M("{ $.a.b[*].c > 0 }", ev));
  CHECK_FALSE(M("{ $.a.b[*].c > 1 }", ev));
  CHECK(M("{ $.a.* = \"dot\" }", ev));
  CHECK(M("{ $.a[*] = \"dot\" }", ev));
  CHECK(M("{ $.a.['k.x'] = dot }", ev));
  CHECK(M("{ $.a[\"k.x\"] = dot }", ev));
  CHECK(M("{ $['top'] = x }", ev));
  CHECK(M("{ $.a.n IS NULL }", ev));
  CHECK(M("{ $.a.n is null }", ev));  // keywords are case-insensitive (decision)
  CHECK_FALSE(M("{ $.a.n = * }", ev));
  CHECK_FALSE(M("{ $.a.n != x }", ev));
  CHECK(M("{ $.a.t IS TRUE && $.a.f IS FALSE }", ev));
  CHECK(M("{ $.a.t = true }", ev));
  CHECK_FALSE(M("{ $.a.t > 0 }", ev));
  CHECK(M("{ $.a.num = 4* }", ev));  // wildcard string comparison on a number's text
  CHECK(M("{ $.a.num = %^40% }", ev));
  CHECK(M("{ $.a.d = 2.50 }", ev));
  CHECK(M("{ $.a.d = \"2.5\" }", ev));
  CHECK(M("{ $.a.big > 1e19 }", ev));
  CHECK(M("{ $.a.neg < -2.5 && $.a.neg >= -3 }", ev));
  CHECK(M("{ $.a.neg = +-3 || $.a.neg = -3 }", ev));
  CHECK(M("{ $.a.e = \"\" }", ev));
  CHECK(M("{ $.a.e = * }", ev));
  CHECK(M("{ $.a.s != \"w\" }", ev));
  CHECK_FALSE(M("{ $.a.missing != \"w\" }", ev));
  CHECK(M("{ $.a.missing NOT EXISTS && $.a.n NOT  EXISTS || $.top = x }", ev));
  CHECK_FALSE(M("{ $.a.n NOT EXISTS }", ev));  // present with null: exists
  CHECK_FALSE(M("{ $.a.b = * }", ev));         // arrays fail every comparison
  CHECK_FALSE(M("{ $.a.b[9].c = 1 }", ev));
  CHECK(M("{ $.a.b[*].zz NOT EXISTS }", ev));
  CHECK(M("{(((($.top = x))))}", ev));
  CHECK(M("{ $.top = x || $.nope = 1 && $.nope2 = 2 }", ev));  // && binds tighter
  CHECK_FALSE(M("{ ($.top = x || $.nope = 1) && $.nope2 = 2 }", ev));
  // Messages that are not a JSON object never match.
  CHECK_FALSE(M("{ $.a = 1 }", "[1,2]"));
  CHECK_FALSE(M("{ $.a = 1 }", "{\"a\": 1"));
  CHECK_FALSE(M("{ $.a = 1 }", "prefix {\"a\": 1}"));
  CHECK(M("{ $.a = 1 }", "  {\"a\": 1}  "));
  CHECK_FALSE(M("{ $.a = \"x\" }", "{\"a\": \"\xff\"}"));  // invalid UTF-8: not JSON
  CHECK(M("{ $.a = 1 }", R"({"a": 1, "a": 2})"));          // duplicate keys: the first
  CHECK(M(R"({ $.a = "say \"hi\"" })", R"({"a": "say \"hi\""})"));
  CHECK(M(R"({ $.a = "日本*" })", R"({"a": "日本語"})"));
}

TEST_CASE("JSON patterns enforce the regex, wildcard and nesting limits", "[filters]") {
  CHECK(MustParse("{ $.a = %x% || $.b = %y% }").regex_count() == 2);
  MustFail("{ $.a = %x% || $.b = %y% || $.c = %z% }");
  MustParse("{ $.a[*] = 1 || $.b.* = 1 || $.c[*].d = 1 }");
  MustFail("{ $.a[*] = 1 || $.b.* = 1 || $.c[*].d = 1 || $.e.* = 1 }");
  MustFail("{ $.*.* = 1 }");
  const int depth = cwlogd::filters::kMaxNestingDepth;
  MustParse("{" + std::string(depth, '(') + "$.a = 1" + std::string(depth, ')') + "}");
  MustFail("{" + std::string(depth + 1, '(') + "$.a = 1" + std::string(depth + 1, ')') + "}");
}

TEST_CASE("Space-delimited patterns: event fields, ellipsis and extracted values", "[filters]") {
  ExtractedValues v;
  auto p = MustParse("[a, ..., y, z]");
  REQUIRE(p.Match("1 2 3 4 5", &v));
  CHECK(v == ExtractedValues{{"$a", "1"}, {"$2", "2"}, {"$3", "3"}, {"$y", "4"}, {"$z", "5"}});
  REQUIRE(p.Match("1 4 5", &v));
  CHECK(v == ExtractedValues{{"$a", "1"}, {"$y", "4"}, {"$z", "5"}});
  CHECK_FALSE(p.Match("1 4", &v));
  CHECK(v.empty());

  p = MustParse("[...]");
  REQUIRE(p.Match("", &v));
  CHECK(v.empty());
  REQUIRE(p.Match("  x  \"y z\" [w] ", &v));
  CHECK(v == ExtractedValues{{"$1", "x"}, {"$2", "y z"}, {"$3", "w"}});

  p = MustParse("[a,,c]");
  REQUIRE(p.Match("1 2 3", &v));
  CHECK(v == ExtractedValues{{"$a", "1"}, {"$2", "2"}, {"$c", "3"}});

  p = MustParse("[]");
  REQUIRE(p.Match("1 2", &v));
  CHECK(v == ExtractedValues{{"$1", "1"}, {"$2", "2"}});

  // Quoted and bracketed fields; an unterminated quote is ordinary text.
  p = MustParse("[a, b, c]");
  REQUIRE(p.Match("\"x y\" [1 2] \"open", &v));
  CHECK(v == ExtractedValues{{"$a", "x y"}, {"$b", "1 2"}, {"$c", "\"open"}});
  CHECK_FALSE(p.Matches("a\tb c"));  // tabs do not separate fields (decision)
  CHECK(p.Matches("a\tb c d"));

  CHECK(M("[a = 1.0]", "1"));
  CHECK(M("[a = 1]", "1e0"));
  CHECK(M("[a != 1]", "x"));
  CHECK_FALSE(M("[a > 1]", "x"));
  CHECK(M("[a = \"*\"]", "anything"));
  CHECK(M("[a = *x*]", "axb"));
  CHECK(M("[a = %^x%]", "xa"));
  CHECK(M("[a != %^x%]", "ax"));
  CHECK(M("[a = x || a = y && a = z, b]", "x 1"));
  CHECK_FALSE(M("[a = y && a = z || a = w, b]", "y 1"));
  CHECK(M("[ a = x , b ]", "x 1"));
  CHECK(MustParse("[a = %x%, b = %y%]").regex_count() == 2);
}

TEST_CASE("A FilterPattern is cheap to copy and matches from many threads at once",
          "[filters][concurrency]") {
  const auto json = MustParse("{ $.n > 10 && $.s = \"a*\" }");
  const auto delim = MustParse("[x, y > 10, ...]");
  const auto terms = MustParse("ERROR -DEBUG");
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // The copy is what is tested: copies share the compiled pattern.
      const FilterPattern j = json;  // NOLINT(performance-unnecessary-copy-initialization)
      for (int i = 0; i < 20000; ++i) {
        const bool want = i % 2 == 0;
        const std::string n = std::to_string(want ? 11 + i : 10 - i % 10);
        if (j.Matches(R"({"n": )" + n + R"(, "s": "abc"})") != want) ++failures[t];
        if (delim.Matches("x " + n + " z w") != want) ++failures[t];
        if (terms.Matches(want ? "ERROR x" : "ERROR DEBUG") != want) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(4, 0));
}
