// DescribeImportTasks: an empty page once the request passes the model's checks (no import task
// exists here; no nextToken was ever handed out, so none is valid).
#include "api/detail/common.h"
#include "api/handlers/import_task_handlers.h"
#include "api/handlers/import_tasks/import_task.h"

namespace cwlogd::api {

ApiResult HandleDescribeImportTasks(const nlohmann::json& request, Context&) {
  namespace it = import_tasks;
  RequestReader in(request);
  (void)in.String("importId", it::kImportIdRule);
  (void)in.Enum("importStatus", it::kImportStatuses);
  (void)in.String("importSourceArn", it::kSourceArnRule);
  (void)in.Integer("limit", it::kDescribeLimitRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  if (next_token) return detail::InvalidNextToken();
  return nlohmann::json{{"imports", nlohmann::json::array()}};
}

}  // namespace cwlogd::api
