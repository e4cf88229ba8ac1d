// What the store may skip for a query: chunks without a literal every matching @message must
// contain (pruning), and the merge into time order (AcceptsAnyRecordOrder).
#include "insights/pruning.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "insights/query.h"
#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

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

TEST_CASE("Only order-blind aggregations accept records in any order", "[insights][pruning]") {
  auto accepts = [](std::string_view query) {
    CompileError e;
    auto q = Query::Compile(query, &e);
    INFO(query << " " << e.message);
    REQUIRE(q);
    return q->AcceptsAnyRecordOrder();
  };
  CHECK(accepts("stats count(*) by bin(5m)"));
  CHECK(
      accepts("filter @message like /x/ | parse @message 'a=* ' as a | stats sum(a), avg(a), "
              "min(a), max(a), pct(a, 90), stddev(a), count_distinct(a) by @logStream"));
  CHECK(accepts("stats count(*) as n by bin(1m) | sort n desc | limit 3"));
  CHECK_FALSE(accepts("fields @message"));
  CHECK_FALSE(accepts("fields @message | limit 5"));
  CHECK(accepts("sort @timestamp asc | stats count(*)"));  // the stats ignores the sort
  CHECK_FALSE(accepts("fields @message | sort @timestamp asc | limit 3"));
  CHECK_FALSE(accepts("stats earliest(@message)"));
  CHECK_FALSE(accepts("stats count(*), latest(@message) by @logStream"));
  CHECK_FALSE(accepts("stats sortsFirst(@message)"));
  CHECK_FALSE(accepts("stats sortsLast(@message)"));
}

TEST_CASE("A query that accepts any record order answers the same for shuffled records",
          "[insights][pruning]") {
  std::mt19937 rng(7);
  std::vector<testing::Event> events;
  for (int i = 0; i < 500; ++i) {
    events.push_back(
        {1'700'000'000'000 + static_cast<int64_t>(rng() % 3'600'000),
         "latency=" + std::to_string(rng() % 1000) + " path=/p" + std::to_string(rng() % 7),
         "s" + std::to_string(rng() % 3)});
  }
  std::sort(events.begin(), events.end(),
            [](const auto& a, const auto& b) { return a.timestamp < b.timestamp; });
  for (const char* query :
       {"stats count(*) by bin(5m)",
        // (stddev is left out: its running sums round differently in another order, in the
        // last digits.)
        "parse @message 'latency=* path=*' as ms, path | stats sum(ms), avg(ms), min(ms), "
        "max(ms), pct(ms, 95), count_distinct(path) by path, @logStream"}) {
    INFO(query);
    CompileError e;
    REQUIRE(Query::Compile(query, &e)->AcceptsAnyRecordOrder());
    const QueryOutcome in_order = testing::Run(query, events);
    std::vector<testing::Event> shuffled = events;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    const QueryOutcome any_order = testing::Run(query, shuffled);
    REQUIRE_FALSE(in_order.failed);
    CHECK(testing::Show(any_order.rows) == testing::Show(in_order.rows));
  }
}

}  // namespace cwlogd::insights
