#include "api/schedule_expression.h"

#include <string>

#include "tests/catch2.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kScheduleMinute = 60'000;
// 2026-12-07T12:34:56Z, a Monday.
constexpr int64_t kMonday123456 = 1796646896000;

Schedule Parse(const std::string& text) {
  std::string error;
  auto s = ParseScheduleExpression(text, &error);
  INFO(text << ": " << error);
  REQUIRE(s.has_value());
  return *s;
}

TEST_CASE("A rate schedule fires every period from its anchor", "[api][schedule]") {
  const Schedule s = Parse("rate(5 minutes)");
  const int64_t anchor = kMonday123456;
  CHECK(NextFireTime(s, anchor, anchor, 0) == anchor + 5 * kScheduleMinute);
  CHECK(NextFireTime(s, anchor + 5 * kScheduleMinute - 1, anchor, 0) ==
        anchor + 5 * kScheduleMinute);
  // Strictly after: the fire time itself gives the next one.
  CHECK(NextFireTime(s, anchor + 5 * kScheduleMinute, anchor, 0) == anchor + 10 * kScheduleMinute);
  CHECK(NextFireTime(s, anchor - 1000, anchor, 0) == anchor + 5 * kScheduleMinute);
  CHECK(Parse("rate(1 hour)").rate_minutes == 60);
  CHECK(Parse("rate(2 days)").rate_minutes == 2880);
}

TEST_CASE("A cron schedule fires at its next matching minute", "[api][schedule]") {
  // Every hour at minute 0 and at minute 45 of hour 12.
  CHECK(NextFireTime(Parse("cron(0 * * * ? *)"), kMonday123456, 0, 0) == 1796648400000);
  CHECK(NextFireTime(Parse("cron(45 12 * * ? *)"), kMonday123456, 0, 0) == 1796647500000);
  // Weekdays at 06:00, from Friday 07:00: Monday.
  CHECK(NextFireTime(Parse("cron(0 6 ? * MON-FRI *)"), 1796972400000, 0, 0) == 1797228000000);
  // The last day of February 2028 (a leap year).
  CHECK(NextFireTime(Parse("cron(0 0 L 2 ? 2028)"), 1832976000000, 0, 0) == 1835395200000);
  // A schedule whose years are past never fires again.
  CHECK_FALSE(NextFireTime(Parse("cron(0 0 1 1 ? 2026)"), 1798848000000, 0, 0).has_value());
}

TEST_CASE("A cron schedule counts in its timezone's local time", "[api][schedule]") {
  const Schedule s = Parse("cron(0 6 * * ? *)");
  // 06:00 at UTC+2 is 04:00Z: from 12:34Z on the 7th, the 8th at 04:00Z.
  CHECK(NextFireTime(s, kMonday123456, 0, 120) == 1796702400000);
  // From 04:00Z sharp, the next day.
  CHECK(NextFireTime(s, 1796616000000 - 1, 0, 120) == 1796616000000);
  CHECK(FixedUtcOffsetMinutes("UTC") == 0);
  CHECK(FixedUtcOffsetMinutes("Etc/GMT+5") == -300);
  CHECK(FixedUtcOffsetMinutes("Etc/GMT-14") == 840);
  CHECK(FixedUtcOffsetMinutes("-03:30") == -210);
  CHECK_FALSE(FixedUtcOffsetMinutes("Europe/Paris").has_value());
  CHECK_FALSE(FixedUtcOffsetMinutes("Etc/GMT+15").has_value());
}

TEST_CASE("Cron fields take lists, ranges, steps and names", "[api][schedule]") {
  const Schedule s = Parse("cron(0/15 8-10,20 ? jan,JUL-SEP */2 2026-2030/2)");
  CHECK(s.minutes.count() == 4);
  CHECK(s.minutes.test(45));
  CHECK(s.hours.count() == 4);
  CHECK(s.hours.test(20));
  CHECK(s.months.count() == 4);
  CHECK(s.months.test(1));
  CHECK(s.months.test(9));
  CHECK(s.days_of_week.count() == 4);  // 1, 3, 5, 7
  CHECK(s.years.count() == 3);
  CHECK(s.any_day_of_month);
}

TEST_CASE("Schedule expressions that are not rate(...) or cron(...) are refused",
          "[api][schedule]") {
  const char* bad[] = {"",
                       "rate",
                       "rate()",
                       "rate(5)",
                       "rate(0 minutes)",
                       "rate(-1 minutes)",
                       "rate(1 minutes)",
                       "rate(5 minute)",
                       "rate(5 weeks)",
                       "rate(1 hour) ",
                       "cron(0 * * * *)",
                       "cron(0 * * * ? * *)",
                       "cron(60 * * * ? *)",
                       "cron(0 24 * * ? *)",
                       "cron(0 0 0 * ? *)",
                       "cron(0 0 32 * ? *)",
                       "cron(0 0 ? * ? *)",
                       "cron(0 0 1 * MON *)",
                       "cron(0 0 1 13 ? *)",
                       "cron(0 0 ? * 8 *)",
                       "cron(0 0 1 * ? 1969)",
                       "cron(0 0 1 * ? 2200)",
                       "cron(5-1 * * * ? *)",
                       "cron(*/0 * * * ? *)",
                       "cron(, * * * ? *)",
                       "cron(0 0 1W * ? *)",
                       "cron(0 0 ? * MON#1 *)"};
  for (const char* text : bad) {
    std::string error;
    INFO(text);
    CHECK_FALSE(ParseScheduleExpression(text, &error).has_value());
    CHECK_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace cwlogd::api
