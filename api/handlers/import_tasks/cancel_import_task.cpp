// CancelImportTask: no import task exists here (CreateImportTask finds no source), so a valid
// request names a task that does not exist.
#include "api/handlers/import_task_handlers.h"
#include "api/handlers/import_tasks/import_task.h"

namespace cwlogd::api {

ApiResult HandleCancelImportTask(const nlohmann::json& request, Context&) {
  namespace it = import_tasks;
  RequestReader in(request);
  (void)in.String("importId", it::kImportIdRule, /*required=*/true);
  if (in.failed()) return in.error();
  return it::ImportTaskNotFound();
}

}  // namespace cwlogd::api
