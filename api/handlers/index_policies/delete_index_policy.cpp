// DeleteIndexPolicy: removes a log group's own policy (account-level ones stay).
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteIndexPolicy(const nlohmann::json& request, Context& ctx) {
  // AWS's text for a group without a policy is unknown.
  return detail::DeleteGroupResource(request, ctx, storage::ResourceKind::kIndexPolicy,
                                     "The specified log group has no index policy.");
}

}  // namespace cwlogd::api
