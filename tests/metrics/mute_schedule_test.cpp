// Alarm mute rule schedules (api/cloudwatch/alarms/mute_rules.h): expression and duration
// parsing, and which window holds a given instant (UTC).
#include <string>
#include <variant>

#include "api/cloudwatch/alarms/mute_rules.h"
#include "tests/catch2.h"

// Named namespace: metrics_tests is a unity build, other files have kMinute and friends.
namespace mute_schedule_test {

namespace al = cwlogd::api::cloudwatch::alarms;

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
// 2026-03-01T00:00:00Z, a Sunday.
constexpr int64_t kMarch1 = 1772323200000;

al::MuteSchedule MustParse(const std::string& expression, const std::string& duration) {
  auto parsed = al::ParseMuteSchedule(expression, duration);
  if (auto* error = std::get_if<std::string>(&parsed)) FAIL(expression << ": " << *error);
  return std::get<al::MuteSchedule>(parsed);
}

bool Refused(const std::string& expression, const std::string& duration = "PT1H") {
  return std::holds_alternative<std::string>(al::ParseMuteSchedule(expression, duration));
}

}  // namespace

TEST_CASE("mute schedule: durations from PT1M to P15D") {
  CHECK(MustParse("cron(0 2 * * *)", "PT1M").duration_ms == kMinute);
  CHECK(MustParse("cron(0 2 * * *)", "P2DT12H").duration_ms == 2 * kDay + 12 * kHour);
  CHECK(MustParse("cron(0 2 * * *)", "P2W").duration_ms == 14 * kDay);
  CHECK(MustParse("cron(0 2 * * *)", "P15D").duration_ms == 15 * kDay);
  CHECK(MustParse("cron(0 2 * * *)", "PT90S").duration_ms == 90'000);
  for (const char* bad : {"PT59S", "P15DT1M", "P", "PT", "4H", "PT1H ", "P1Y", "-PT1H", ""}) {
    CHECK(Refused("cron(0 2 * * *)", bad));
  }
}

TEST_CASE("mute schedule: at() is one window") {
  const al::MuteSchedule s = MustParse("at(2026-03-01T10:30)", "PT2H");
  CHECK(s.one_time);
  CHECK(s.at_ms == kMarch1 + 10 * kHour + 30 * kMinute);
  CHECK_FALSE(al::OpenWindowEnd(s, s.at_ms - 1));
  CHECK(al::OpenWindowEnd(s, s.at_ms) == s.at_ms + 2 * kHour);
  CHECK(al::OpenWindowEnd(s, s.at_ms + 2 * kHour - 1) == s.at_ms + 2 * kHour);
  CHECK_FALSE(al::OpenWindowEnd(s, s.at_ms + 2 * kHour));
  CHECK(MustParse("at(2028-02-29T00:00)", "PT1H").one_time);
  for (const char* bad : {"at(2026-02-29T00:00)", "at(2026-13-01T00:00)", "at(2026-01-01T24:00)",
                          "at(2026-01-01)", "at(2026-01-01 00:00)", "at (2026-01-01T00:00)"}) {
    CHECK(Refused(bad));
  }
}

TEST_CASE("mute schedule: cron windows recur") {
  const al::MuteSchedule daily = MustParse("cron(0 2 * * *)", "PT4H");
  CHECK(al::OpenWindowEnd(daily, kMarch1 + 3 * kHour) == kMarch1 + 6 * kHour);
  CHECK_FALSE(al::OpenWindowEnd(daily, kMarch1 + 6 * kHour));
  CHECK_FALSE(al::OpenWindowEnd(daily, kMarch1 + kHour));
  CHECK(al::OpenWindowEnd(daily, kMarch1 + 5 * kDay + 2 * kHour) == kMarch1 + 5 * kDay + 6 * kHour);

  // Sundays only (March 1st and 8th); a window crossing midnight still holds the next day.
  const al::MuteSchedule sunday = MustParse("cron(0 22 * * SUN)", "PT4H");
  CHECK(al::OpenWindowEnd(sunday, kMarch1 + 23 * kHour) == kMarch1 + 26 * kHour);
  CHECK(al::OpenWindowEnd(sunday, kMarch1 + kDay + kHour) == kMarch1 + 26 * kHour);
  CHECK_FALSE(al::OpenWindowEnd(sunday, kMarch1 + kDay + 23 * kHour));
  CHECK(al::OpenWindowEnd(sunday, kMarch1 + 7 * kDay + 22 * kHour).has_value());
  CHECK(MustParse("cron(0 22 * * 0)", "PT1H").days_of_week ==
        MustParse("cron(0 22 * * 7)", "PT1H").days_of_week);

  // Steps, ranges and lists.
  const al::MuteSchedule quarter = MustParse("cron(*/15 9-17 * * MON-FRI)", "PT5M");
  const int64_t monday = kMarch1 + kDay;
  CHECK(al::OpenWindowEnd(quarter, monday + 9 * kHour + 16 * kMinute) ==
        monday + 9 * kHour + 20 * kMinute);
  CHECK_FALSE(al::OpenWindowEnd(quarter, monday + 9 * kHour + 21 * kMinute));
  CHECK_FALSE(al::OpenWindowEnd(quarter, kMarch1 + 9 * kHour + 1 * kMinute));  // Sunday
  CHECK_FALSE(al::OpenWindowEnd(quarter, monday + 18 * kHour + 1 * kMinute));

  // The first of the month; a 15-day window reaches back across months.
  const al::MuteSchedule monthly = MustParse("cron(0 1 1 * *)", "P15D");
  CHECK(al::OpenWindowEnd(monthly, kMarch1 + 14 * kDay) == kMarch1 + kHour + 15 * kDay);
  CHECK_FALSE(al::OpenWindowEnd(monthly, kMarch1 + 16 * kDay));
  CHECK(MustParse("cron(0 0 1 JAN,JUL ?)", "PT1H").months == ((1U << 1) | (1U << 7)));

  for (const char* bad :
       {"cron(0 2 * *)", "cron(60 2 * * *)", "cron(0 24 * * *)", "cron(0 2 0 * *)",
        "cron(0 2 * 13 *)", "cron(0 2 * * FUNDAY)", "cron(0 2 L * *)", "cron(0 2 * * 1#2)",
        "cron(5-1 2 * * *)", "cron(*/0 2 * * *)", "cron(0,,1 2 * * *)", "rate(5 minutes)",
        "cron(0 2 * * * *)"}) {
    CHECK(Refused(bad));
  }
}

}  // namespace mute_schedule_test
