#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteLogGroup(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  if (in.failed()) return in.error();

  auto group = ctx.store.GetLogGroup(ctx.partition, *name);
  if (!group.ok()) return FromStorage(group.status());
  if (group->deletion_protection) return detail::DeletionProtected(*name);
  storage::Status s = ctx.store.DeleteLogGroup(ctx.partition, *name);
  // Protection switched on between the two calls: storage refuses with FailedPrecondition.
  if (s.code() == storage::Status::Code::kFailedPrecondition)
    return detail::DeletionProtected(*name);
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
