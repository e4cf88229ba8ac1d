// DescribeImportTaskBatches: the batches of one import task, which cannot exist here.
#include "api/handlers/import_task_handlers.h"
#include "api/handlers/import_tasks/import_task.h"

namespace cwlogd::api {

ApiResult HandleDescribeImportTaskBatches(const nlohmann::json& request, Context&) {
  namespace it = import_tasks;
  RequestReader in(request);
  (void)in.String("importId", it::kImportIdRule, /*required=*/true);
  (void)in.EnumList("batchImportStatus", ListRule{}, it::kImportStatuses);
  (void)in.Integer("limit", it::kDescribeLimitRule);
  (void)in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  return it::ImportTaskNotFound();
}

}  // namespace cwlogd::api
