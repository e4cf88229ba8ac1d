// DescribeDeliveries: deliveries in id order, `limit` per page.
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDescribeDeliveries(const nlohmann::json& request, Context& ctx) {
  return deliveries::DescribePage(request, ctx, storage::ResourceKind::kDelivery, "deliveries",
                                  &deliveries::DeliveryJson);
}

}  // namespace cwlogd::api
