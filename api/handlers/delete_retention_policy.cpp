#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

// Removing a policy that is not set succeeds: the model lists no error for it (unverified).
ApiResult HandleDeleteRetentionPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::Status s = ctx.store.UpdateLogGroup(ctx.partition, *group, [](storage::LogGroupInfo& g) {
    g.retention_days.reset();
    return storage::Status::OK();
  });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
