// Chunk pruning: the literals every matching @message must contain.
#include "insights/pruning.h"

#include <set>
#include <string>

#include "insights/query.h"
#include "tests/catch2.h"

namespace cwlogd::insights {

namespace {

// The terms MayMatchIfContains asks about, answering "absent" to all: empty when it never asks.
std::set<std::string> Asked(std::string_view query) {
  CompileError e;
  auto q = Query::Compile(query, &e);
  INFO(query << " " << e.message);
  REQUIRE(q);
  std::set<std::string> asked;
  q->MayMatchIfContains([&](std::string_view t) {
    asked.emplace(t);
    return true;
  });
  return asked;
}

bool MayMatch(std::string_view query, std::string_view block) {
  CompileError e;
  auto q = Query::Compile(query, &e);
  REQUIRE(q);
  const bool by_terms = q->MayMatchIfContains(
      [&](std::string_view t) { return block.find(t) != std::string_view::npos; });
  CHECK(by_terms == q->MayMatchWithin(block));
  return by_terms;
}

}  // namespace

TEST_CASE("Pruning literals come from ANDed @message filters", "[insights][pruning]") {
  using S = std::set<std::string>;
  CHECK(Asked(R"(filter @message like "term")") == S{"term"});
  CHECK(Asked(R"(filter @message like /abc\d/)") == S{"abc"});
  CHECK(Asked(R"(filter @message =~ /xyz/)") == S{"xyz"});
  CHECK(Asked(R"(filter @message = "whole")") == S{"whole"});
  CHECK(
      Asked(
          R"(filter @message like "one" and @message like /two+three/ | filter @message like "four")") ==
      S{"one", "three", "four"});
  CHECK(Asked(R"(filter @message like "one" or @message like "two")").empty());
  CHECK(Asked(R"(filter not @message like "one")").empty());
  CHECK(Asked(R"(filter @message not like "one")").empty());
  CHECK(Asked(R"(filter @message like "ab")").empty());  // under 3 bytes
  CHECK(Asked(R"(filter @message like /(?i)error/)").empty());
  CHECK(Asked(R"(filter @message like /a|bcd/)").empty());
  CHECK(Asked(R"(filter x like "term")").empty());
  CHECK(Asked(R"(limit 5 | filter @message like "term")").empty());
  CHECK(Asked(R"(filter @message like "term" | stats count(*))") == S{"term"});
  CHECK(Asked("fields @message").empty());
}

TEST_CASE("Literal extraction from regexes is conservative", "[insights][pruning]") {
  CHECK(RegexRequiredLiteral("abc") == "abc");
  CHECK(RegexRequiredLiteral(R"(abc\d+defgh)") == "defgh");
  CHECK(RegexRequiredLiteral("abcd?") == "abc");
  CHECK(RegexRequiredLiteral("abcd*") == "abc");
  CHECK(RegexRequiredLiteral("abcd+e") == "abcd");
  CHECK(RegexRequiredLiteral("ab{2}cde") == "cde");
  CHECK(RegexRequiredLiteral("(abcdef)?xy") == "xy");
  CHECK(RegexRequiredLiteral("[abcdef]xy") == "xy");
  CHECK(RegexRequiredLiteral(R"(a\.b\.c)") == "a.b.c");
  CHECK(RegexRequiredLiteral(R"(\[ERROR\])") == "[ERROR]");
  CHECK(RegexRequiredLiteral("x.y") == "x");
  CHECK(RegexRequiredLiteral("(?i)abc").empty());
  CHECK(RegexRequiredLiteral("abc|def").empty());
  CHECK(RegexRequiredLiteral("(?P<n>abc)def") == "def");
}

TEST_CASE("MayMatch answers false only when a required literal is absent", "[insights][pruning]") {
  CHECK_FALSE(MayMatch(R"(filter @message like "ERROR")", "INFO a\nINFO b"));
  CHECK(MayMatch(R"(filter @message like "ERROR")", "INFO a\nERROR b"));
  CHECK(MayMatch(R"(filter @message like "ER")", "INFO a"));
  CHECK(MayMatch("stats count(*)", ""));
}

}  // namespace cwlogd::insights
