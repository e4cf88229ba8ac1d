// JSON text written straight into a string, for the responses that carry pages of events
// (GetLogEvents, FilterLogEvents): building an nlohmann DOM of 10,000 events and then dumping
// it cost most of such a call. The output is what nlohmann's dump (with error_handler replace)
// would accept as equal: the same escapes, invalid UTF-8 replaced by U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cwlogd::api::detail {

// Length of the well-formed UTF-8 sequence at s[i] (1 for ASCII; RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0 when s[i] starts none. i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Appends `value` as a quoted JSON string: `"` `\` and control characters escaped, valid
// UTF-8 copied as is, each byte of an invalid sequence replaced by U+FFFD.
void AppendJsonString(std::string& out, std::string_view value);

// Appends `value` as a JSON number.
void AppendJsonInt(std::string& out, int64_t value);

// Appends the members every event shape shares, in AWS's order and without braces:
// "timestamp":T,"message":"M","ingestionTime":I
void AppendEventMembers(std::string& out, int64_t timestamp, std::string_view message,
                        int64_t ingestion_time);

}  // namespace cwlogd::api::detail
