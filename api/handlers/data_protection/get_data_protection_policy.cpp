// GetDataProtectionPolicy: a group without a policy answers its identifier alone.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDataProtectionPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = detail::FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  storage::ResourceStore* store = std::get<detail::GroupResourceTarget>(target).store;
  const std::string& name = std::get<detail::GroupResourceTarget>(target).group;
  nlohmann::json out = {{"logGroupIdentifier", name}};
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDataProtectionPolicy, name);
  if (r.ok()) {
    out["policyDocument"] = r->fields["policyDocument"];
    out["lastUpdatedTime"] = r->last_updated_ms;
  } else if (!r.status().IsNotFound()) {
    return FromStorage(r.status());
  }
  return out;
}

}  // namespace cwlogd::api
