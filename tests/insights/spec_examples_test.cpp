// The worked examples of the Insights spec (§6), as a table: query -> expected rows.
#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

constexpr int64_t kT = 1717236000000;  // 2024-06-01T10:00:00Z

std::vector<Event> SpecEvents() {
  return {
      {kT + 0, "INFO start"},
      {kT + 30000, "ERROR db timeout duration=120"},
      {kT + 65000, R"({"level":"ERROR","latency":250,"user":{"id":"u1"}})"},
      {kT + 70000, R"({"level":"INFO","latency":50,"user":{"id":"u2"}})"},
      {kT + 130000, R"({"level":"ERROR","latency":100,"user":{"id":"u1"}})"},
  };
}

}  // namespace

TEST_CASE("The spec's worked examples give the documented rows", "[insights][spec]") {
  struct Case {
    std::string query;
    std::string rows;  // Show(rows, with_ptr = true)
    double matched;
  };
  const std::string e2 = "ERROR db timeout duration=120";
  const std::string e3 = R"({"level":"ERROR","latency":250,"user":{"id":"u1"}})";
  const std::string e5 = R"({"level":"ERROR","latency":100,"user":{"id":"u1"}})";
  const std::vector<Case> cases = {
      {"fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc",
       "@timestamp=2024-06-01 10:02:10.000 @message=" + e5 +
           " @ptr=p4; @timestamp=2024-06-01 10:01:05.000 @message=" + e3 +
           " @ptr=p2; @timestamp=2024-06-01 10:00:30.000 @message=" + e2 + " @ptr=p1",
       3},
      {R"(filter level = "ERROR" | stats count(*) as n by bin(1m))",
       "bin(1m)=2024-06-01 10:01:00.000 n=1; bin(1m)=2024-06-01 10:02:00.000 n=1", 2},
      {"filter ispresent(user.id) | stats avg(latency), max(latency) by user.id",
       "user.id=u1 avg(latency)=175 max(latency)=250; user.id=u2 avg(latency)=50 "
       "max(latency)=50",
       3},
      {R"(parse @message "* db timeout duration=*" as lvl, d | filter ispresent(d) | display lvl, d)",
       "lvl=ERROR d=120 @ptr=p1", 1},  // @ptr: always added to non-aggregated rows (§1)
      {"fields @timestamp, user.id | sort @timestamp desc | dedup user.id",
       "@timestamp=2024-06-01 10:02:10.000 user.id=u1 @ptr=p4; "
       "@timestamp=2024-06-01 10:01:10.000 user.id=u2 @ptr=p3; "
       "@timestamp=2024-06-01 10:00:30.000 @ptr=p1; @timestamp=2024-06-01 10:00:00.000 @ptr=p0",
       5},
      {"filter latency in [50, 100] | fields latency", "latency=100 @ptr=p4; latency=50 @ptr=p3",
       2},
      {R"(filter @message not like "ERROR" | limit 1)",
       "@timestamp=2024-06-01 10:01:10.000 @message=" +
           std::string(R"({"level":"INFO","latency":50,"user":{"id":"u2"}})") + " @ptr=p3",
       2},
  };
  for (const Case& c : cases) {
    INFO(c.query);
    QueryOutcome out = Run(c.query, SpecEvents());
    REQUIRE_FALSE(out.failed);
    CHECK(Show(out.rows, true) == c.rows);
    CHECK(out.statistics.records_matched == c.matched);
    CHECK(out.statistics.records_scanned == 5);
  }
}

TEST_CASE("Example 1 gives the same rows whatever order the events arrive in", "[insights][spec]") {
  std::vector<Event> events = SpecEvents();
  std::vector<Event> reversed(events.rbegin(), events.rend());
  const char* q = "fields @timestamp, @message | filter @message like /ERROR/";
  CHECK(Show(Run(q, events).rows) == Show(Run(q, reversed).rows));
}

TEST_CASE("Without the filter, records lacking the by field form their own group",
          "[insights][spec]") {
  QueryOutcome out = Run("stats avg(latency), max(latency) by user.id", SpecEvents());
  CHECK(Show(out.rows) ==
        "user.id=u1 avg(latency)=175 max(latency)=250; user.id=u2 avg(latency)=50 "
        "max(latency)=50; ");
}

}  // namespace cwlogd::insights::testing
