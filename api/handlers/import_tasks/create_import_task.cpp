// CreateImportTask: AWS imports from a CloudTrail Lake event data store into a managed log
// group. cwlogd has no CloudTrail Lake, so once the request passes the model's checks the source
// is refused: an ARN that is not an event data store's as InvalidParameterException (AWS:
// "CloudTrail Event Data Store is the only supported data source"), any other as not found.
#include <string>

#include "api/handlers/import_task_handlers.h"
#include "api/handlers/import_tasks/import_task.h"

namespace cwlogd::api {
namespace {

// arn:<partition>:cloudtrail:<region>:<account>:eventdatastore/<id>
bool IsEventDataStoreArn(std::string_view arn) {
  if (!arn.starts_with("arn:")) return false;
  size_t pos = 0;
  std::string_view fields[5];
  for (auto& field : fields) {
    const size_t colon = arn.find(':', pos);
    if (colon == std::string_view::npos) return false;
    field = arn.substr(pos, colon - pos);
    pos = colon + 1;
  }
  return fields[2] == "cloudtrail" && arn.substr(pos).starts_with("eventdatastore/") &&
         arn.size() > pos + std::string_view("eventdatastore/").size();
}

}  // namespace

ApiResult HandleCreateImportTask(const nlohmann::json& request, Context&) {
  namespace it = import_tasks;
  RequestReader in(request);
  auto source = in.String("importSourceArn", it::kSourceArnRule, /*required=*/true);
  (void)in.String("importRoleArn", it::kRoleArnRule, /*required=*/true);
  if (const nlohmann::json* filter = in.Structure("importFilter")) {
    RequestReader nested(*filter, "importFilter.");
    (void)nested.Long("startEventTime", NumberRule{0});
    (void)nested.Long("endEventTime", NumberRule{0});
    in.Absorb(nested);
  }
  if (in.failed()) return in.error();
  if (!IsEventDataStoreArn(*source)) {
    return ApiError::InvalidParameter(
        "Invalid importSourceArn: only CloudTrail Lake event data stores can be imported from.");
  }
  return ApiError::ResourceNotFound("The specified event data store does not exist.");
}

}  // namespace cwlogd::api
