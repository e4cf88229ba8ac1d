// DeleteDelivery.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDelivery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto id = in.String("id", deliveries::kDeliveryIdRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kDelivery, *id);
  if (s.IsNotFound()) return deliveries::DeliveryNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
