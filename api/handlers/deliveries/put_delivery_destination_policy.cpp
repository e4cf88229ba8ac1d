// PutDeliveryDestinationPolicy: sets (or replaces) the destination's IAM policy, kept as a field
// of the destination's record. The policy must be a JSON object; it is not evaluated.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandlePutDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("deliveryDestinationName", deliveries::kDestinationNameRule,
                        /*required=*/true);
  auto policy = in.String("deliveryDestinationPolicy", deliveries::kPolicyRule,
                          /*required=*/true);
  if (in.failed()) return in.error();
  if (detail::CheckJsonObject(*policy, "deliveryDestinationPolicy")) {
    // The text AWS answers for a policy it refuses.
    return ApiError::Validation("Invalid Delivery Destination resource Policy is provided.");
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  bool missing = false;
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDeliveryDestination, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          missing = true;
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        out->fields[deliveries::kPolicy] = *policy;
        return storage::Status::OK();
      });
  if (missing) return deliveries::DestinationNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"policy", {{"deliveryDestinationPolicy", *policy}}}};
}

}  // namespace cwlogd::api
