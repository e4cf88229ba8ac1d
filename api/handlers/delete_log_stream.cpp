#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteLogStream(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto stream = in.String("logStreamName", kLogStreamNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  // Deletion protection "blocks all deletion operations" on the group (model doc), streams too.
  auto info = ctx.store.GetLogGroup(ctx.partition, *group);
  if (!info.ok()) return FromStorage(info.status());
  if (info->deletion_protection) {
    return ApiError::Validation("Cannot delete log stream " + *stream +
                                " because deletion "
                                "protection is enabled on log group " +
                                *group + ".");
  }
  storage::Status s = ctx.store.DeleteLogStream(ctx.partition, *group, *stream);
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
