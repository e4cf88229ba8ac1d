#include "agent/timestamp.h"

#include <cstring>
#include <ctime>

#include "base/civil_time.h"

namespace cwlogd::agent {
namespace {

constexpr const char* kMonths[] = {"january",   "february", "march",    "april",
                                   "may",       "june",     "july",     "august",
                                   "september", "october",  "november", "december"};
constexpr const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                 "thursday", "friday", "saturday"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads min..max digits at line[*pos]. Fails without digits.
bool ReadInt(std::string_view line, size_t* pos, int min_digits, int max_digits, int* out) {
  int value = 0;
  int n = 0;
  while (*pos < line.size() && n < max_digits && IsDigit(line[*pos])) {
    value = value * 10 + (line[*pos] - '0');
    ++*pos;
    ++n;
  }
  if (n < min_digits) return false;
  *out = value;
  return true;
}

// Matches a month or day name (full or 3-letter abbreviation), case-insensitively.
template <size_t N>
bool ReadName(std::string_view line, size_t* pos, const char* const (&names)[N], int* out) {
  for (size_t i = 0; i < N; ++i) {
    const size_t full = std::strlen(names[i]);
    for (size_t len : {full, size_t{3}}) {
      if (*pos + len > line.size()) continue;
      bool ok = true;
      for (size_t k = 0; k < len && ok; ++k) ok = Lower(line[*pos + k]) == names[i][k];
      if (ok) {
        *pos += len;
        *out = static_cast<int>(i);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

struct TimestampFormat::Fields {
  int year = -1;  // -1: not in the format
  int month = -1;
  int day = -1;
  int yday = -1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int pm = -1;  // -1: no %p; 0 AM; 1 PM
  bool hour12 = false;
  bool has_offset = false;
  int offset_minutes = 0;
};

std::optional<TimestampFormat> TimestampFormat::Compile(std::string_view format,
                                                        std::string* error) {
  if (format.empty()) {
    *error = "empty datetime format";
    return std::nullopt;
  }
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 < format.size() && format[i + 1] == '-') ++i;
    if (i + 1 >= format.size()) {
      *error = "datetime format ends with '%'";
      return std::nullopt;
    }
    const char d = format[++i];
    if (std::strchr("YymdeHMSIpbBhaAjfzZT%", d) == nullptr) {
      *error = std::string("unsupported directive %") + d + " in datetime format";
      return std::nullopt;
    }
  }
  TimestampFormat f;
  f.format_ = std::string(format);
  return f;
}

bool TimestampFormat::MatchAt(std::string_view line, size_t pos, Fields* f) const {
  const std::string_view fmt = format_;
  for (size_t i = 0; i < fmt.size(); ++i) {
    const char c = fmt[i];
    if (c != '%') {
      if (c == ' ') {  // strptime: a space matches any run of whitespace, none included
        while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
        continue;
      }
      if (pos >= line.size() || line[pos] != c) return false;
      ++pos;
      continue;
    }
    if (fmt[i + 1] == '-') ++i;  // unpadded form: numbers take 1-2 digits anyway
    const char d = fmt[++i];
    int v = 0;
    switch (d) {
      case 'Y':
        if (!ReadInt(line, &pos, 4, 4, &f->year)) return false;
        break;
      case 'y':
        if (!ReadInt(line, &pos, 2, 2, &v)) return false;
        f->year = v < 69 ? 2000 + v : 1900 + v;
        break;
      case 'm':
        if (!ReadInt(line, &pos, 1, 2, &v) || v < 1 || v > 12) return false;
        f->month = v - 1;
        break;
      case 'd':
      case 'e':
        if (pos < line.size() && line[pos] == ' ') ++pos;  // space-padded day (syslog)
        if (!ReadInt(line, &pos, 1, 2, &v) || v < 1 || v > 31) return false;
        f->day = v;
        break;
      case 'H':
        if (!ReadInt(line, &pos, 1, 2, &v) || v > 23) return false;
        f->hour = v;
        break;
      case 'I':
        if (!ReadInt(line, &pos, 1, 2, &v) || v < 1 || v > 12) return false;
        f->hour = v % 12;
        f->hour12 = true;
        break;
      case 'M':
        if (!ReadInt(line, &pos, 1, 2, &v) || v > 59) return false;
        f->minute = v;
        break;
      case 'S':
        if (!ReadInt(line, &pos, 1, 2, &v) || v > 61) return false;
        f->second = v > 59 ? 59 : v;
        break;
      case 'T': {
        if (!ReadInt(line, &pos, 1, 2, &f->hour) || f->hour > 23) return false;
        if (pos >= line.size() || line[pos++] != ':') return false;
        if (!ReadInt(line, &pos, 1, 2, &f->minute) || f->minute > 59) return false;
        if (pos >= line.size() || line[pos++] != ':') return false;
        if (!ReadInt(line, &pos, 1, 2, &f->second) || f->second > 61) return false;
        break;
      }
      case 'f': {  // fraction: 1-9 digits, kept to milliseconds
        const size_t start = pos;
        int ms = 0;
        while (pos < line.size() && IsDigit(line[pos]) && pos - start < 9) {
          if (pos - start < 3) ms = ms * 10 + (line[pos] - '0');
          ++pos;
        }
        if (pos == start) return false;
        for (size_t k = pos - start; k < 3; ++k) ms *= 10;
        f->millis = ms;
        break;
      }
      case 'j':
        if (!ReadInt(line, &pos, 1, 3, &v) || v < 1 || v > 366) return false;
        f->yday = v - 1;
        break;
      case 'p': {
        if (pos + 2 > line.size()) return false;
        const char a = Lower(line[pos]);
        if ((a != 'a' && a != 'p') || Lower(line[pos + 1]) != 'm') return false;
        f->pm = a == 'p' ? 1 : 0;
        pos += 2;
        break;
      }
      case 'b':
      case 'B':
      case 'h':
        if (!ReadName(line, &pos, kMonths, &f->month)) return false;
        break;
      case 'a':
      case 'A':
        if (!ReadName(line, &pos, kDays, &v)) return false;
        break;
      case 'z': {  // Z, +hh, +hhmm, +hh:mm
        if (pos < line.size() && line[pos] == 'Z') {
          ++pos;
          f->has_offset = true;
          f->offset_minutes = 0;
          break;
        }
        if (pos >= line.size() || (line[pos] != '+' && line[pos] != '-')) return false;
        const int sign = line[pos++] == '-' ? -1 : 1;
        int hh = 0;
        int mm = 0;
        if (!ReadInt(line, &pos, 2, 2, &hh)) return false;
        if (pos < line.size() && line[pos] == ':') ++pos;
        if (pos < line.size() && IsDigit(line[pos]) && !ReadInt(line, &pos, 2, 2, &mm)) {
          return false;
        }
        f->has_offset = true;
        f->offset_minutes = sign * (hh * 60 + mm);
        break;
      }
      case 'Z': {  // a zone name: letters only; UTC/GMT/Z are understood, others ignored
        const size_t start = pos;
        while (pos < line.size() &&
               ((line[pos] >= 'A' && line[pos] <= 'Z') || (line[pos] >= 'a' && line[pos] <= 'z'))) {
          ++pos;
        }
        if (pos == start) return false;
        const std::string_view name = line.substr(start, pos - start);
        if (name == "UTC" || name == "GMT" || name == "Z") {
          f->has_offset = true;
          f->offset_minutes = 0;
        }
        break;
      }
      case '%':
        if (pos >= line.size() || line[pos] != '%') return false;
        ++pos;
        break;
      default:
        return false;
    }
  }
  return true;
}

bool TimestampFormat::Matches(std::string_view line) const {
  Fields f;
  for (size_t pos = 0; pos < line.size(); ++pos) {
    f = Fields{};
    if (MatchAt(line, pos, &f)) return true;
  }
  return false;
}

std::optional<int64_t> TimestampFormat::Find(std::string_view line, bool utc,
                                             int64_t now_ms) const {
  Fields f;
  bool found = false;
  for (size_t pos = 0; pos < line.size() && !found; ++pos) {
    f = Fields{};
    found = MatchAt(line, pos, &f);
  }
  if (!found) return std::nullopt;
  if (f.hour12 && f.pm == 1) f.hour += 12;
  if (!f.hour12 && f.pm == 1 && f.hour < 12) f.hour += 12;

  const time_t now_s = static_cast<time_t>(now_ms / 1000);
  struct tm now_tm {};
  if (utc) {
    gmtime_r(&now_s, &now_tm);
  } else {
    localtime_r(&now_s, &now_tm);
  }
  const bool year_missing = f.year < 0;
  int year = year_missing ? now_tm.tm_year + 1900 : f.year;
  auto compute = [&](int y) -> int64_t {
    int64_t days = 0;
    if (f.month < 0 && f.day < 0 && f.yday >= 0) {
      days = base::DaysFromCivil(y, 1, 1) + f.yday;
    } else {
      const int month = f.month >= 0 ? f.month : (f.day >= 0 ? now_tm.tm_mon : now_tm.tm_mon);
      const int day = f.day >= 0 ? f.day : (f.month >= 0 ? 1 : now_tm.tm_mday);
      days = base::DaysFromCivil(y, static_cast<unsigned>(month + 1), static_cast<unsigned>(day));
    }
    int64_t secs = days * 86400 + int64_t{f.hour} * 3600 + int64_t{f.minute} * 60 + f.second;
    if (f.has_offset) {
      secs -= static_cast<int64_t>(f.offset_minutes) * 60;
    } else if (!utc) {
      // Local time: ask the C library for the offset in force at that moment.
      struct tm t {};
      t.tm_year = y - 1900;
      t.tm_mon = 0;
      t.tm_mday = 1 + static_cast<int>(days - base::DaysFromCivil(y, 1, 1));
      t.tm_hour = f.hour;
      t.tm_min = f.minute;
      t.tm_sec = f.second;
      t.tm_isdst = -1;
      const time_t local = mktime(&t);
      if (local != static_cast<time_t>(-1)) secs = local;
    }
    return secs * 1000 + f.millis;
  };
  int64_t ms = compute(year);
  // A year-less stamp (syslog) read just after New Year belongs to the previous year.
  if (year_missing && ms > now_ms + 86400000) ms = compute(year - 1);
  return ms;
}

}  // namespace cwlogd::agent
