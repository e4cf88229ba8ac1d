// GetDeliveryDestinationPolicy: {"policy": {}} for a destination without a policy.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("deliveryDestinationName", deliveries::kDestinationNameRule,
                        /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDeliveryDestination, *name);
  if (r.status().IsNotFound()) return deliveries::DestinationNotFound();
  if (!r.ok()) return FromStorage(r.status());
  nlohmann::json policy = nlohmann::json::object();
  if (auto it = r->fields.find(deliveries::kPolicy); it != r->fields.end()) {
    policy["deliveryDestinationPolicy"] = it->second;
  }
  return nlohmann::json{{"policy", std::move(policy)}};
}

}  // namespace cwlogd::api
