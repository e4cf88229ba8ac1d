// DeleteIntegration. There are no vended-log dashboards here, so `force` changes nothing.
#include "api/detail/resources.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {

ApiResult HandleDeleteIntegration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("integrationName", integrations::kIntegrationNameRule, true);
  (void)in.Bool("force");
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kIntegration, *name);
  if (s.IsNotFound()) return integrations::IntegrationNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
