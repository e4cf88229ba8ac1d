// DeleteDeliverySource: refused with ConflictException while a delivery uses the source.
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDeliverySource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kSourceNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  return deliveries::DeleteUnlessDelivered(ctx, storage::ResourceKind::kDeliverySource, *name,
                                           deliveries::kSourceName, *name, "source",
                                           &deliveries::SourceNotFound);
}

}  // namespace cwlogd::api
