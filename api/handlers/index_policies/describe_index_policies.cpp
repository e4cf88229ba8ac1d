// DescribeIndexPolicies: the policy in force for the one log group named.
#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/index_policies/index_policy.h"

namespace cwlogd::api {

ApiResult HandleDescribeIndexPolicies(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifiers =
      in.StringList("logGroupIdentifiers", ListRule{1, 1}, kLogGroupIdentifierRule, true);
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  if (next_token) return detail::InvalidNextToken();  // one group: never a second page
  auto group = detail::ExistingGroup(ctx, identifiers->front());
  if (auto* e = std::get_if<ApiError>(&group)) return *e;
  const std::string& name = std::get<std::string>(group);
  auto policy = index_policies::PolicyFor(ctx, name);
  if (auto* e = std::get_if<ApiError>(&policy)) return *e;
  nlohmann::json list = nlohmann::json::array();
  if (const auto& p = std::get<std::optional<index_policies::EffectivePolicy>>(policy)) {
    list.push_back(index_policies::IndexPolicyJson(name, *p));
  }
  return nlohmann::json{{"indexPolicies", std::move(list)}};
}

}  // namespace cwlogd::api
