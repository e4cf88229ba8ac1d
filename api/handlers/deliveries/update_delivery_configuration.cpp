// UpdateDeliveryConfiguration: replaces the members the request names (record fields, field
// delimiter, the S3 settings one by one); the source and destination stay.
#include "api/detail/resources.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {

ApiResult HandleUpdateDeliveryConfiguration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto id = in.String("id", deliveries::kDeliveryIdRule, /*required=*/true);
  auto record_fields =
      in.StringList("recordFields", deliveries::kRecordFieldsRule, deliveries::kFieldHeaderRule);
  auto delimiter = in.String("fieldDelimiter", deliveries::kFieldDelimiterRule);
  std::optional<std::string> suffix_path;
  std::optional<bool> hive_path;
  const nlohmann::json* s3 = deliveries::ReadStructure(in, request, "s3DeliveryConfiguration");
  if (s3 != nullptr) {
    suffix_path = in.NestedString(*s3, "s3DeliveryConfiguration.", deliveries::kSuffixPath,
                                  deliveries::kSuffixPathRule, /*required=*/false);
    hive_path = deliveries::ReadNestedBool(in, *s3, deliveries::kHivePath);
  }
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
        if (s3 != nullptr && (type == current->fields.end() || type->second != "S3")) {
          refused = ApiError::Validation(
              "The s3DeliveryConfiguration is only valid for a delivery to an S3 bucket.");
          return storage::Status::InvalidArgument("refused");
        }
        *out = *current;
        if (record_fields) {
          out->fields[deliveries::kRecordFields] = nlohmann::json(*record_fields).dump();
        }
        if (delimiter) out->fields[deliveries::kFieldDelimiter] = *delimiter;
        if (suffix_path) out->fields[deliveries::kSuffixPath] = *suffix_path;
        if (hive_path) out->fields[deliveries::kHivePath] = *hive_path ? "1" : "0";
        return storage::Status::OK();
      });
  if (refused) return *refused;
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
