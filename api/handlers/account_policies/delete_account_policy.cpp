// DeleteAccountPolicy.
#include <fmt/format.h>

#include "api/detail/resources.h"
#include "api/handlers/account_policies/account_policy.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteAccountPolicy(const nlohmann::json& request, Context& ctx) {
  using namespace account_policies;  // NOLINT(google-build-using-namespace)
  RequestReader in(request);
  auto name = in.String("policyName", detail::kAnyStringRule, /*required=*/true);
  auto type = in.Enum("policyType", kPolicyTypes, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s =
      store->Delete(ctx.partition, storage::ResourceKind::kAccountPolicy, RecordName(*type, *name));
  if (s.IsNotFound()) {
    // The resource-policy text of AWS; its account-policy text is unknown.
    return ApiError::ResourceNotFound(fmt::format("Policy with name [{}] does not exist.", *name));
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
