// Calendar arithmetic on the proleptic Gregorian calendar, in UTC: days since 1970-01-01 to a
// civil date and back (Howard Hinnant's public-domain algorithms), valid over the whole int64
// day range that millisecond timestamps produce. Header-only; depends on nothing.
#pragma once

#include <cstdint>

namespace cwlogd::base {

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
};

// Days since 1970-01-01 of the date (negative before it).
constexpr int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);  // [0, 399]
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

// The date of day `days` since 1970-01-01.
constexpr CivilDate CivilFromDays(int64_t days) {
  days += 719468;  // shift the epoch to 0000-03-01
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);  // [0, 146096]
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;  // [0, 11], March = 0
  CivilDate date;
  date.day = day_of_year - (153 * mp + 2) / 5 + 1;
  date.month = mp < 10 ? mp + 3 : mp - 9;
  date.year = static_cast<int64_t>(year_of_era) + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

// A millisecond timestamp as its day since 1970-01-01 and the milliseconds into that day
// (floored: -1 ms is the last millisecond of 1969-12-31).
struct DayAndTime {
  int64_t day = 0;
  int64_t millis_of_day = 0;  // [0, 86'400'000)
};
constexpr DayAndTime SplitEpochMillis(int64_t epoch_ms) {
  constexpr int64_t kMillisPerDay = 86'400'000;
  DayAndTime out{epoch_ms / kMillisPerDay, epoch_ms % kMillisPerDay};
  if (out.millis_of_day < 0) {
    out.millis_of_day += kMillisPerDay;
    --out.day;
  }
  return out;
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(SplitEpochMillis(-1).day == -1 && SplitEpochMillis(-1).millis_of_day == 86'399'999);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(-1).year == 1969 && CivilFromDays(-1).day == 31);

}  // namespace cwlogd::base
