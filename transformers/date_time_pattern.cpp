#include "transformers/date_time_pattern.h"

#include <array>
#include <cstdio>

#include "base/civil_time.h"

namespace cwlogd::transformers {
namespace {

constexpr std::array<std::string_view, 12> kMonthsShort = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> kMonthsLong = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
// 1970-01-01 was a Thursday: index 0.
constexpr std::array<std::string_view, 7> kDaysShort = {"Thu", "Fri", "Sat", "Sun",
                                                        "Mon", "Tue", "Wed"};
constexpr std::array<std::string_view, 7> kDaysLong = {"Thursday", "Friday",  "Saturday", "Sunday",
                                                       "Monday",   "Tuesday", "Wednesday"};

constexpr std::string_view kLetters = "yuMdHhmsSaEXxZz";
constexpr int64_t kMillisPerDay = 86'400'000;

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool StartsWithIgnoreCase(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (Lower(text[i]) != Lower(word[i])) return false;
  }
  return true;
}

// Reads `min`..`max` digits at `*pos`.
std::optional<int64_t> Digits(std::string_view text, size_t* pos, size_t min, size_t max) {
  size_t n = 0;
  int64_t value = 0;
  while (*pos + n < text.size() && n < max && text[*pos + n] >= '0' && text[*pos + n] <= '9') {
    value = value * 10 + (text[*pos + n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  *pos += n;
  return value;
}

// One of `names` (case-insensitive, longest first wins by the caller's order) -> its index.
template <size_t N>
std::optional<int> Name(std::string_view text, size_t* pos,
                        const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    if (StartsWithIgnoreCase(text.substr(*pos), names[i])) {
      *pos += names[i].size();
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

// "+05:30", "+0530", "+05", "Z" -> minutes east of UTC.
std::optional<int> Offset(std::string_view text, size_t* pos, bool allow_z) {
  if (*pos < text.size() && text[*pos] == 'Z' && allow_z) {
    ++*pos;
    return 0;
  }
  if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return std::nullopt;
  const int sign = text[*pos] == '-' ? -1 : 1;
  size_t p = *pos + 1;
  auto hours = Digits(text, &p, 2, 2);
  if (!hours || *hours > 18) return std::nullopt;
  int64_t minutes = 0;
  if (p < text.size() && text[p] == ':') ++p;
  if (auto m = Digits(text, &p, 2, 2)) minutes = *m;
  if (minutes > 59) return std::nullopt;
  *pos = p;
  return sign * static_cast<int>(*hours * 60 + minutes);
}

void AppendPadded(std::string* out, int64_t value, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(value));
  out->append(buf);
}

void AppendOffset(std::string* out, int offset, bool colon, bool z_for_zero) {
  if (offset == 0 && z_for_zero) {
    out->push_back('Z');
    return;
  }
  out->push_back(offset < 0 ? '-' : '+');
  const int a = offset < 0 ? -offset : offset;
  AppendPadded(out, a / 60, 2);
  if (colon) out->push_back(':');
  AppendPadded(out, a % 60, 2);
}

}  // namespace

std::optional<DateTimePattern> DateTimePattern::Compile(std::string_view pattern,
                                                        std::string* error) {
  DateTimePattern out;
  for (size_t i = 0; i < pattern.size();) {
    const char c = pattern[i];
    if (c == '\'') {
      // 'text' is literal; '' is one quote.
      Field f;
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        f.literal = "'";
        i = j + 1;
      } else {
        while (j < pattern.size()) {
          if (pattern[j] == '\'') {
            if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
              f.literal.push_back('\'');
              j += 2;
              continue;
            }
            break;
          }
          f.literal.push_back(pattern[j++]);
        }
        if (j >= pattern.size()) {
          *error = "Pattern ends with an incomplete string literal: " + std::string(pattern);
          return std::nullopt;
        }
        i = j + 1;
      }
      out.fields_.push_back(std::move(f));
      continue;
    }
    if (IsAsciiLetter(c)) {
      if (kLetters.find(c) == std::string_view::npos) {
        *error = "Unknown pattern letter: " + std::string(1, c);
        return std::nullopt;
      }
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      Field f;
      f.letter = c;
      f.count = static_cast<int>(j - i);
      if (f.count > 9 || ((c == 'M' || c == 'E') && f.count > 4) ||
          ((c == 'd' || c == 'H' || c == 'h' || c == 'm' || c == 's') && f.count > 2) ||
          (c == 'a' && f.count > 1) || ((c == 'X' || c == 'x') && f.count > 3) ||
          (c == 'Z' && f.count > 3)) {
        *error = "Too many pattern letters: " + std::string(1, c);
        return std::nullopt;
      }
      out.fields_.push_back(std::move(f));
      i = j;
      continue;
    }
    Field f;
    f.literal = std::string(1, c);
    out.fields_.push_back(std::move(f));
    ++i;
  }
  return out;
}

std::optional<int64_t> DateTimePattern::Parse(std::string_view text, int offset_minutes,
                                              int64_t default_year) const {
  int64_t year = default_year;
  int64_t month = 1;
  int64_t day = 1;
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t millis = 0;
  std::optional<bool> pm;
  bool twelve_hour = false;
  int offset = offset_minutes;
  size_t pos = 0;
  for (const Field& f : fields_) {
    if (f.letter == 0) {
      if (text.substr(pos, f.literal.size()) != f.literal) return std::nullopt;
      pos += f.literal.size();
      continue;
    }
    const auto width = static_cast<size_t>(f.count);
    // One letter: 1 or more digits; more letters: exactly that many (years: at least four).
    const size_t min = f.count == 1 ? 1 : width;
    std::optional<int64_t> v;
    switch (f.letter) {
      case 'y':
      case 'u':
        if (f.count == 2) {
          v = Digits(text, &pos, 2, 2);
          if (v) year = 2000 + *v;
        } else {
          v = Digits(text, &pos, f.count == 1 ? 1 : 4, 9);
          if (v) year = *v;
        }
        break;
      case 'M':
        if (f.count >= 3) {
          auto m = f.count == 4 ? Name(text, &pos, kMonthsLong) : Name(text, &pos, kMonthsShort);
          if (m) v = *m + 1;
        } else {
          v = Digits(text, &pos, min, 2);
        }
        if (v) month = *v;
        break;
      case 'd':
        v = Digits(text, &pos, min, 2);
        if (v) day = *v;
        break;
      case 'H':
        v = Digits(text, &pos, min, 2);
        if (v) hour = *v;
        break;
      case 'h':
        v = Digits(text, &pos, min, 2);
        if (v) hour = *v;
        twelve_hour = true;
        break;
      case 'm':
        v = Digits(text, &pos, min, 2);
        if (v) minute = *v;
        break;
      case 's':
        v = Digits(text, &pos, min, 2);
        if (v) second = *v;
        break;
      case 'S': {
        const size_t start = pos;
        v = Digits(text, &pos, width, width);
        if (v) {
          // The first three digits of the fraction are the milliseconds.
          int64_t ms = 0;
          for (size_t k = 0; k < 3; ++k) {
            ms = ms * 10 + (k < width ? text[start + k] - '0' : 0);
          }
          millis = ms;
        }
        break;
      }
      case 'a':
        if (StartsWithIgnoreCase(text.substr(pos), "AM") ||
            StartsWithIgnoreCase(text.substr(pos), "PM")) {
          pm = Lower(text[pos]) == 'p';
          pos += 2;
          v = 0;
        }
        break;
      case 'E':
        if (auto d = f.count == 4 ? Name(text, &pos, kDaysLong) : Name(text, &pos, kDaysShort)) {
          v = *d;  // checked against the date below
        }
        break;
      case 'X':
      case 'x':
      case 'Z':
        if (auto o = Offset(text, &pos, f.letter == 'X' || (f.letter == 'Z' && f.count == 3))) {
          offset = *o;
          v = 0;
        }
        break;
      case 'z':
        for (std::string_view name : {"UTC", "GMT", "Z"}) {
          if (text.substr(pos, name.size()) == name) {
            pos += name.size();
            offset = 0;
            v = 0;
            break;
          }
        }
        break;
      default:
        break;
    }
    if (!v) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (twelve_hour) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + (pm.value_or(false) ? 12 : 0);
  } else if (pm && *pm && hour < 12) {
    hour += 12;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const int64_t days =
      base::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  // A day that does not exist (February 30) comes back as another date.
  const base::CivilDate check = base::CivilFromDays(days);
  if (check.month != month || check.day != day) return std::nullopt;
  return days * kMillisPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + millis -
         int64_t{offset} * 60'000;
}

std::string DateTimePattern::Format(int64_t epoch_ms, int offset_minutes) const {
  const base::DayAndTime split =
      base::SplitEpochMillis(epoch_ms + int64_t{offset_minutes} * 60'000);
  const base::CivilDate date = base::CivilFromDays(split.day);
  const int64_t ms = split.millis_of_day % 1000;
  const int64_t secs = split.millis_of_day / 1000;
  const int64_t hour = secs / 3600;
  std::string out;
  for (const Field& f : fields_) {
    switch (f.letter) {
      case 0:
        out += f.literal;
        break;
      case 'y':
      case 'u':
        if (f.count == 2) {
          AppendPadded(&out, ((date.year % 100) + 100) % 100, 2);
        } else {
          AppendPadded(&out, date.year, f.count);
        }
        break;
      case 'M':
        if (f.count == 3) {
          out += kMonthsShort[date.month - 1];
        } else if (f.count == 4) {
          out += kMonthsLong[date.month - 1];
        } else {
          AppendPadded(&out, date.month, f.count);
        }
        break;
      case 'd':
        AppendPadded(&out, date.day, f.count);
        break;
      case 'H':
        AppendPadded(&out, hour, f.count);
        break;
      case 'h':
        AppendPadded(&out, hour % 12 == 0 ? 12 : hour % 12, f.count);
        break;
      case 'm':
        AppendPadded(&out, secs / 60 % 60, f.count);
        break;
      case 's':
        AppendPadded(&out, secs % 60, f.count);
        break;
      case 'S': {
        std::string fraction;
        AppendPadded(&fraction, ms, 3);
        fraction.resize(static_cast<size_t>(f.count), '0');
        out += fraction;
        break;
      }
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'E': {
        const auto weekday = static_cast<size_t>(((split.day % 7) + 7) % 7);
        out += f.count == 4 ? kDaysLong[weekday] : kDaysShort[weekday];
        break;
      }
      case 'X':
        AppendOffset(&out, offset_minutes, f.count == 3, true);
        break;
      case 'x':
        AppendOffset(&out, offset_minutes, f.count == 3, false);
        break;
      case 'Z':
        AppendOffset(&out, offset_minutes, f.count == 3, f.count == 3);
        break;
      case 'z':
        if (offset_minutes == 0) {
          out += "UTC";
        } else {
          AppendOffset(&out, offset_minutes, true, false);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

std::optional<int> FixedZoneOffsetMinutes(std::string_view zone) {
  for (std::string_view utc : {"UTC", "GMT", "Z", "Etc/UTC", "Etc/GMT", "UT"}) {
    if (zone == utc) return 0;
  }
  std::string_view rest = zone;
  for (std::string_view prefix : {"UTC", "GMT"}) {
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
  // "+5" and "-8" (one digit, as GMT-8 is written) as well as Offset's forms.
  if (rest.size() == 2 && rest[1] >= '0' && rest[1] <= '9') {
    return (rest[0] == '-' ? -60 : 60) * (rest[1] - '0');
  }
  size_t pos = 0;
  auto offset = Offset(rest, &pos, false);
  if (!offset || pos != rest.size()) return std::nullopt;
  return offset;
}

}  // namespace cwlogd::transformers
