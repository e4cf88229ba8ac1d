// GetDelivery.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDelivery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto id = in.String("id", deliveries::kDeliveryIdRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDelivery, *id);
  if (r.status().IsNotFound()) return deliveries::DeliveryNotFound();
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"delivery", deliveries::DeliveryJson(ctx, *r)}};
}

}  // namespace cwlogd::api
