#include "server/cloudwatch/timestamp.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "base/civil_time.h"

namespace cwlogd::server::cloudwatch {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::optional<double> ParseEpoch(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> ParseTimestamp(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.size() < 19 || s[4] != '-') return ParseEpoch(s);
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  double fraction = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    double scale = 0.1;
    const size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      fraction += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '+' ? 1 : -1;
      int oh, om;
      if (!Digits(s, pos + 1, 2, &oh)) return std::nullopt;
      size_t mpos = pos + 3;
      if (mpos < s.size() && s[mpos] == ':') ++mpos;
      if (!Digits(s, mpos, 2, &om) || mpos + 2 != s.size()) return std::nullopt;
      offset_seconds = sign * (int64_t{oh} * 3600 + int64_t{om} * 60);
      pos = s.size();
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days =
      base::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t secs =
      days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset_seconds;
  return static_cast<double>(secs) + fraction;
}

std::string FormatIso8601(double epoch_seconds) {
  if (!std::isfinite(epoch_seconds)) epoch_seconds = 0;
  auto total_ms = static_cast<int64_t>(std::llround(epoch_seconds * 1000.0));
  const base::DayAndTime split = base::SplitEpochMillis(total_ms);
  const base::CivilDate date = base::CivilFromDays(split.day);
  const int64_t rem = split.millis_of_day / 1000;  // seconds into the day
  const int64_t ms = split.millis_of_day % 1000;
  char buf[64];
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(date.year), date.month, date.day,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(date.year), date.month, date.day,
                  static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                  static_cast<long long>(rem % 60), static_cast<long long>(ms));
  }
  return buf;
}

}  // namespace cwlogd::server::cloudwatch
