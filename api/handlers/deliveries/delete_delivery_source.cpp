// DeleteDeliverySource: refused with ConflictException while a delivery uses the source.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteDeliverySource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kSourceNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  bool in_use = false;
  // The check runs under the lock every delivery change takes (storage::kDeliveryKinds), so no
  // delivery can be created for the source between the check and the delete.
  storage::Status s = store->Delete(
      ctx.partition, storage::ResourceKind::kDeliverySource, *name,
      [&](const storage::ResourceRecord&) {
        std::vector<std::string> ids;
        storage::Status listed =
            deliveries::DeliveriesWith(ctx, deliveries::kSourceName, *name, 1, &ids);
        if (!listed.ok()) return listed;
        in_use = !ids.empty();
        return in_use ? storage::Status::FailedPrecondition(storage::Status::Precondition::kNone)
                      : storage::Status::OK();
      });
  if (in_use) {
    return deliveries::Conflict(
        "The delivery source cannot be deleted: one or more deliveries use it.");
  }
  if (s.IsNotFound()) return deliveries::SourceNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
