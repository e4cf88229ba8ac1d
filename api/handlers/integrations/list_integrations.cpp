// ListIntegrations: the integrations in name order, by name prefix, type and status (the model
// has no paging).
#include "api/detail/resources.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {

ApiResult HandleListIntegrations(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto prefix = in.String("integrationNamePrefix", integrations::kIntegrationNameRule);
  auto type = in.Enum("integrationType", integrations::kIntegrationTypes);
  auto status = in.Enum("integrationStatus", integrations::kIntegrationStatuses);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  nlohmann::json list = nlohmann::json::array();
  storage::Status s = store->List(ctx.partition, storage::ResourceKind::kIntegration,
                                  prefix.value_or(""), "", [&](const storage::ResourceRecord& r) {
                                    auto it = r.fields.find("integrationType");
                                    const std::string record_type =
                                        it == r.fields.end() ? "OPENSEARCH" : it->second;
                                    if (type && *type != record_type) return true;
                                    if (status && *status != "ACTIVE")
                                      return true;  // every stored integration is ACTIVE
                                    list.push_back({{"integrationName", r.name},
                                                    {"integrationType", record_type},
                                                    {"integrationStatus", "ACTIVE"}});
                                    return true;
                                  });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"integrationSummaries", std::move(list)}};
}

}  // namespace cwlogd::api
