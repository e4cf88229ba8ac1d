#include "api/handlers/import_tasks/import_task.h"

#include <limits>

namespace cwlogd::api::import_tasks {
namespace {

bool IsImportId(std::string_view s) {
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const StringRule kImportIdRule{1, 256, "[\\-a-zA-Z0-9]+", &IsImportId, false};
const StringRule kSourceArnRule{};
const StringRule kRoleArnRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};

ApiError ImportTaskNotFound() {
  return ApiError::ResourceNotFound("The specified import task does not exist.");
}

}  // namespace cwlogd::api::import_tasks
