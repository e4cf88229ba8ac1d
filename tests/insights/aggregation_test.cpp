// Every aggregate function of stats, and grouping.
#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

std::vector<Event> AggregationEvents() {
  return {
      {4000, R"({"g":"a","v":4,"s":"pear"})"},     {1000, R"({"g":"a","v":1,"s":"apple"})"},
      {3000, R"({"g":"b","v":"3","s":"fig"})"},    {2000, R"({"g":"a","v":2,"s":"kiwi"})"},
      {5000, R"({"g":"b","s":"date","v":"n/a"})"}, {6000, R"({"h":1})"},
  };
}

std::string Agg(const std::string& agg) {
  QueryOutcome out = Run("stats " + agg + " as r by g", AggregationEvents());
  REQUIRE_FALSE(out.failed);
  return Show(out.rows);
}

}  // namespace

TEST_CASE("Aggregates over groups", "[insights][aggregation]") {
  CHECK(Agg("count(*)") == "g=a r=3; g=b r=2; r=1");
  CHECK(Agg("count()") == "g=a r=3; g=b r=2; r=1");
  CHECK(Agg("count(v)") == "g=a r=3; g=b r=2; r=0");
  CHECK(Agg("count_distinct(s)") == "g=a r=3; g=b r=2; r=0");
  CHECK(Agg("sum(v)") == "g=a r=7; g=b r=3; ");
  CHECK(Agg("avg(v)") == "g=a r=2.3333333333333335; g=b r=3; ");
  CHECK(Agg("min(v)") == "g=a r=1; g=b r=3; ");
  CHECK(Agg("max(v)") == "g=a r=4; g=b r=3; ");
  CHECK(Agg("min(s)") == "g=a r=apple; g=b r=date; ");
  CHECK(Agg("max(s)") == "g=a r=pear; g=b r=fig; ");
  CHECK(Agg("pct(v, 50)") == "g=a r=2; g=b r=3; ");
  CHECK(Agg("pct(v, 100)") == "g=a r=4; g=b r=3; ");
  CHECK(Agg("pct(v, 0)") == "g=a r=1; g=b r=3; ");
  CHECK(Agg("stddev(v)") == "g=a r=1.5275252316519468; g=b r=0; ");
  CHECK(Agg("earliest(s)") == "g=a r=apple; g=b r=fig; ");
  CHECK(Agg("latest(s)") == "g=a r=pear; g=b r=date; ");
  CHECK(Agg("sortsFirst(s)") == "g=a r=apple; g=b r=date; ");
  CHECK(Agg("sortsLast(s)") == "g=a r=pear; g=b r=fig; ");
  CHECK(Agg("min(@timestamp)") ==
        "g=a r=1970-01-01 00:00:01.000; g=b r=1970-01-01 00:00:03.000; "
        "r=1970-01-01 00:00:06.000");
}

TEST_CASE("stats groups by several fields and by bin", "[insights][aggregation]") {
  QueryOutcome out = Run("stats count(*) as n by g, bin(2s)", AggregationEvents());
  CHECK(Show(out.rows) ==
        "g=a bin(2s)=1970-01-01 00:00:00.000 n=1; g=a bin(2s)=1970-01-01 00:00:02.000 n=1; "
        "g=a bin(2s)=1970-01-01 00:00:04.000 n=1; g=b bin(2s)=1970-01-01 00:00:02.000 n=1; "
        "g=b bin(2s)=1970-01-01 00:00:04.000 n=1; bin(2s)=1970-01-01 00:00:06.000 n=1");
}

TEST_CASE("pct takes the nearest rank", "[insights][aggregation]") {
  std::vector<Event> events;
  for (int i = 1; i <= 100; ++i) events.push_back({i, "{\"v\":" + std::to_string(i) + "}"});
  CHECK(Show(Run("stats pct(v, 99) as p99, pct(v, 50) as p50, pct(v, 1) as p1", events).rows) ==
        "p99=99 p50=50 p1=1");
}

}  // namespace cwlogd::insights::testing
