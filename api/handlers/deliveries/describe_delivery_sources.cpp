// DescribeDeliverySources: delivery sources in name order, `limit` per page.
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDescribeDeliverySources(const nlohmann::json& request, Context& ctx) {
  return deliveries::DescribePage(request, ctx, storage::ResourceKind::kDeliverySource,
                                  "deliverySources", &deliveries::SourceJson);
}

}  // namespace cwlogd::api
