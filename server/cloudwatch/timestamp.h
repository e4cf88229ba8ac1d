// Timestamps of the CloudWatch query protocol: ISO 8601 text <-> epoch seconds (the JSON 1.0
// shape). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cwlogd::server::cloudwatch {

// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]` (the `T` may be a space or `t`;
// no zone means UTC) and plain epoch seconds such as `1700000000` or `1700000000.5`. Returns
// epoch seconds, or nullopt when the text is neither.
std::optional<double> ParseTimestamp(std::string_view s);

// `2024-01-01T00:00:00Z`, or `2024-01-01T00:00:00.123Z` when there are milliseconds.
std::string FormatIso8601(double epoch_seconds);

}  // namespace cwlogd::server::cloudwatch
