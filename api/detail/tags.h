// Tag rules shared by CreateLogGroup and the tagging operations (logs-api.md §7). Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/api_error.h"
#include "api/request_reader.h"

namespace cwlogd::api::detail {

inline constexpr size_t kMaxTagsPerResource = 50;
inline constexpr ListRule kTagMapRule{1, kMaxTagsPerResource};  // tags in one request: 1-50

// Keys starting with the reserved "aws:" prefix (any case) are refused.
std::optional<ApiError> CheckTagKeys(const std::map<std::string, std::string>& tags);

}  // namespace cwlogd::api::detail
