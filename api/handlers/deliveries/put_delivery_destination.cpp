// PutDeliveryDestination: creates a delivery destination or overwrites its settings (its tags
// and policy stay unless the request sets new tags). The type is the one the destination
// resource's ARN names (logs -> CWL, s3 -> S3, firehose -> FH); an X-Ray destination gives the
// type XRAY and no resource.
#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {
namespace {

std::optional<std::string> TypeOfResource(std::string_view arn) {
  auto service = deliveries::ArnService(arn);
  if (!service) return std::nullopt;
  if (*service == "logs") return "CWL";
  if (*service == "s3") return "S3";
  if (*service == "firehose") return "FH";
  return std::nullopt;
}

}  // namespace

ApiResult HandlePutDeliveryDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("name", deliveries::kDestinationNameRule, /*required=*/true);
  auto format = in.Enum("outputFormat", deliveries::kOutputFormats);
  std::optional<std::string> resource_arn;
  if (const nlohmann::json* config = in.Structure("deliveryDestinationConfiguration")) {
    resource_arn = in.NestedString(*config, "deliveryDestinationConfiguration.",
                                   deliveries::kDestinationResourceArn, detail::kAnyStringRule,
                                   /*required=*/true);
  }
  auto type = in.Enum("deliveryDestinationType", deliveries::kDestinationTypes);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  if (resource_arn) {
    auto resource_type = TypeOfResource(*resource_arn);
    if (!resource_type) {
      return ApiError::Validation(
          "The destinationResourceArn must be the ARN of a log group, an S3 bucket or a Firehose "
          "delivery stream.");
    }
    if (type && *type != *resource_type) {
      return ApiError::Validation(
          "The deliveryDestinationType does not match the destinationResourceArn.");
    }
    type = resource_type;
  } else if (type != "XRAY") {
    return ApiError::Validation(
        "A deliveryDestinationConfiguration is required unless the deliveryDestinationType is "
        "XRAY.");
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDeliveryDestination, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {
          out->tags = current->tags;
          if (auto it = current->fields.find(deliveries::kPolicy); it != current->fields.end()) {
            out->fields[deliveries::kPolicy] = it->second;
          }
        }
        if (tags) out->tags = *tags;
        out->fields[deliveries::kDestinationType] = *type;
        if (resource_arn) out->fields[deliveries::kDestinationResourceArn] = *resource_arn;
        // Without a format, log destinations deliver JSON (cwlogd's choice: AWS's default for
        // each type is not documented in the model).
        if (format) {
          out->fields[deliveries::kOutputFormat] = *format;
        } else if (*type != "XRAY") {
          out->fields[deliveries::kOutputFormat] = "json";
        }
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDeliveryDestination, *name);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"deliveryDestination", deliveries::DestinationJson(ctx, *r)}};
}

}  // namespace cwlogd::api
