// Each command and the pipeline rules of the spec (§3).
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

std::vector<Event> CommandEvents() {
  return {
      {1000, R"({"a":1,"b":"x","c":10})"},
      {3000, R"({"a":3,"b":"y"})"},
      {2000, R"({"a":2,"b":"x","c":5})"},
      {4000, "plain text a=4"},
  };
}

}  // namespace

TEST_CASE("Without fields, display or stats a row has @timestamp, @message and @ptr",
          "[insights][commands]") {
  QueryOutcome out = Run("", {{1000, "hello"}});
  CHECK(Show(out.rows, true) == "@timestamp=1970-01-01 00:00:01.000 @message=hello @ptr=p0");
}

TEST_CASE("Several fields commands show the union of their fields", "[insights][commands]") {
  QueryOutcome out = Run("fields a | fields b, a | fields c", CommandEvents());
  CHECK(Show(out.rows) == "; a=3 b=y; a=2 b=x c=5; a=1 b=x c=10");
}

TEST_CASE("Only the last display counts", "[insights][commands]") {
  QueryOutcome out = Run("fields a, b | display a | display b", CommandEvents());
  CHECK(Show(out.rows) == "; b=y; b=x; b=x");
}

TEST_CASE("Ephemeral fields are computed and usable later", "[insights][commands]") {
  QueryOutcome out = Run("fields a * 10 as a10 | filter a10 > 15 | fields concat(b, '!') as bang",
                         CommandEvents());
  CHECK(Show(out.rows) == "a10=30 bang=y!; a10=20 bang=x!");
}

TEST_CASE("The default order is @timestamp descending, ties newest-added first",
          "[insights][commands]") {
  QueryOutcome out =
      Run("fields @message", {{5, "first"}, {5, "second"}, {9, "late"}, {1, "early"}});
  CHECK(Show(out.rows) == "@message=late; @message=second; @message=first; @message=early");
  out = Run("fields @message | sort @timestamp asc",
            {{5, "first"}, {5, "second"}, {9, "late"}, {1, "early"}});
  CHECK(Show(out.rows) == "@message=early; @message=first; @message=second; @message=late");
}

TEST_CASE("sort takes several keys; numbers numerically; missing keys last",
          "[insights][commands]") {
  QueryOutcome out = Run("fields b, c | sort b asc, c desc", CommandEvents());
  CHECK(Show(out.rows) == "b=x c=10; b=x c=5; b=y; ");
  out = Run("fields c | sort c desc", CommandEvents());
  CHECK(Show(out.rows) == "c=10; c=5; ; ");
  out = Run("fields c | sort c asc", CommandEvents());
  CHECK(Show(out.rows) == "c=5; c=10; ; ");
  out = Run(R"(parse @message "n=*" as n | fields n | sort n desc)",
            {{1, "n=9"}, {2, "n=10"}, {3, "n=100"}});
  CHECK(Show(out.rows) == "n=100; n=10; n=9");
}

TEST_CASE("limit keeps the first rows in the current order", "[insights][commands]") {
  CHECK(Show(Run("fields a | limit 2", CommandEvents()).rows) == "; a=3");
  CHECK(Show(Run("fields a | sort a asc | limit 2", CommandEvents()).rows) == "a=1; a=2");
  CHECK(Show(Run("fields a | sort a asc | limit 3 | sort a desc", CommandEvents()).rows) ==
        "a=3; a=2; a=1");
  CHECK(Show(Run("fields a | limit 3 | filter a > 1", CommandEvents()).rows) == "a=3; a=2");
  QueryOutcome out = Run("fields a | filter a > 1 | limit 1", CommandEvents());
  CHECK(out.statistics.records_matched == 2);
}

TEST_CASE("filter: comparisons, like, regex, in, and/or/not, missing fields",
          "[insights][commands]") {
  struct Case {
    std::string filter;
    std::string rows;
  };
  const std::vector<Case> cases = {
      {"a = 1", "a=1"},
      {"a != 1", "a=3; a=2"},
      {"a >= 2 and a < 3", "a=2"},
      {"a = 1 or a = 3", "a=3; a=1"},
      {"not a = 1", "; a=3; a=2"},  // not (false): records without a pass
      {"b like 'x'", "a=2; a=1"},
      {"b not like 'x'", "a=3"},
      {"@message like /a=\\d/", ""},
      {"@message =~ /\"a\":[12]/", "a=2; a=1"},
      {"@message like /(?i)PLAIN/", ""},
      {"b like /(?i)X/", "a=2; a=1"},
      {"a in [1, 3]", "a=3; a=1"},
      {"a not in [1, 3]", "a=2"},
      {"b in ['x', 2]", "a=2; a=1"},
      {"c > 1", "a=2; a=1"},
      {"c != 5", "a=1"},
      {"ispresent(c)", "a=2; a=1"},
      {"not ispresent(c)", "; a=3"},
      {"(a = 1 or a = 2) and c = 10", "a=1"},
      {"a = 1 or a = 2 and c = 5", "a=2; a=1"},
      {"b", "a=3; a=2; a=1"},
  };
  for (const Case& c : cases) {
    INFO(c.filter);
    // The plain-text event (a=4 in the text) has no field a, so `fields a` shows nothing for it.
    QueryOutcome out = Run("filter " + c.filter + " | fields a", CommandEvents());
    std::string shown = Show(out.rows);
    if (c.filter.find("@message like /a=") != std::string::npos) {
      CHECK(out.rows.size() == 1);
      continue;
    }
    if (c.filter.find("PLAIN") != std::string::npos) {
      CHECK(out.rows.size() == 1);
      continue;
    }
    CHECK(shown == c.rows);
  }
  CHECK(Run(R"(filter @message like "a=4")", CommandEvents()).rows.size() == 1);
  CHECK(Run(R"(filter @message like "A=4")", CommandEvents()).rows.empty());
}

TEST_CASE("parse with a glob captures shortest, skips leading text, rest to the last star",
          "[insights][commands]") {
  const std::string m =
      "25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException";
  QueryOutcome out = Run(
      R"(parse @message "[*] * The error was: *" as level, config, exception | display level, config, exception)",
      {{1, m}, {2, "no match"}});
  CHECK(Show(out.rows) ==
        "; level=ERROR config={foo=2, bar=data} exception=DataIntegrityException");
  out = Run(R"(parse @message "a=* b=*!" as x, y | display x, y)", {{1, "a=1 b=2! c=3!"}});
  CHECK(Show(out.rows) == "x=1 y=2");
}

TEST_CASE("parse with a regex names fields by its groups; unmatched records stay",
          "[insights][commands]") {
  const std::string m =
      "25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException";
  QueryOutcome out = Run(
      R"(parse @message /\[(?<level>\S+)\]\s+(?<config>\{.*\})\s+The error was: (?<exception>\S+)/ | display level, config, exception, @message)",
      {{1, m}, {2, "other"}});
  CHECK(Show(out.rows) ==
        "@message=other; level=ERROR config={foo=2, bar=data} "
        "exception=DataIntegrityException @message=" +
            m);
  out = Run(R"(parse b /(?<first>.)/ | filter first = "y" | fields first)", CommandEvents());
  CHECK(Show(out.rows) == "first=y");
}

TEST_CASE("dedup keeps the first of each value in the current order, nulls always",
          "[insights][commands]") {
  QueryOutcome out = Run("fields b | dedup b", CommandEvents());
  CHECK(Show(out.rows) == "; b=y; b=x");
  out = Run("fields b | sort a asc | dedup b | limit 2", CommandEvents());
  CHECK(Show(out.rows) == "b=x; b=y");
  out = Run("fields b, c | dedup b, c", CommandEvents());
  CHECK(out.rows.size() == 4);
}

TEST_CASE("stats: groups, aliases, commands after stats", "[insights][commands][stats]") {
  QueryOutcome out = Run("stats count(*) as n, sum(a) as s by b", CommandEvents());
  CHECK(Show(out.rows) == "b=x n=2 s=3; b=y n=1 s=3; n=1");
  out = Run("stats count(*) as n by b | filter n > 1", CommandEvents());
  CHECK(Show(out.rows) == "b=x n=2");
  out = Run("stats count(*) as n by b | sort n asc | limit 1", CommandEvents());
  CHECK(Show(out.rows) == "b=y n=1");
  out = Run("stats count(*) as n by b | fields n * 10 as n10", CommandEvents());
  CHECK(Show(out.rows) == "n10=20; n10=10; n10=10");
  out = Run("stats count(*) as n by b | display b", CommandEvents());
  CHECK(Show(out.rows) == "b=x; b=y; ");
  out = Run("stats sum(a) / count(*) as mean", CommandEvents());
  CHECK(Show(out.rows) == "mean=1.5");
  out = Run("stats count(*) as n by b | stats sum(n) as total", CommandEvents());
  CHECK(Show(out.rows) == "total=4");
  out = Run("limit 2 | stats count(*) as n", CommandEvents());
  CHECK(Show(out.rows) == "n=2");
  out = Run("stats count(*) by bin(1s)", CommandEvents());
  CHECK(Show(out.rows) ==
        "bin(1s)=1970-01-01 00:00:01.000 count(*)=1; bin(1s)=1970-01-01 00:00:02.000 "
        "count(*)=1; bin(1s)=1970-01-01 00:00:03.000 count(*)=1; bin(1s)=1970-01-01 "
        "00:00:04.000 count(*)=1");
  out = Run("stats count(*) by bin(1s) as t | sort t desc | limit 1", CommandEvents());
  CHECK(Show(out.rows) == "t=1970-01-01 00:00:04.000 count(*)=1");
  out = Run("filter a > 100 | stats count(*)", CommandEvents());
  CHECK(out.rows.empty());
  CHECK_FALSE(out.failed);
}

TEST_CASE("Aggregated rows have no @ptr", "[insights][commands][stats]") {
  QueryOutcome out = Run("stats count(*)", CommandEvents());
  CHECK(Show(out.rows, true) == "count(*)=4");
}

TEST_CASE("The rewritten SOURCE prefix is accepted and skipped", "[insights][commands]") {
  QueryOutcome out = Run("SOURCE \"g\" START=0 END=999 | fields a | filter a = 2", CommandEvents());
  CHECK(Show(out.rows) == "a=2");
}

TEST_CASE("max_rows caps the rows returned", "[insights][commands][limits]") {
  ExecutionLimits limits;
  limits.max_rows = 2;
  CHECK(Show(Run("fields a", CommandEvents(), limits).rows) == "; a=3");
  CHECK(Show(Run("fields a | sort a asc", CommandEvents(), limits).rows) == "a=1; a=2");
  CHECK(Run("stats count(*) by a", CommandEvents(), limits).rows.size() == 2);
  CHECK(Run("fields a | dedup a", CommandEvents(), limits).rows.size() == 2);
}

TEST_CASE("Passing the memory limit fails the query with a clear error",
          "[insights][commands][limits]") {
  ExecutionLimits limits;
  limits.max_memory_bytes = 10000;
  std::vector<Event> many;
  for (int i = 0; i < 1000; ++i) many.push_back({i, "id=" + std::to_string(i)});
  QueryOutcome out = Run(R"(parse @message "id=*" as id | stats count(*) by id)", many, limits);
  CHECK(out.failed);
  CHECK_THAT(out.error, ContainsSubstring("memory limit"));
  CHECK(out.rows.empty());
  out = Run(R"(fields @message | dedup @message)", many, limits);
  CHECK(out.failed);
  // The top-N heap keeps a bounded number of rows: the same data fits.
  limits.max_rows = 10;
  out = Run(R"(fields @message)", many, limits);
  CHECK_FALSE(out.failed);
  CHECK(out.rows.size() == 10);
}

TEST_CASE("An execution in kFailed state takes no more records", "[insights][commands][limits]") {
  insights::CompileError e;
  auto q = Query::Compile("fields @message | dedup @message", &e);
  REQUIRE(q);
  ExecutionLimits limits;
  limits.max_memory_bytes = 100;
  auto exec = q->Start(limits);
  Record r;
  r.message = "hello";
  CHECK(exec->Add(r) == ExecutionState::kFailed);
  CHECK(exec->Add(r) == ExecutionState::kFailed);
  CHECK(exec->statistics().records_scanned == 1);
  QueryOutcome out = exec->Finish();
  CHECK(out.failed);
}

TEST_CASE("PartialRows shows the rows kept so far in order", "[insights][commands]") {
  insights::CompileError e;
  auto q = Query::Compile("fields @message", &e);
  REQUIRE(q);
  auto exec = q->Start({});
  Record r;
  r.timestamp = 1;
  r.message = "one";
  exec->Add(r);
  r.timestamp = 2;
  r.message = "two";
  exec->Add(r);
  CHECK(Show(exec->PartialRows()) == "@message=two; @message=one");
  CHECK(Show(exec->Finish().rows) == "@message=two; @message=one");
}

TEST_CASE("PartialRows of an aggregation: the groups so far, after the commands that follow",
          "[insights][commands]") {
  insights::CompileError e;
  auto q = Query::Compile("stats count(*) as n by @message | sort n desc | limit 2", &e);
  REQUIRE(q);
  auto exec = q->Start({});
  CHECK(exec->PartialRows().empty());
  Record r;
  for (const char* message : {"a", "b", "b", "c", "c", "c"}) {
    r.message = message;
    exec->Add(r);
    if (std::string_view(message) == "b") break;  // after "a", "b"
  }
  CHECK(Show(exec->PartialRows()) == "@message=a n=1; @message=b n=1");
  for (const char* message : {"b", "c", "c", "c"}) {
    r.message = message;
    exec->Add(r);
  }
  CHECK(Show(exec->PartialRows()) == "@message=c n=3; @message=b n=2");
  CHECK(Show(exec->Finish().rows) == "@message=c n=3; @message=b n=2");
}

TEST_CASE("Keywords and command names are case-insensitive", "[insights][commands]") {
  CHECK(Show(Run("FIELDS a | FILTER a = 1 OR a = 2 | SORT a ASC", CommandEvents()).rows) ==
        "a=1; a=2");
}

}  // namespace cwlogd::insights::testing

namespace cwlogd::insights::testing {

TEST_CASE("One compiled query runs in several threads at once", "[insights][concurrency]") {
  insights::CompileError e;
  auto q = Query::Compile(
      R"(parse @message "n=*;" as n | filter n > 10 | stats count(*) as c, sum(n) as s by bin(1m))",
      &e);
  REQUIRE(q);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      auto exec = q->Start({});
      for (int i = 0; i < 20000; ++i) {
        const std::string m = "n=" + std::to_string(i % 100) + ";";
        Record r;
        r.timestamp = int64_t{i} * 10;
        r.message = m;
        exec->Add(r);
      }
      results[t] = Show(exec->Finish().rows);
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK_FALSE(results[0].empty());
  for (const std::string& r : results) CHECK(r == results[0]);
}

}  // namespace cwlogd::insights::testing

namespace cwlogd::insights::testing {

TEST_CASE("sort is stable: ties keep the earlier sort, then the newest first",
          "[insights][commands]") {
  const std::vector<Event> events = {{1, R"({"a":1,"b":2})"},
                                     {2, R"({"a":2,"b":1})"},
                                     {3, R"({"a":1,"b":1})"},
                                     {4, R"({"a":2,"b":2})"}};
  CHECK(Show(Run("fields a, b | sort a asc", events).rows) == "a=1 b=1; a=1 b=2; a=2 b=2; a=2 b=1");
  CHECK(Show(Run("fields a, b | sort b desc | sort a asc", events).rows) ==
        "a=1 b=2; a=1 b=1; a=2 b=2; a=2 b=1");
  std::vector<Event> reversed(events.rbegin(), events.rend());
  CHECK(Show(Run("fields a, b | sort a asc", reversed).rows) ==
        "a=1 b=1; a=1 b=2; a=2 b=2; a=2 b=1");
}

}  // namespace cwlogd::insights::testing
