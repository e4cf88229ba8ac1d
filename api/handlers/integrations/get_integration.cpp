// GetIntegration: one integration, by name.
#include "api/detail/resources.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {

ApiResult HandleGetIntegration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("integrationName", integrations::kIntegrationNameRule, true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kIntegration, *name);
  if (r.status().IsNotFound()) return integrations::IntegrationNotFound();
  if (!r.ok()) return FromStorage(r.status());
  // No OpenSearch resources exist here: the details name only the application the request
  // gave (our choice; AWS lists the collection, policies, data source and workspace it made).
  nlohmann::json details = nlohmann::json::object();
  if (auto it = r->fields.find("applicationArn"); it != r->fields.end()) {
    details["application"] = {{"applicationArn", it->second}};
  }
  return nlohmann::json{
      {"integrationName", r->name},
      {"integrationType",
       r->fields.contains("integrationType") ? r->fields.at("integrationType") : "OPENSEARCH"},
      {"integrationStatus", "ACTIVE"},
      {"integrationDetails", {{"openSearchIntegrationDetails", std::move(details)}}}};
}

}  // namespace cwlogd::api
