// Lexing and parsing: what compiles, and where the errors point.
#include <string>

#include "insights/lexer.h"
#include "insights/query.h"
#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

TEST_CASE("Queries of every documented shape compile", "[insights][parser]") {
  // Long queries are built with std::string so each element is visibly one query.
  const std::string queries[] = {
      "",
      "   ",
      "# only a comment",
      "fields @timestamp, @message",
      std::string("fields @timestamp, @message, abs(f3 - f4) as delta, concat(Operation, '-', "
                  "StatusCode) as ") +
          "opStatus",
      "filter (duration > 2000)",
      "filter f1 = 10 or f3 > 25",
      R"(filter statusCode like /2\d\d/)",
      R"(filter statusCode not like /2\d\d/)",
      "filter statusCode in [300, 400, 500]",
      R"(filter Type not in ["foo", "bar", 1])",
      R"(filter f1 like "Exception")",
      "filter f1 =~ /Exception/",
      "filter f1 like /(?i)exception/",
      "filter ispresent(errorCode) and not isempty(errorCode)",
      "stats count(*) as exceptionCount by bin(1h)",
      "stats avg(f1) by f2",
      "stats count(*), sum(bytes), min(latency), max(latency) by @logStream",
      "sort @timestamp desc",
      "sort f1 desc, f2 asc",
      "limit 25",
      R"(parse @message "[*] * The error was: *" as level, config, exception)",
      R"(parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/)",
      "fields @timestamp, server, severity, message | sort @timestamp desc | dedup server",
      "display loggingMessage",
      "fields `foo-bar`, @`aws.tag.aws:cloudformation:stack-name`",
      "fields a\n    # | filter x = 1\n| limit 5",
      "filter x = 'single' and y = \"double\"",
      "fields 2 ^ 3 as p, 10 % 3 as m, -x as n, (1 + 2) * 3 as q",
      std::string(
          "stats pct(latency, 99) as p99, stddev(latency), count_distinct(user), earliest(x), ") +
          "latest(x), sortsFirst(x), sortsLast(x), count(), count(x) by bin(5m)",
      std::string("fields datefloor(@timestamp, 1h) as h, dateceil(@timestamp, 1d) as d, ") +
          "fromMillis(toMillis(@timestamp)) as t",
      "FIELDS a | FILTER a LIKE 'x' AND NOT a IN [1] | SORT a DESC | LIMIT 3",
      "SOURCE \"g\" START=1717236000000 END=1717236059999 | fields @message",
      "filter x / 2 > 1",
      std::string("fields bin(30s) as b1, bin(1d) as b2, bin(1w) as b3, bin(100ms) as b4, bin(1mo) "
                  "as b5, ") +
          "bin(1q) as b6, bin(1y) as b7",
      "stats count(*) by bin(5m) | sort `count(*)` desc",
      "stats sum(x) / count(*) as mean",
      "parse /(?<a>\\d+)/ | fields a",
      "parse `my field` 'a=*' as a",
  };
  for (const std::string& q : queries) {
    insights::CompileError error;
    INFO(q);
    auto compiled = Query::Compile(q, &error);
    INFO(error.message << " at " << error.start << ".." << error.end);
    CHECK(compiled);
  }
}

TEST_CASE("Compile errors point at the offending token", "[insights][parser][errors]") {
  struct Case {
    std::string query;
    std::size_t start;
    std::size_t end;
    std::string message_part;
  };
  const Case cases[] = {
      {"fields a | frobnicate b", 11, 21, "unknown command"},
      {"fields a | pattern @message", 11, 18, "not supported"},
      {"anomaly", 0, 7, "not supported"},
      {"fields a | diff", 11, 15, "not supported"},
      {"unmask @message", 0, 6, "not supported"},
      {"filterIndex x = 1", 0, 11, "not supported"},
      {"unnest x", 0, 6, "not supported"},
      {"lookup t", 0, 6, "not supported"},
      {"join x", 0, 4, "not supported"},
      {"SOURCE logGroups()", 0, 6, "SOURCE"},
      {"fields jsonParse(@message) as j", 7, 26, "JSON"},
      {"filter isValidIp(ip)", 7, 20, "IP"},
      {"filter isIpv4InSubnet(ip, '10.0.0.0/8')", 7, 39, "IP"},
      {"stats rate(x)", 6, 13, "time-series"},
      {"fields frob(x) as y", 7, 14, "unknown function"},
      {"fields abs(x, y) as z", 7, 16, "takes 1"},
      {"fields substr(x) as z", 7, 16, "takes 2 to 3"},
      {"filter count(*) > 1", 7, 15, "only allowed in stats"},
      {"stats x by y", 6, 7, "aggregate"},
      {"stats sum(count(*))", 10, 18, "nested"},
      {"stats pct(x, 101)", 13, 16, "percentile"},
      {"fields bin(x) as b", 11, 12, "period"},
      {"fields 5m as x", 7, 9, "period"},
      {"fields a | fields 1 as a", 23, 24, "already used"},
      {"fields 1 as a | fields 2 as a", 28, 29, "already used"},
      {"fields 1 as @message", 12, 20, "system field"},
      {"dedup a | sort a", 10, 16, "only 'limit'"},
      {"limit 0", 6, 7, "limit"},
      {"limit 1.5", 6, 9, "limit"},
      {"filter (a = 1", 13, 13, "expected ')'"},
      {"filter a = ", 11, 11, "expected a value"},
      {"fields a |", 10, 10, "expected a command"},
      {"| fields a", 0, 1, "expected a command"},
      {"fields a b", 9, 10, "expected '|'"},
      {"filter a like 5", 14, 15, "string"},
      {"filter a in 5", 12, 13, "'['"},
      {"filter a = \"open", 11, 16, "unterminated string"},
      {"filter a like /open", 14, 19, "unterminated regular"},
      {"fields `x", 7, 9, "unterminated backtick"},
      {"filter a ! b", 9, 10, "unexpected character"},
      {"filter a like /(/", 14, 17, "invalid regular expression"},
      {"filter a like /(?<=x)y/", 14, 23, "invalid regular expression"},
      // What Hyperscan also refuses, and PCRE forms it takes that RE2 does not (docs/insights.md).
      {R"(filter a like /(a)\1/)", 14, 21, "invalid regular expression"},
      {"filter a like /(?>a)/", 14, 21, "invalid regular expression"},
      {"filter a like /a++/", 14, 19, "invalid regular expression"},
      {R"(filter a like /a\Z/)", 14, 19, "invalid regular expression"},
      {R"(filter a like /a\h/)", 14, 19, "invalid regular expression"},
      {"filter a like /(?x)a b/", 14, 23, "invalid regular expression"},
      {R"(parse @message "a * b *" as x)", 15, 29, "2 '*'"},
      {R"(parse @message "no star" as x)", 15, 24, "no '*'"},
      {"parse @message /no group/", 15, 25, "named group"},
      {"stats count(*) as n, sum(x) as n", 31, 32, "twice"},
      {"display abs(x)", 8, 11, "not a function"},
      {"sort x | dedup y | filter z = 1", 19, 31, "only 'limit'"},
      {"filter x like /a{1000}{1000}/", 14, 29, "repeats too much"},
  };
  for (const Case& c : cases) {
    INFO(c.query);
    insights::CompileError e = CompileError(c.query);
    INFO(e.message);
    CHECK(e.start == c.start);
    CHECK(e.end == c.end);
    CHECK_THAT(e.message, ContainsSubstring(c.message_part));
  }
}

TEST_CASE("Compile error offsets count characters, not bytes", "[insights][parser][errors]") {
  // "é" is two bytes in UTF-8 but one character.
  insights::CompileError e = CompileError("filter x = \"é\" | frob");
  CHECK(e.start == 17);
  CHECK(e.end == 21);
}

TEST_CASE("Nesting deeper than the parser's bound is a compile error, not a crash",
          "[insights][parser][errors]") {
  std::string deep = "filter " + std::string(100000, '(') + "1" + std::string(100000, ')');
  insights::CompileError e;
  CHECK_FALSE(Query::Compile(deep, &e));  // too long
  deep = "filter " + std::string(70, '(') + "1" + std::string(70, ')');
  e = CompileError(deep);
  CHECK_THAT(e.message, ContainsSubstring("nested too deeply"));
  std::string chain = "filter a = 1";
  for (int i = 0; i < 300; ++i) chain += " or a = 1";
  e = CompileError(chain);
  CHECK_THAT(e.message, ContainsSubstring("too long"));
  std::string nots = "filter ";
  for (int i = 0; i < 100; ++i) nots += "not ";
  e = CompileError(nots + "x");
  std::string negs = "fields " + std::string(100, '-') + "1 as y";
  e = CompileError(negs);
  CHECK(Query::Compile("filter " + std::string(30, '(') + "1" + std::string(30, ')'), &e));
}

TEST_CASE("A query longer than kMaxQueryLength does not compile", "[insights][parser][errors]") {
  insights::CompileError e;
  CHECK_FALSE(Query::Compile("fields " + std::string(kMaxQueryLength, 'a'), &e));
  CHECK_THAT(e.message, ContainsSubstring("longer than"));
}

TEST_CASE("The lexer tells regexes from divisions and reads periods and names",
          "[insights][parser]") {
  std::vector<Token> t;
  insights::CompileError e;
  REQUIRE(Tokenize("a / b like /x\\/y/ 5m 1.5 tags.0 @`a-b` 'it\\'s'", &t, &e));
  REQUIRE(t.size() == 11);  // and kEnd
  CHECK(t[1].kind == TokenKind::kSlash);
  CHECK(t[4].kind == TokenKind::kRegex);
  CHECK(t[4].text == "x/y");
  CHECK(t[5].kind == TokenKind::kPeriod);
  CHECK(t[5].unit == PeriodUnit::kMinutes);
  CHECK(t[6].kind == TokenKind::kNumber);
  CHECK(t[6].number == 1.5);
  CHECK(t[7].kind == TokenKind::kIdent);
  CHECK(t[7].text == "tags.0");
  CHECK(t[8].text == "@a-b");
  CHECK(t[9].text == "it's");
}

}  // namespace cwlogd::insights::testing
