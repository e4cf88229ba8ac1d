// PutLogGroupDeletionProtection: {logGroupIdentifier (name or ARN), deletionProtectionEnabled},
// both required (botocore model). While on, DeleteLogGroup and DeleteLogStream are refused.
#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandlePutLogGroupDeletionProtection(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  auto enabled = in.Bool("deletionProtectionEnabled", /*required=*/true);
  if (in.failed()) return in.error();
  detail::GroupRef ref;
  ref.identifier = identifier;
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  storage::Status s = ctx.store.UpdateLogGroup(ctx.partition, std::get<std::string>(resolved),
                                               [&](storage::LogGroupInfo& g) {
                                                 g.deletion_protection = *enabled;
                                                 return storage::Status::OK();
                                               });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
