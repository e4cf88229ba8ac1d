// DeleteDataProtectionPolicy.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDataProtectionPolicy(const nlohmann::json& request, Context& ctx) {
  // AWS's text for a group without a policy is unknown.
  return detail::DeleteGroupResource(request, ctx, storage::ResourceKind::kDataProtectionPolicy,
                                     "The specified log group has no data protection policy.");
}

}  // namespace cwlogd::api
