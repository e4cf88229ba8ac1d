// ListSourcesForS3TableIntegration: an integration's source associations in identifier order,
// `maxResults` per page.
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {

ApiResult HandleListSourcesForS3TableIntegration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto integration = in.String("integrationArn", detail::kAnyStringRule, true);
  auto max_results = in.Integer("maxResults", NumberRule{1, 100});
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return integrations::AsValidation(in.error());
  auto keep = [&integration](const storage::ResourceRecord& r) {
    auto it = r.fields.find("integrationArn");
    return it != r.fields.end() && it->second == *integration;
  };
  const uint64_t digest = detail::HashBytes(*integration, 0x7374);
  auto page =
      detail::ListResourcePage(ctx, storage::ResourceKind::kS3TableSource, "", next_token,
                               static_cast<size_t>(max_results.value_or(100)), 'g', digest, keep);
  if (auto* e = std::get_if<ApiError>(&page)) return integrations::AsValidation(*e);
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) {
    nlohmann::json source = {{"name", r.fields.contains("dataSourceName")
                                          ? r.fields.at("dataSourceName")
                                          : std::string()}};
    if (auto it = r.fields.find("dataSourceType"); it != r.fields.end()) {
      source["type"] = it->second;
    }
    list.push_back({{"identifier", r.name},
                    {"dataSource", std::move(source)},
                    {"status", "ACTIVE"},
                    {"createdTimeStamp", r.creation_time_ms}});
  }
  nlohmann::json out = {{"sources", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
