// DeleteDeliveryDestination (and its policy): refused with ConflictException while a delivery
// uses the destination.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDeliveryDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kDestinationNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  bool in_use = false;
  // Under the lock of every delivery change (storage::kDeliveryKinds), as DeleteDeliverySource.
  storage::Status s = store->Delete(
      ctx.partition, storage::ResourceKind::kDeliveryDestination, *name,
      [&](const storage::ResourceRecord&) {
        std::vector<std::string> ids;
        storage::Status listed =
            deliveries::DeliveriesWith(ctx, deliveries::kDestinationArn,
                                       deliveries::DestinationArn(ctx.partition, *name), 1, &ids);
        if (!listed.ok()) return listed;
        in_use = !ids.empty();
        return in_use ? storage::Status::FailedPrecondition(storage::Status::Precondition::kNone)
                      : storage::Status::OK();
      });
  if (in_use) {
    return deliveries::Conflict(
        "The delivery destination cannot be deleted: one or more deliveries use it.");
  }
  if (s.IsNotFound()) return deliveries::DestinationNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
