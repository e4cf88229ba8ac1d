// GetDataProtectionPolicy: a group without a policy answers its identifier alone.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDataProtectionPolicy(const nlohmann::json& request, Context& ctx) {
  auto found = detail::GetGroupResource(request, ctx, storage::ResourceKind::kDataProtectionPolicy);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  const detail::GroupResource& resource = std::get<detail::GroupResource>(found);
  nlohmann::json out = {{"logGroupIdentifier", resource.group}};
  if (resource.record) {
    out["policyDocument"] = resource.record->FieldOrEmpty("policyDocument");
    out["lastUpdatedTime"] = resource.record->last_updated_ms;
  }
  return out;
}

}  // namespace cwlogd::api
