// What the import-task operations share: the model's rules for their members and the answer
// for an import task that does not exist (none can: there is no source to import from).
#pragma once

#include <string_view>

#include "api/api_error.h"
#include "api/request_reader.h"

namespace cwlogd::api::import_tasks {

extern const StringRule kImportIdRule;   // 1-256, [\-a-zA-Z0-9]+
extern const StringRule kSourceArnRule;  // Arn: any string
extern const StringRule kRoleArnRule;    // >= 1
inline constexpr std::string_view kImportStatuses[] = {"IN_PROGRESS", "CANCELLED", "COMPLETED",
                                                       "FAILED"};
inline constexpr NumberRule kDescribeLimitRule{1, 50};

// ResourceNotFoundException for `import_id` (our text; AWS's is not recorded).
ApiError ImportTaskNotFound();

}  // namespace cwlogd::api::import_tasks
