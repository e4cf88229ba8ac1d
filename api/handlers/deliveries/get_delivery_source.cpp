// GetDeliverySource.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDeliverySource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kSourceNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDeliverySource, *name);
  if (r.status().IsNotFound()) return deliveries::SourceNotFound();
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"deliverySource", deliveries::SourceJson(ctx, *r)}};
}

}  // namespace cwlogd::api
