// Date-time patterns of the dateTimeConverter processor: the Java DateTimeFormatter letters
// AWS's examples use (y u M d H h m s S a E X x Z z and 'quoted text'), to parse a field's value
// and to format the converted one, and the fixed-offset time zones cwlogd can convert between
// (docs/transformers.md). Pure; a compiled pattern is immutable and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::transformers {

class DateTimePattern {
 public:
  // The pattern, or nullopt with *error set (Java's "Unknown pattern letter: q" and the like).
  static std::optional<DateTimePattern> Compile(std::string_view pattern, std::string* error);

  // Epoch milliseconds of `text`, which must match the whole pattern, read in the time zone
  // `offset_minutes` east of UTC unless the text carries its own offset. A pattern without a year
  // takes `default_year`. nullopt when the text does not match or names no valid date.
  std::optional<int64_t> Parse(std::string_view text, int offset_minutes,
                               int64_t default_year) const;

  // `epoch_ms` written in the pattern, in the zone `offset_minutes` east of UTC.
  std::string Format(int64_t epoch_ms, int offset_minutes) const;

 private:
  struct Field {
    char letter = 0;  // 0: literal text
    int count = 0;    // how many times the letter repeats
    std::string literal;
  };
  std::vector<Field> fields_;
};

// Minutes east of UTC of a zone name cwlogd converts: "UTC", "GMT", "Z", "Etc/UTC", "UT",
// "+05:30" / "-0800" / "+05", and "UTC+05:30" / "GMT-8". nullopt for region zones (America/...,
// PST) whose offset changes with daylight saving time: they need a time zone database.
std::optional<int> FixedZoneOffsetMinutes(std::string_view zone);

}  // namespace cwlogd::transformers
