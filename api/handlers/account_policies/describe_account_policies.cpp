// DescribeAccountPolicies: the policies of one type (and name), all on one page (a type has at
// most 20), so no nextToken is ever handed out.
#include <algorithm>

#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/handlers/account_policies/account_policy.h"
#include "api/handlers/account_resource_handlers.h"

namespace cwlogd::api {

ApiResult HandleDescribeAccountPolicies(const nlohmann::json& request, Context& ctx) {
  using namespace account_policies;  // NOLINT(google-build-using-namespace)
  RequestReader in(request);
  auto type = in.Enum("policyType", kPolicyTypes, /*required=*/true);
  auto name = in.String("policyName", detail::kAnyStringRule);
  auto accounts = in.StringList("accountIdentifiers", ListRule{0, 20}, kAccountIdRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  if (next_token) return detail::InvalidNextToken();  // none was ever handed out
  nlohmann::json policies = nlohmann::json::array();
  // Only the caller's own account holds policies here (no linked accounts).
  if (accounts && !accounts->empty() &&
      std::find(accounts->begin(), accounts->end(), ctx.partition.account) == accounts->end()) {
    return nlohmann::json{{"accountPolicies", policies}};
  }
  const std::string prefix = name ? RecordName(*type, *name) : TypePrefix(*type);
  storage::Status s = store->List(ctx.partition, storage::ResourceKind::kAccountPolicy, prefix, "",
                                  [&](const storage::ResourceRecord& r) {
                                    if (!name || r.name == prefix) {
                                      policies.push_back(PolicyJson(ctx, r));
                                    }
                                    return true;
                                  });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"accountPolicies", std::move(policies)}};
}

}  // namespace cwlogd::api
