// Request body decoding (Content-Encoding: gzip). Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cwlogd::server {

// Inflates a gzip (or zlib) stream. nullopt with `error` set when the data is not a complete,
// valid stream or would inflate to more than `max_output_bytes`.
std::optional<std::string> Gunzip(std::string_view compressed, size_t max_output_bytes,
                                  std::string* error);

}  // namespace cwlogd::server
