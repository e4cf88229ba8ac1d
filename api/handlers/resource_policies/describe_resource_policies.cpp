// DescribeResourcePolicies: the ACCOUNT policies by name (the default), the RESOURCE policies
// of log groups (policyScope RESOURCE), or the one of resourceArn.
#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/resource_policies/resource_policy.h"

namespace cwlogd::api {

namespace {

constexpr std::string_view kScopes[] = {"ACCOUNT", "RESOURCE"};

}  // namespace

ApiResult HandleDescribeResourcePolicies(const nlohmann::json& request, Context& ctx) {
  using namespace resource_policies;  // NOLINT(google-build-using-namespace)
  RequestReader in(request);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  auto resource_arn = in.String("resourceArn", detail::kAnyStringRule);
  auto scope = in.Enum("policyScope", kScopes);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();

  nlohmann::json policies = nlohmann::json::array();
  if (resource_arn) {
    if (scope && *scope != "RESOURCE") return nlohmann::json{{"resourcePolicies", policies}};
    auto group = detail::ResolveLogGroupIdentifier(ctx.partition, *resource_arn);
    if (!group) return nlohmann::json{{"resourcePolicies", policies}};
    auto r = store->Get(ctx.partition, storage::ResourceKind::kGroupResourcePolicy, *group);
    if (r.ok()) {
      policies.push_back(PolicyJson(ctx, storage::ResourceKind::kGroupResourcePolicy, *r));
    } else if (!r.status().IsNotFound()) {
      return FromStorage(r.status());
    }
    return nlohmann::json{{"resourcePolicies", policies}};
  }
  const storage::ResourceKind kind = scope && *scope == "RESOURCE"
                                         ? storage::ResourceKind::kGroupResourcePolicy
                                         : storage::ResourceKind::kResourcePolicy;
  const uint64_t digest = detail::HashBytes(scope.value_or("ACCOUNT"), 0x7270);
  auto page =
      detail::ListResourcePage(ctx, kind, "", next_token, static_cast<size_t>(limit.value_or(50)),
                               detail::token_kind::kDescribeResourcePolicies, digest);
  if (auto* e = std::get_if<ApiError>(&page)) return *e;
  auto& p = std::get<detail::ResourcePage>(page);
  for (const auto& r : p.items) policies.push_back(PolicyJson(ctx, kind, r));
  nlohmann::json out = {{"resourcePolicies", std::move(policies)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
