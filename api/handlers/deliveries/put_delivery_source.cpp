// PutDeliverySource: creates a delivery source or overwrites its settings (its tags stay unless
// the request sets new ones). The service is the one the resource ARN names.
#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandlePutDeliverySource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kSourceNameRule, /*required=*/true);
  auto resource_arn = in.String("resourceArn", detail::kAnyStringRule, /*required=*/true);
  auto log_type = in.String("logType", deliveries::kLogTypeRule, /*required=*/true);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  auto config = in.StringMap("deliverySourceConfiguration", deliveries::kConfigMapRule,
                             deliveries::kConfigEntryRule, deliveries::kConfigEntryRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  auto service = deliveries::ArnService(*resource_arn);
  if (!service) return ApiError::Validation("The resourceArn is not a valid ARN.");
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDeliverySource, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) out->tags = current->tags;
        if (tags) out->tags = *tags;
        out->fields[deliveries::kResourceArn] = *resource_arn;
        out->fields[deliveries::kLogType] = *log_type;
        out->fields[deliveries::kService] = *service;
        if (config) out->fields[deliveries::kSourceConfig] = nlohmann::json(*config).dump();
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDeliverySource, *name);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"deliverySource", deliveries::SourceJson(ctx, *r)}};
}

}  // namespace cwlogd::api
