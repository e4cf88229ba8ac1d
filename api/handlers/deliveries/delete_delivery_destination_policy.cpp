// DeleteDeliveryDestinationPolicy: ResourceNotFoundException when the destination or its
// policy does not exist.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("deliveryDestinationName", deliveries::kDestinationNameRule,
                        /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  std::optional<ApiError> refused;
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDeliveryDestination, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          refused = deliveries::DestinationNotFound();
        } else if (!current->fields.contains(deliveries::kPolicy)) {
          refused = ApiError::ResourceNotFound(
              "The specified delivery destination has no delivery destination policy.");
        }
        if (refused) return storage::Status::NotFound(storage::Status::Resource::kResource);
        *out = *current;
        out->fields.erase(deliveries::kPolicy);
        return storage::Status::OK();
      });
  if (refused) return *refused;
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
