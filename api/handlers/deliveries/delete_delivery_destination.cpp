// DeleteDeliveryDestination (and its policy): refused with ConflictException while a delivery
// uses the destination.
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDeliveryDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kDestinationNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  return deliveries::DeleteUnlessDelivered(ctx, storage::ResourceKind::kDeliveryDestination, *name,
                                           deliveries::kDestinationArn,
                                           deliveries::DestinationArn(ctx.partition, *name),
                                           "destination", &deliveries::DestinationNotFound);
}

}  // namespace cwlogd::api
