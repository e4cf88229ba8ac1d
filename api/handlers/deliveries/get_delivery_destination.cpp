// GetDeliveryDestination.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDeliveryDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kDestinationNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDeliveryDestination, *name);
  if (r.status().IsNotFound()) return deliveries::DestinationNotFound();
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"deliveryDestination", deliveries::DestinationJson(ctx, *r)}};
}

}  // namespace cwlogd::api
