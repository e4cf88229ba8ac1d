// PutLogGroupDeletionProtection: {logGroupIdentifier (name or ARN), deletionProtectionEnabled},
// both required (botocore model). While on, DeleteLogGroup and DeleteLogStream are refused.
#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandlePutLogGroupDeletionProtection(const nlohmann::json& request, Context& ctx) {
  return detail::PutGroupSetting(
      request, ctx, "deletionProtectionEnabled",
      [](storage::LogGroupInfo& g, bool on) { g.deletion_protection = on; });
}

}  // namespace cwlogd::api
