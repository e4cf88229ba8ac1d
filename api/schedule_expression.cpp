#include "api/schedule_expression.h"

#include <charconv>
#include <cstddef>
#include <vector>

#include "base/civil_time.h"

namespace cwlogd::api {
namespace {

constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2199;  // EventBridge's range of the year field
constexpr int64_t kMinuteMs = 60'000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    if (!(skip_empty && part.empty())) out.push_back(part);
    start = end + 1;
  }
  return out;
}

std::optional<int64_t> Number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// A value of a field: a number, or one of `names` (case-insensitive), whose value is
// index + first_name_value.
std::optional<int> Value(std::string_view s, const std::string_view* names, size_t name_count,
                         int first_name_value) {
  if (auto n = Number(s)) return static_cast<int>(*n);
  for (size_t i = 0; i < name_count; ++i) {
    if (s.size() != names[i].size()) continue;
    bool same = true;
    for (size_t k = 0; k < s.size(); ++k) same = same && Upper(s[k]) == names[i][k];
    if (same) return static_cast<int>(i) + first_name_value;
  }
  return std::nullopt;
}

constexpr std::string_view kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::string_view kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// Parses one cron field of values in [lo, hi] into `set` (bit v - base). Items: '*', n, a-b,
// and any of them with /step. False when malformed.
template <size_t N>
bool ParseField(std::string_view text, int lo, int hi, int base, const std::string_view* names,
                size_t name_count, std::bitset<N>* set) {
  if (text.empty()) return false;
  for (std::string_view item : Split(text, ',', false)) {
    if (item.empty()) return false;
    int step = 1;
    bool stepped = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      auto n = Number(item.substr(slash + 1));
      if (!n || *n < 1 || *n > hi - lo + 1) return false;
      step = static_cast<int>(*n);
      stepped = true;
      item = item.substr(0, slash);
    }
    int from = lo;
    int to = hi;
    if (item != "*") {
      size_t dash = item.find('-');
      auto a = Value(item.substr(0, dash), names, name_count, lo);
      if (!a || *a < lo || *a > hi) return false;
      from = *a;
      if (dash != std::string_view::npos) {
        auto b = Value(item.substr(dash + 1), names, name_count, lo);
        if (!b || *b < lo || *b > hi || *b < *a) return false;
        to = *b;
      } else if (!stepped) {
        to = from;
      }
    }
    for (int v = from; v <= to; v += step) set->set(static_cast<size_t>(v - base));
  }
  return set->any();
}

using base::CivilDate;
using base::CivilFromDays;
using base::DaysFromCivil;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool DayMatches(const Schedule& s, int64_t day) {
  const CivilDate c = CivilFromDays(day);
  if (c.year < kMinYear || c.year > kMaxYear) return false;
  if (!s.years.test(static_cast<size_t>(c.year - kMinYear))) return false;
  if (!s.months.test(c.month)) return false;
  if (!s.any_day_of_month) {
    if (s.last_day_of_month) {
      // The last day: tomorrow is in another month.
      if (CivilFromDays(day + 1).month == c.month) return false;
    } else if (!s.days_of_month.test(c.day)) {
      return false;
    }
  }
  if (!s.any_day_of_week) {
    const int64_t weekday = ((day + 4) % 7 + 7) % 7;  // 0 = Sunday (1970-01-01 was a Thursday)
    if (!s.days_of_week.test(static_cast<size_t>(weekday + 1))) return false;
  }
  return true;
}

std::optional<Schedule> ParseRate(std::string_view body, std::string* error) {
  auto parts = Split(Trim(body), ' ', true);
  if (parts.size() != 2) {
    *error = "A rate expression is rate(<value> <unit>).";
    return std::nullopt;
  }
  auto n = Number(parts[0]);
  if (!n || *n < 1) {
    *error = "The value of a rate expression must be a positive whole number.";
    return std::nullopt;
  }
  const std::string_view unit = parts[1];
  int64_t unit_minutes = 0;
  if (unit == "minute" || unit == "minutes") unit_minutes = 1;
  if (unit == "hour" || unit == "hours") unit_minutes = 60;
  if (unit == "day" || unit == "days") unit_minutes = 1440;
  // EventBridge: the singular unit for 1, the plural for more.
  const bool plural = unit.back() == 's';
  if (unit_minutes == 0 || plural != (*n > 1)) {
    *error =
        "The unit of a rate expression is minute, hour or day for 1, minutes, hours or "
        "days for more.";
    return std::nullopt;
  }
  Schedule s;
  s.rate_minutes = *n * unit_minutes;
  return s;
}

std::optional<Schedule> ParseCron(std::string_view body, std::string* error) {
  auto fields = Split(Trim(body), ' ', true);
  if (fields.size() != 6) {
    *error = "A cron expression has six fields: minutes hours day-of-month month day-of-week year.";
    return std::nullopt;
  }
  Schedule s;
  auto bad = [&](std::string_view which) {
    *error = "The " + std::string(which) + " field of the cron expression is not valid.";
    return std::nullopt;
  };
  if (!ParseField(fields[0], 0, 59, 0, nullptr, 0, &s.minutes)) return bad("minutes");
  if (!ParseField(fields[1], 0, 23, 0, nullptr, 0, &s.hours)) return bad("hours");
  const std::string_view dom = fields[2];
  const std::string_view dow = fields[4];
  s.any_day_of_month = dom == "?";
  s.any_day_of_week = dow == "?";
  if (s.any_day_of_month == s.any_day_of_week) {
    *error = "One of the day-of-month and day-of-week fields of a cron expression must be '?'.";
    return std::nullopt;
  }
  if (!s.any_day_of_month) {
    if (dom == "L") {
      s.last_day_of_month = true;
    } else if (dom == "*") {
      s.any_day_of_month = true;
    } else if (!ParseField(dom, 1, 31, 0, nullptr, 0, &s.days_of_month)) {
      return bad("day-of-month");
    }
  }
  if (!ParseField(fields[3], 1, 12, 0, kMonthNames, 12, &s.months)) return bad("month");
  if (!s.any_day_of_week) {
    if (dow == "*") {
      s.any_day_of_week = true;
    } else if (!ParseField(dow, 1, 7, 0, kDayNames, 7, &s.days_of_week)) {
      return bad("day-of-week");
    }
  }
  if (!ParseField(fields[5], kMinYear, kMaxYear, kMinYear, nullptr, 0, &s.years)) {
    return bad("year");
  }
  return s;
}

}  // namespace

std::optional<Schedule> ParseScheduleExpression(std::string_view text, std::string* error) {
  auto inside = [&](std::string_view head) -> std::optional<std::string_view> {
    if (text.size() < head.size() + 1 || text.substr(0, head.size()) != head ||
        text.back() != ')') {
      return std::nullopt;
    }
    return text.substr(head.size(), text.size() - head.size() - 1);
  };
  if (auto body = inside("rate(")) return ParseRate(*body, error);
  if (auto body = inside("cron(")) return ParseCron(*body, error);
  *error = "A schedule expression is cron(...) or rate(...).";
  return std::nullopt;
}

std::optional<int> FixedUtcOffsetMinutes(std::string_view tz) {
  if (tz == "UTC" || tz == "Etc/UTC" || tz == "GMT" || tz == "Etc/GMT" || tz == "Z" ||
      tz == "Etc/UCT" || tz == "UCT" || tz == "Etc/Zulu" || tz == "Zulu" || tz == "Universal" ||
      tz == "Etc/Universal" || tz == "Etc/Greenwich" || tz == "Greenwich") {
    return 0;
  }
  if (tz.substr(0, 7) == "Etc/GMT" && tz.size() > 8 && (tz[7] == '+' || tz[7] == '-')) {
    auto h = Number(tz.substr(8));
    if (!h || *h > 14) return std::nullopt;
    // POSIX: Etc/GMT+5 is five hours behind UTC.
    return static_cast<int>(tz[7] == '+' ? -*h * 60 : *h * 60);
  }
  if (tz.size() == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':') {
    auto h = Number(tz.substr(1, 2));
    auto m = Number(tz.substr(4, 2));
    if (!h || !m || *h > 14 || *m > 59) return std::nullopt;
    const int minutes = static_cast<int>(*h * 60 + *m);
    return tz[0] == '-' ? -minutes : minutes;
  }
  return std::nullopt;
}

std::optional<int64_t> NextFireTime(const Schedule& s, int64_t after_ms, int64_t anchor_ms,
                                    int offset_minutes) {
  if (s.rate_minutes > 0) {
    const int64_t period = s.rate_minutes * kMinuteMs;
    if (after_ms < anchor_ms) return anchor_ms + period;
    return anchor_ms + (FloorDiv(after_ms - anchor_ms, period) + 1) * period;
  }
  // Local minutes since the epoch, strictly after `after_ms`.
  const int64_t first = FloorDiv(after_ms, kMinuteMs) + offset_minutes + 1;
  int64_t day = FloorDiv(first, 1440);
  const int64_t last_day = DaysFromCivil(kMaxYear, 12, 31);
  int start_minute = static_cast<int>(first - day * 1440);
  for (; day <= last_day; ++day, start_minute = 0) {
    if (!DayMatches(s, day)) continue;
    for (int m = start_minute; m < 1440; ++m) {
      if (s.hours.test(static_cast<size_t>(m / 60)) &&
          s.minutes.test(static_cast<size_t>(m % 60))) {
        return (day * 1440 + m - offset_minutes) * kMinuteMs;
      }
    }
  }
  return std::nullopt;
}

}  // namespace cwlogd::api
