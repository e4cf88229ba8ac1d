#include "api/cloudwatch/alarms/mute_rules.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>
#include <vector>

#include <nlohmann/json.hpp>

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = int64_t{24} * 60 * kMinuteMs;
constexpr int64_t kMinDurationMs = kMinuteMs;    // PT1M
constexpr int64_t kMaxDurationMs = 15 * kDayMs;  // P15D

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// ISO 8601 duration (PnW, PnDTnHnMnS) -> ms; nullopt when it is not one.
std::optional<int64_t> ParseDuration(std::string_view text) {
  static const std::regex kDuration(
      R"(P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10})S)?)?)");
  std::cmatch m;
  const std::string s(text);
  if (!std::regex_match(s.c_str(), m, kDuration)) return std::nullopt;
  const size_t t = s.find('T');
  if (s == "P" || (t != std::string::npos && t + 1 == s.size())) return std::nullopt;
  const int64_t unit_ms[] = {7 * kDayMs, kDayMs, 60 * kMinuteMs, kMinuteMs, 1000};
  int64_t total = 0;
  for (size_t i = 0; i < 5; ++i) {
    if (!m[i + 1].matched) continue;
    int64_t v = 0;
    if (!ParseInt(m[i + 1].str(), v)) return std::nullopt;
    total += v * unit_ms[i];
    if (total > 100 * kMaxDurationMs) return std::nullopt;  // far out of range: no overflow
  }
  return total;
}

int64_t NamedValue(std::string_view token, const std::vector<std::string_view>& names,
                   int64_t first) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (token.size() == names[i].size()) {
      bool same = true;
      for (size_t k = 0; k < token.size(); ++k) {
        same = same && std::toupper(static_cast<unsigned char>(token[k])) == names[i][k];
      }
      if (same) return first + static_cast<int64_t>(i);
    }
  }
  return -1;
}

// One cron field ("*", "?", "a", "a-b", "*/n", "a-b/n", "a/n", comma lists) -> mask of
// allowed values in [lo, hi]; false when it does not parse. `names` are the field's names
// (JAN.., SUN..) counted from `names_first`.
bool ParseCronField(std::string_view field, int64_t lo, int64_t hi,
                    const std::vector<std::string_view>& names, int64_t names_first, uint64_t& mask,
                    bool& any) {
  mask = 0;
  any = field == "*" || field == "?";
  auto value = [&](std::string_view token, int64_t& out) {
    if (ParseInt(token, out)) return out >= lo && out <= hi;
    out = NamedValue(token, names, names_first);
    return out >= 0;
  };
  size_t start = 0;
  while (start <= field.size()) {
    const size_t comma = field.find(',', start);
    std::string_view item = field.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) return false;
    int64_t step = 1;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      if (!ParseInt(item.substr(slash + 1), step) || step < 1 || step > hi) return false;
      item = item.substr(0, slash);
    }
    int64_t from = lo;
    int64_t to = hi;
    if (item == "*" || item == "?") {
      // every value (with the step)
    } else if (const size_t dash = item.find('-'); dash != std::string_view::npos) {
      if (!value(item.substr(0, dash), from) || !value(item.substr(dash + 1), to) || from > to) {
        return false;
      }
    } else {
      if (!value(item, from)) return false;
      // "a/n" runs from a to the end of the range; a plain "a" is that value alone.
      to = step > 1 ? hi : from;
    }
    for (int64_t v = from; v <= to; v += step) mask |= uint64_t{1} << v;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

bool Has(uint64_t mask, int64_t v) { return (mask >> v) & 1U; }

bool DayMatches(const MuteSchedule& s, int64_t day) {
  const Civil c = CivilFromDays(day);
  if (!Has(s.months, c.month)) return false;
  const int64_t weekday = ((day % 7) + 11) % 7;  // 1970-01-01 was a Thursday (4)
  const bool dom = Has(s.days_of_month, c.day);
  const bool dow = Has(s.days_of_week, weekday);
  // Standard cron: when both day fields are restricted, either may match. [unsure]
  if (!s.any_day_of_month && !s.any_day_of_week) return dom || dow;
  return dom && dow;
}

// The latest occurrence of the recurring schedule at or before `now_ms` and after
// `not_before_ms`, or nullopt.
std::optional<int64_t> LatestOccurrence(const MuteSchedule& s, int64_t now_ms,
                                        int64_t not_before_ms) {
  const int64_t now_minute = FloorDiv(now_ms, kMinuteMs) * kMinuteMs;
  for (int64_t day = FloorDiv(now_ms, kDayMs); day * kDayMs + kDayMs > not_before_ms; --day) {
    if (!DayMatches(s, day)) continue;
    for (int64_t hour = 23; hour >= 0; --hour) {
      if (!Has(s.hours, hour)) continue;
      for (int64_t minute = 59; minute >= 0; --minute) {
        if (!Has(s.minutes, minute)) continue;
        const int64_t at = day * kDayMs + hour * 60 * kMinuteMs + minute * kMinuteMs;
        if (at > now_minute) continue;
        if (at <= not_before_ms) return std::nullopt;
        return at;
      }
    }
  }
  return std::nullopt;
}

std::optional<int64_t> MsField(const storage::ResourceRecord& rec, std::string_view member) {
  if (rec.FindField(member) == nullptr) return std::nullopt;
  return rec.IntField(member);
}

}  // namespace

std::variant<MuteSchedule, std::string> ParseMuteSchedule(std::string_view expression,
                                                          std::string_view duration) {
  MuteSchedule s;
  auto length = ParseDuration(duration);
  if (!length) {
    return "The parameter Rule.Schedule.Duration must be an ISO 8601 duration such as PT4H "
           "or P2DT12H.";
  }
  if (*length < kMinDurationMs || *length > kMaxDurationMs) {
    return "The parameter Rule.Schedule.Duration must be between PT1M and P15D.";
  }
  s.duration_ms = *length;
  const std::string text(expression);
  static const std::regex kAt(R"(at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?\))");
  static const std::regex kCron(R"(cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\))");
  std::smatch m;
  if (std::regex_match(text, m, kAt)) {
    int64_t f[6] = {0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < 6; ++i) {
      if (m[i + 1].matched && !ParseInt(m[i + 1].str(), f[i])) f[i] = -1;
    }
    const int64_t day = DaysFromCivil(f[0], f[1], f[2]);
    const Civil back = CivilFromDays(day);
    if (f[1] < 1 || f[1] > 12 || back.day != f[2] || back.month != f[1] || f[3] > 23 || f[4] > 59 ||
        f[5] > 59 || f[5] < 0) {
      return "The parameter Rule.Schedule.Expression has an invalid date: " + text;
    }
    s.one_time = true;
    s.at_ms = day * kDayMs + (f[3] * 3600 + f[4] * 60 + f[5]) * 1000;
    return s;
  }
  if (std::regex_match(text, m, kCron)) {
    static const std::vector<std::string_view> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    static const std::vector<std::string_view> kDays = {"SUN", "MON", "TUE", "WED",
                                                        "THU", "FRI", "SAT"};
    uint64_t minutes = 0, hours = 0, doms = 0, months = 0, dows = 0;
    bool any = false;
    const bool ok = ParseCronField(m[1].str(), 0, 59, {}, 0, minutes, any) &&
                    ParseCronField(m[2].str(), 0, 23, {}, 0, hours, any) &&
                    ParseCronField(m[3].str(), 1, 31, {}, 0, doms, s.any_day_of_month) &&
                    ParseCronField(m[4].str(), 1, 12, kMonths, 1, months, any) &&
                    ParseCronField(m[5].str(), 0, 7, kDays, 0, dows, s.any_day_of_week);
    if (!ok) return "The parameter Rule.Schedule.Expression has an invalid cron field: " + text;
    if (Has(dows, 7)) dows |= 1;  // 7 is Sunday too
    s.minutes = minutes;
    s.hours = static_cast<uint32_t>(hours);
    s.days_of_month = static_cast<uint32_t>(doms);
    s.months = static_cast<uint32_t>(months);
    s.days_of_week = static_cast<uint32_t>(dows & 0x7F);
    return s;
  }
  return "The parameter Rule.Schedule.Expression must be cron(Minutes Hours Day-of-month Month "
         "Day-of-week) or at(yyyy-MM-ddThh:mm).";
}

std::optional<int64_t> OpenWindowEnd(const MuteSchedule& s, int64_t now_ms) {
  if (s.one_time) {
    if (now_ms >= s.at_ms && now_ms < s.at_ms + s.duration_ms) return s.at_ms + s.duration_ms;
    return std::nullopt;
  }
  auto start = LatestOccurrence(s, now_ms, now_ms - s.duration_ms);
  if (!start) return std::nullopt;
  return *start + s.duration_ms;
}

namespace {

std::optional<MuteSchedule> ScheduleOf(const storage::ResourceRecord& rec) {
  auto parsed = ParseMuteSchedule(rec.FieldOrEmpty("expression"), rec.FieldOrEmpty("duration"));
  if (auto* s = std::get_if<MuteSchedule>(&parsed)) return *s;
  return std::nullopt;
}

// The end of the rule's window open at `now_ms` (capped by its ExpireDate), if any.
std::optional<int64_t> ActiveUntil(const storage::ResourceRecord& rec, const MuteSchedule& s,
                                   int64_t now_ms) {
  const auto start = MsField(rec, "start");
  const auto expire = MsField(rec, "expire");
  if ((start && now_ms < *start) || (expire && now_ms >= *expire)) return std::nullopt;
  auto end = OpenWindowEnd(s, now_ms);
  if (end && expire) end = std::min(*end, *expire);
  return end;
}

}  // namespace

std::string MuteRuleStatus(const storage::ResourceRecord& rule, int64_t now_ms) {
  auto s = ScheduleOf(rule);
  if (!s) return "EXPIRED";
  const auto expire = MsField(rule, "expire");
  if ((expire && now_ms >= *expire) || (s->one_time && now_ms >= s->at_ms + s->duration_ms)) {
    return "EXPIRED";
  }
  return ActiveUntil(rule, *s, now_ms) ? "ACTIVE" : "SCHEDULED";
}

std::optional<int64_t> MuteWindowEnd(storage::ResourceStore& store, const storage::Partition& p,
                                     std::string_view alarm_name, int64_t now_ms) {
  std::optional<int64_t> latest;
  (void)store.List(p, storage::ResourceKind::kAlarmMuteRule, "", "",
                   [&](const storage::ResourceRecord& rec) {
                     json targets = json::parse(rec.FieldOrEmpty("targets"), nullptr, false);
                     if (!targets.is_array()) return true;
                     bool targeted = false;
                     for (const auto& t : targets) targeted = targeted || t == alarm_name;
                     if (!targeted) return true;
                     auto s = ScheduleOf(rec);
                     if (!s) return true;
                     if (auto end = ActiveUntil(rec, *s, now_ms)) {
                       latest = latest ? std::max(*latest, *end) : *end;
                     }
                     return true;
                   });
  return latest;
}

std::string MuteRuleArn(const storage::Partition& p, std::string_view name) {
  // [unsure] the API reference's IAM example names the resource type alarm-mute-rule.
  return "arn:aws:cloudwatch:" + p.region + ":" + p.account +
         ":alarm-mute-rule:" + std::string(name);
}

}  // namespace cwlogd::api::cloudwatch::alarms
