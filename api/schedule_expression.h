// Schedule expressions of scheduled queries (CreateScheduledQuery's scheduleExpression), in the
// EventBridge forms AWS documents: rate(<n> minute|minutes|hour|hours|day|days) and
// cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), and when such a schedule
// fires next. Pure functions; thread-safe.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwlogd::api {

struct Schedule {
  // rate(...): every `rate_minutes` minutes from the schedule's anchor (its start time).
  int64_t rate_minutes = 0;  // 0 = a cron schedule
  // cron(...): the allowed values of each field (bit i = value i).
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1-31
  std::bitset<13> months;         // 1-12
  std::bitset<8> days_of_week;    // 1-7 = SUN-SAT
  bool any_day_of_month = false;  // '?' or '*': the day is chosen by the other day field
  bool any_day_of_week = false;
  bool last_day_of_month = false;  // 'L' in day-of-month
  std::bitset<230> years;          // the year field: bit i = year 1970 + i (1970-2199)
};

// The schedule `text` describes, or nullopt with *error set to why it is not one (our text).
std::optional<Schedule> ParseScheduleExpression(std::string_view text, std::string* error);

// The UTC offset in minutes of a timezone name we evaluate: "UTC", "Etc/UTC", "GMT", "Z",
// "Etc/GMT+N"/"Etc/GMT-N" (POSIX signs: Etc/GMT+5 is UTC-5) and "+HH:MM"/"-HH:MM". nullopt for
// every other name (IANA region zones need a time zone database: we evaluate them as UTC).
std::optional<int> FixedUtcOffsetMinutes(std::string_view tz);

// The first fire time (ms since the epoch, UTC) strictly after `after_ms`. A rate schedule fires
// at anchor_ms + k * rate; a cron schedule at whole minutes of the local time `offset_minutes`
// from UTC. nullopt when a cron schedule never fires again (its years are past).
std::optional<int64_t> NextFireTime(const Schedule& s, int64_t after_ms, int64_t anchor_ms,
                                    int offset_minutes);

}  // namespace cwlogd::api
