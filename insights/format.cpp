// Result formatting (docs/insights.md, "Values in results").
#include "insights/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cwlogd::insights {

namespace {

// Days since 1970-01-01 to a civil date (proleptic Gregorian), valid for any int64 day count
// that our millisecond range produces.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

}  // namespace

std::string FormatTimestamp(int64_t millis) {
  constexpr int64_t kDay = 86400000;
  int64_t days = millis / kDay;
  int64_t rest = millis % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(days, &y, &m, &d);
  const auto ms = static_cast<unsigned>(rest % 1000);
  const auto secs = static_cast<unsigned>(rest / 1000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02u:%02u:%02u.%03u", static_cast<long long>(y),
                m, d, secs / 3600, secs / 60 % 60, secs % 60, ms);
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
