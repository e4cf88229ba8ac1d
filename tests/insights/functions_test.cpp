// Every scalar function of the spec, through `fields <call> as r` over one event.
#include "insights/functions.h"

#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

// The value of `expr` for an event with message `message` ("" when absent).
std::string Value1(const std::string& expr,
                   const std::string& message = R"({"n":-2.5,"s":"Ab c","e":"","w":"  ","z":0})",
                   int64_t ts = 1717236065123) {
  QueryOutcome out = Run("fields " + expr + " as r", {{ts, message}});
  REQUIRE(out.rows.size() == 1);
  return Cell(out.rows[0], "r").value_or("<absent>");
}

}  // namespace

TEST_CASE("Scalar functions give the documented values", "[insights][functions]") {
  struct Case {
    std::string expr;
    std::string value;
  };
  const std::vector<Case> cases = {
      {"ispresent(s)", "1"},
      {"ispresent(missing)", "0"},
      {"isempty(e)", "1"},
      {"isempty(missing)", "1"},
      {"isempty(s)", "0"},
      {"isblank(w)", "1"},
      {"isblank(missing)", "1"},
      {"isblank(s)", "0"},
      {"coalesce(missing, s)", "Ab c"},
      {"coalesce(missing, other)", "<absent>"},
      {"concat(s, '-', n, '-', missing)", "Ab c--2.5-"},
      {"strlen(s)", "4"},
      {"strlen('héllo')", "5"},
      {"toupper(s)", "AB C"},
      {"tolower(s)", "ab c"},
      {"trim('  x y  ')", "x y"},
      {"ltrim('  x ')", "x "},
      {"rtrim('  x ')", "  x"},
      {"ltrim('xyZxyfooxyZ', 'xyZ')", "fooxyZ"},
      {"rtrim('xyZxyfooxyZ', 'xyZ')", "xyZxyfoo"},
      {"trim('xyZxyfooxyZ', 'xyZ')", "foo"},
      {"substr('xyZfooxyZ', 3, 3)", "foo"},
      {"substr('xyZfooxyZ', 3)", "fooxyZ"},
      {"substr('xyZfooxyZ', 30)", ""},
      {"substr('héllo', 1, 2)", "él"},
      {"replace('a-b-c', '-', '+')", "a+b+c"},
      {"replace('aaa', 'a', 'aa')", "aaaaaa"},
      {"strcontains(s, 'b c')", "1"},
      {"strcontains(s, 'B')", "0"},
      {"abs(n)", "2.5"},
      {"ceil(n)", "-2"},
      {"floor(n)", "-3"},
      {"log(1)", "0"},
      {"log(z)", "<absent>"},
      {"sqrt(16)", "4"},
      {"sqrt(-1)", "<absent>"},
      {"abs(s)", "<absent>"},
      {"greatest(1, n, 7, s)", "7"},
      {"least(1, n, 7)", "-2.5"},
      {"2 ^ 3", "8"},
      {"10 % 3", "1"},
      {"7 / 2", "3.5"},
      {"1 / 0", "<absent>"},
      {"1 + 2 * 3", "7"},
      {"(1 + 2) * 3", "9"},
      {"2 ^ 3 ^ 2", "512"},
      {"-2 ^ 2", "-4"},
      {"n * 2", "-5"},
      {"s + 1", "<absent>"},
      {"bin(1m)", "2024-06-01 10:01:00.000"},
      {"bin(5m)", "2024-06-01 10:00:00.000"},
      {"bin(30s)", "2024-06-01 10:01:00.000"},
      {"bin(1h)", "2024-06-01 10:00:00.000"},
      {"bin(1d)", "2024-06-01 00:00:00.000"},
      {"bin(100ms)", "2024-06-01 10:01:05.100"},
      {"bin(1mo)", "2024-06-01 00:00:00.000"},
      {"bin(1q)", "2024-04-01 00:00:00.000"},
      {"bin(1y)", "2024-01-01 00:00:00.000"},
      {"datefloor(@timestamp, 1h)", "2024-06-01 10:00:00.000"},
      {"dateceil(@timestamp, 1h)", "2024-06-01 11:00:00.000"},
      {"dateceil(@timestamp, 1mo)", "2024-07-01 00:00:00.000"},
      {"fromMillis(0)", "1970-01-01 00:00:00.000"},
      {"toMillis(@timestamp)", "1717236065123"},
      {"@timestamp - 123", "1717236065000"},
      {"fromMillis(toMillis(@timestamp) + 1000)", "2024-06-01 10:01:06.123"},
      {"1 < 2", "1"},
      {"'b' > 'a'", "1"},
      {"'10' > 9", "1"},
      {"missing = missing", "0"},
      {"missing != 1", "0"},
  };
  for (const Case& c : cases) {
    INFO(c.expr);
    CHECK(Value1(c.expr) == c.value);
  }
}

TEST_CASE("Periods: fixed units in ms, calendar units as months", "[insights][functions]") {
  CHECK(PeriodValue(5, PeriodUnit::kMinutes) == 300000);
  CHECK(PeriodValue(2, PeriodUnit::kQuarters) == -6);
  CHECK_FALSE(PeriodValue(0, PeriodUnit::kHours));
  CHECK(FloorToPeriod(-1, 1000) == -1000);
  CHECK(CeilToPeriod(1000, 1000) == 1000);
  // 1969-12-15 floors to 1969-12-01 by month and to 1969-01-01 by year.
  CHECK(FloorToPeriod(-17 * 86400000.0, -1) == -31 * 86400000.0);
  CHECK(FloorToPeriod(-17 * 86400000.0, -12) == -365 * 86400000.0);
}

TEST_CASE("Computed text is capped, so nested calls cannot exhaust memory",
          "[insights][functions]") {
  std::string expr = "s";
  for (int i = 0; i < 12; ++i) {
    expr.insert(0, "replace(");
    expr += ", 'A', 'AAAAAAAAAAAAAAAA')";
  }
  CHECK(Value1(expr) == "<absent>");
  CHECK(Value1("replace(s, 'A', 'AA')") == "AAb c");
}

TEST_CASE("Function names are case-insensitive", "[insights][functions]") {
  CHECK(Value1("TOUPPER(s)") == "AB C");
  CHECK(Value1("frommillis(0)") == "1970-01-01 00:00:00.000");
}

}  // namespace cwlogd::insights::testing
