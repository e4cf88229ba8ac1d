// PutBearerTokenAuthentication: {logGroupIdentifier (name or ARN),
// bearerTokenAuthenticationEnabled}, both required (botocore model). Stored on the group and shown
// by DescribeLogGroups; cwlogd's own authentication (--auth) does not change with it
// (docs/api-coverage.md).
#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandlePutBearerTokenAuthentication(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  auto enabled = in.Bool("bearerTokenAuthenticationEnabled", /*required=*/true);
  if (in.failed()) return in.error();
  detail::GroupRef ref;
  ref.identifier = identifier;
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  storage::Status s = ctx.store.UpdateLogGroup(ctx.partition, std::get<std::string>(resolved),
                                               [&](storage::LogGroupInfo& g) {
                                                 g.bearer_token_authentication = *enabled;
                                                 return storage::Status::OK();
                                               });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
