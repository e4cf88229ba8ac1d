// Request body decoding (Content-Encoding): the one place that decides which encodings the
// server accepts, for every protocol (Logs JSON 1.1 and the three CloudWatch metrics ones).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api/api_error.h"

namespace cwlogd::server {

// Inflates a gzip (or zlib) stream. nullopt with `error` set when the data is not a complete,
// valid stream or would inflate to more than `max_output_bytes`.
std::optional<std::string> Gunzip(std::string_view compressed, size_t max_output_bytes,
                                  std::string* error);

// What DecodeContentEncoding made of a body.
struct DecodedBody {
  // The inflated bytes when the body was gzip'ed; unset when the body is to be used as sent
  // (no Content-Encoding, or `identity`).
  std::optional<std::string> inflated;
};

// Decodes `body` per its Content-Encoding header value (surrounding spaces and tabs ignored,
// names case-insensitive): empty or `identity` leave it as is; `gzip` and `x-gzip` (what the
// AWS SDKs and the CLI send when they compress a request) inflate it to at most
// `max_decoded_bytes`. Anything else, or a corrupt or oversized stream, is a
// SerializationException.
std::variant<DecodedBody, api::ApiError> DecodeContentEncoding(std::string_view content_encoding,
                                                               std::string_view body,
                                                               size_t max_decoded_bytes);

}  // namespace cwlogd::server
