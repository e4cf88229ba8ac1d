#include "api/detail/tags.h"

#include <cctype>

namespace cwlogd::api::detail {

std::optional<ApiError> CheckTagKeys(const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    if (key.size() >= 4 && std::tolower(static_cast<unsigned char>(key[0])) == 'a' &&
        std::tolower(static_cast<unsigned char>(key[1])) == 'w' &&
        std::tolower(static_cast<unsigned char>(key[2])) == 's' && key[3] == ':') {
      // AWS reserves the prefix for its own tags; the exact Logs text is not recorded.
      return ApiError::InvalidParameter("Tag keys starting with 'aws:' are reserved for AWS use: " +
                                        key);
    }
  }
  return std::nullopt;
}

}  // namespace cwlogd::api::detail
