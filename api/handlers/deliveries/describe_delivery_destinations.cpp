// DescribeDeliveryDestinations: delivery destinations in name order, `limit` per page.
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDescribeDeliveryDestinations(const nlohmann::json& request, Context& ctx) {
  return deliveries::DescribePage(request, ctx, storage::ResourceKind::kDeliveryDestination,
                                  "deliveryDestinations", &deliveries::DestinationJson);
}

}  // namespace cwlogd::api
