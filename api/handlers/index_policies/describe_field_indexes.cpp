// DescribeFieldIndexes: the fields the policy in force indexes, per log group named. cwlogd does
// not scan events for them: lastScanTime is the policy's last update, and firstEventTime /
// lastEventTime are left out (docs/api-coverage.md).
#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/index_policies/index_policy.h"

namespace cwlogd::api {

ApiResult HandleDescribeFieldIndexes(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifiers =
      in.StringList("logGroupIdentifiers", ListRule{1, 100}, kLogGroupIdentifierRule, true);
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  if (next_token) return detail::InvalidNextToken();  // at most 2,000 fields: one page
  nlohmann::json list = nlohmann::json::array();
  for (const auto& identifier : *identifiers) {
    auto group = detail::ExistingGroup(ctx, identifier);
    if (auto* e = std::get_if<ApiError>(&group)) return *e;
    const std::string& name = std::get<std::string>(group);
    auto policy = index_policies::PolicyFor(ctx, name);
    if (auto* e = std::get_if<ApiError>(&policy)) return *e;
    const auto& p = std::get<std::optional<index_policies::EffectivePolicy>>(policy);
    if (!p) continue;
    auto doc = p->record.fields.find("policyDocument");
    if (doc == p->record.fields.end()) continue;
    auto fields = index_policies::ParseIndexFields(doc->second);
    if (std::holds_alternative<ApiError>(fields)) continue;  // checked when stored
    for (const auto& [field, type] :
         std::get<std::vector<std::pair<std::string, std::string>>>(fields)) {
      list.push_back({{"logGroupIdentifier", name},
                      {"fieldIndexName", field},
                      {"lastScanTime", p->record.last_updated_ms},
                      {"type", type}});
    }
  }
  return nlohmann::json{{"fieldIndexes", std::move(list)}};
}

}  // namespace cwlogd::api
