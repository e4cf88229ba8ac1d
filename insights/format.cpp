// Result formatting (docs/insights.md, "Values in results").
#include "insights/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/civil_time.h"

namespace cwlogd::insights {

std::string FormatTimestamp(int64_t millis) {
  const base::DayAndTime split = base::SplitEpochMillis(millis);
  const base::CivilDate date = base::CivilFromDays(split.day);
  const auto ms = static_cast<unsigned>(split.millis_of_day % 1000);
  const auto secs = static_cast<unsigned>(split.millis_of_day / 1000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u.%03u",
                static_cast<long long>(date.year), date.month, date.day, secs / 3600,
                secs / 60 % 60, secs % 60, ms);
  return buf;
}

void AppendNumber(double x, std::string* out) {
  if (!std::isfinite(x)) {
    out->append(std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"));
    return;
  }
  char buf[400];
  if (x == std::floor(x) && std::fabs(x) < 9.2e18) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(x));
    out->append(buf, r.ptr);
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed);
  if (r.ec != std::errc()) {  // cannot happen for finite doubles in 400 bytes; be safe anyway
    r = std::to_chars(buf, buf + sizeof buf, x);
  }
  out->append(buf, r.ptr);
}

std::string FormatNumber(double x) {
  std::string s;
  AppendNumber(x, &s);
  return s;
}

std::string FormatValue(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return {};
    case ValueKind::kNumber:
      return FormatNumber(v.num);
    case ValueKind::kTimestamp:
      if (!std::isfinite(v.num) || std::fabs(v.num) > 8.64e15) return FormatNumber(v.num);
      return FormatTimestamp(static_cast<int64_t>(std::floor(v.num)));
    case ValueKind::kString:
      return std::string(v.str);
  }
  return {};
}

}  // namespace cwlogd::insights
