// DisassociateSourceFromS3TableIntegration: removes an association, by its identifier.
#include "api/detail/resources.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {

ApiResult HandleDisassociateSourceFromS3TableIntegration(const nlohmann::json& request,
                                                         Context& ctx) {
  RequestReader in(request);
  auto id = in.String("identifier", integrations::kSourceIdentifierRule, true);
  if (in.failed()) return integrations::AsValidation(in.error());
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kS3TableSource, *id);
  if (s.IsNotFound()) {  // our text
    return ApiError::ResourceNotFound("The specified data source association does not exist.");
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"identifier", *id}};
}

}  // namespace cwlogd::api
