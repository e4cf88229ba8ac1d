// CBOR (RFC 8949) <-> nlohmann::json for the Smithy RPC v2 CBOR protocol of the CloudWatch
// metrics API. Our own small codec: it reads tag 1 (epoch-seconds timestamps) as plain numbers
// and writes timestamps back as tag 1 + float64, caps depth and size, and never throws or
// crashes on malformed input. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cwlogd::server::cloudwatch {

struct CborLimits {
  size_t max_depth = 64;               // nesting of arrays/maps/tags. Default: 64
  size_t max_string_bytes = 8u << 20;  // one (possibly chunked) text/byte string. Default: 8 MiB
};

// Decodes exactly one data item filling the whole of `bytes` into JSON:
//   unsigned/negative integers -> integers (beyond int64 -> double), floats (half, single,
//   double) -> double, text -> string (must be valid UTF-8), bytes -> binary, arrays, maps
//   (keys must be text strings), true/false/null/undefined -> bool/null, tag 1 -> its numeric
//   content (epoch seconds); other tags are dropped and their content kept.
// Definite and indefinite lengths are accepted. nullopt with `error` set on malformed input.
// A map that repeats a key (RFC 8949 5.6: not valid CBOR) is never read as one of its values:
// with `repeated_key`, decoding goes on and *repeated_key is set to the first repeated key in
// document order (left alone when there is none), so that the caller can rank it after
// malformed input, as api::detail::ParseJson does for JSON; without it, it is malformed input.
std::optional<nlohmann::json> DecodeCbor(std::string_view bytes, std::string* error,
                                         const CborLimits& limits = {},
                                         std::optional<std::string>* repeated_key = nullptr);

// Says which JSON members hold timestamps (epoch seconds) so the encoder emits tag 1 for them;
// a member that is a list of timestamps (e.g. "Timestamps") counts too.
using TimestampMemberPredicate = bool (*)(std::string_view member_name);

// Encodes JSON as CBOR with definite lengths: integers as major type 0/1, other numbers as
// float64, strings as text, binary as bytes, objects as maps. Numbers under a member for which
// `is_timestamp` returns true are written as tag 1 + float64.
std::string EncodeCbor(const nlohmann::json& value,
                       TimestampMemberPredicate is_timestamp = nullptr);

}  // namespace cwlogd::server::cloudwatch
