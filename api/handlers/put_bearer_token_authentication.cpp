// PutBearerTokenAuthentication: {logGroupIdentifier (name or ARN),
// bearerTokenAuthenticationEnabled}, both required (botocore model). Stored on the group and shown
// by DescribeLogGroups; cwlogd's own authentication (--auth) does not change with it
// (docs/api-coverage.md).
#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandlePutBearerTokenAuthentication(const nlohmann::json& request, Context& ctx) {
  return detail::PutGroupSetting(
      request, ctx, "bearerTokenAuthenticationEnabled",
      [](storage::LogGroupInfo& g, bool on) { g.bearer_token_authentication = on; });
}

}  // namespace cwlogd::api
