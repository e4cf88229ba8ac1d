// UpdateDeliveryConfiguration: replaces the members the request names (record fields, field
// delimiter, the S3 settings one by one); the source and destination stay.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleUpdateDeliveryConfiguration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto id = in.String("id", deliveries::kDeliveryIdRule, /*required=*/true);
  const auto config = deliveries::DeliveryConfiguration::Read(in);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  std::optional<ApiError> refused;
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDelivery, *id, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          refused = deliveries::DeliveryNotFound();
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        auto type = current->fields.find(deliveries::kDestinationType);
        if (config.has_s3 && (type == current->fields.end() || type->second != "S3")) {
          refused = deliveries::S3ConfigurationNotForS3();
          return storage::Status::InvalidArgument("refused");
        }
        *out = *current;
        config.ApplyTo(out->fields);
        return storage::Status::OK();
      });
  if (refused) return *refused;
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
