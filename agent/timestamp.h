// Timestamps in log lines: a small strptime-like parser for awslogs' datetime_format and the
// CloudWatch agent's timestamp_format. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwlogd::agent {

// A compiled datetime_format. Directives: %Y %y %m %d %e %H %M %S %I %p %b %B %h %a %A %j %f %z
// %Z %T %% and the CloudWatch agent's unpadded forms (%-d, %-m, %-H, %-M, %-S, %-I).
class TimestampFormat {
 public:
  // Returns nullopt and sets *error for an unknown directive or an empty format.
  static std::optional<TimestampFormat> Compile(std::string_view format, std::string* error);

  // The first timestamp in `line` matching the format, as milliseconds since the epoch.
  // utc: fields without %z are UTC, else local time. now_ms: fills a missing year (the latest
  // year that does not put the time more than a day ahead of now) and a missing date.
  std::optional<int64_t> Find(std::string_view line, bool utc, int64_t now_ms) const;

  // True if `line` has a timestamp in this format anywhere (for {datetime_format} patterns).
  bool Matches(std::string_view line) const;

  const std::string& format() const { return format_; }

 private:
  struct Fields;
  bool MatchAt(std::string_view line, size_t pos, Fields* f) const;
  std::string format_;
};

}  // namespace cwlogd::agent
