// Deliveries (delivery sources, delivery destinations and their policies, deliveries, and the
// configuration templates): the rules, ARNs, element shapes, errors and paging the handlers of
// api/handlers/deliveries/ share. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "api/result.h"
#include "storage/resource_store.h"

namespace cwlogd::api::deliveries {

// Model constraints (botocore logs 2014-03-28).
extern const StringRule kSourceNameRule;       // DeliverySourceName: 1-60, [\w-]*
extern const StringRule kDestinationNameRule;  // DeliveryDestinationName: 1-60, [\w-]*
extern const StringRule kLogTypeRule;          // LogType: 1-255, [\w]*
extern const StringRule kConfigEntryRule;      // DeliverySourceConfiguration key/value: 1-255
extern const StringRule kPolicyRule;           // DeliveryDestinationPolicy: 1-51200
extern const StringRule kDeliveryIdRule;       // DeliveryId: 1-64, ^[0-9A-Za-z]+$
extern const StringRule kFieldHeaderRule;      // FieldHeader: 1-64
extern const StringRule kFieldDelimiterRule;   // FieldDelimiter: 0-5
extern const StringRule kSuffixPathRule;       // DeliverySuffixPath: 1-256
extern const StringRule kServiceRule;          // Service: 1-255, [\w_-]*
extern const StringRule kResourceTypeRule;     // ResourceType: 1-255, [\w-_]*
inline constexpr ListRule kRecordFieldsRule{0, 128};
inline constexpr ListRule kConfigMapRule{};  // no count limit in the model
// OutputFormat and DeliveryDestinationType, in the model's order (printed in enum messages).
extern const std::string_view kOutputFormats[5];
extern const std::string_view kDestinationTypes[4];

// Record fields (storage/resource_store.h: opaque strings; maps and lists as JSON text).
inline constexpr const char* kResourceArn = "resourceArn";
inline constexpr const char* kLogType = "logType";
inline constexpr const char* kService = "service";
inline constexpr const char* kSourceConfig = "deliverySourceConfiguration";
inline constexpr const char* kOutputFormat = "outputFormat";
inline constexpr const char* kDestinationResourceArn = "destinationResourceArn";
inline constexpr const char* kDestinationType = "deliveryDestinationType";
inline constexpr const char* kPolicy = "deliveryDestinationPolicy";
inline constexpr const char* kSourceName = "deliverySourceName";
inline constexpr const char* kDestinationArn = "deliveryDestinationArn";
inline constexpr const char* kRecordFields = "recordFields";
inline constexpr const char* kFieldDelimiter = "fieldDelimiter";
inline constexpr const char* kSuffixPath = "suffixPath";
inline constexpr const char* kHivePath = "enableHiveCompatiblePath";

// arn:<partition>:logs:<region>:<account>:delivery-source:<name> (and -destination, delivery).
std::string SourceArn(const storage::Partition& p, std::string_view name);
std::string DestinationArn(const storage::Partition& p, std::string_view name);
std::string DeliveryArn(const storage::Partition& p, std::string_view id);
// The name in a delivery-destination ARN of the caller's partition, region and account.
std::optional<std::string> DestinationFromArn(const storage::Partition& p, std::string_view arn);
// The service of an ARN (its third part), nullopt when `arn` is no ARN.
std::optional<std::string> ArnService(std::string_view arn);

// The elements: DeliverySource, DeliveryDestination, Delivery.
nlohmann::json SourceJson(const Context& ctx, const storage::ResourceRecord& r);
nlohmann::json DestinationJson(const Context& ctx, const storage::ResourceRecord& r);
nlohmann::json DeliveryJson(const Context& ctx, const storage::ResourceRecord& r);

// Errors (AWS's texts are not known; these name the resource as the rest of cwlogd does).
ApiError SourceNotFound();
ApiError DestinationNotFound();
ApiError DeliveryNotFound();
ApiError Conflict(std::string message);

// Describe<Kind>s: reads nextToken and limit (1-50, default 50) and answers one page of the
// kind's records in name order under `list_member`, shaped by `element`.
ApiResult DescribePage(const nlohmann::json& request, Context& ctx, storage::ResourceKind kind,
                       std::string_view list_member,
                       nlohmann::json (*element)(const Context&, const storage::ResourceRecord&));

// The ids of the deliveries whose `field` equals `value` (at most `max`), or the store's error.
storage::Status DeliveriesWith(Context& ctx, std::string_view field, std::string_view value,
                               size_t max, std::vector<std::string>* ids);

// DeleteDeliverySource / DeleteDeliveryDestination: deletes record `name` of `kind` unless a
// delivery's `field` equals `value` (ConflictException "The delivery <noun> cannot be deleted:
// ..."). The check runs under the lock every delivery change takes (storage::kDeliveryKinds), so
// no delivery can be created for it between the check and the delete.
ApiResult DeleteUnlessDelivered(Context& ctx, storage::ResourceKind kind, const std::string& name,
                                std::string_view field, const std::string& value,
                                std::string_view noun, ApiError (*not_found)());

// The members CreateDelivery and UpdateDeliveryConfiguration share.
struct DeliveryConfiguration {
  std::optional<std::vector<std::string>> record_fields;
  std::optional<std::string> field_delimiter;
  bool has_s3 = false;  // s3DeliveryConfiguration was given
  std::optional<std::string> suffix_path;
  std::optional<bool> hive_path;

  // Reads them from the request `in` reads, in the model's order; violations are recorded in `in`.
  static DeliveryConfiguration Read(RequestReader& in);
  // Writes what was given into a delivery record's fields.
  void ApplyTo(std::map<std::string, std::string>& fields) const;
};
// The answer to s3DeliveryConfiguration on a delivery whose destination is not S3.
ApiError S3ConfigurationNotForS3();

}  // namespace cwlogd::api::deliveries
