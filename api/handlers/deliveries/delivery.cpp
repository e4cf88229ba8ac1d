#include "api/handlers/deliveries/delivery.h"

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/resources.h"
#include "api/detail/tokens.h"

namespace cwlogd::api::deliveries {
namespace {

bool IsWord(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool WordsAndDashes(std::string_view s) {
  for (char c : s) {
    if (!IsWord(c) && c != '-') return false;
  }
  return true;
}
bool Words(std::string_view s) {
  for (char c : s) {
    if (!IsWord(c)) return false;
  }
  return true;
}
bool Alphanumeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsWord(c) || c == '_') return false;
  }
  return true;
}

// A stored JSON text (written by our own handlers) back as JSON; a damaged one reads as absent.
nlohmann::json StoredJson(const storage::ResourceRecord& r, const char* field) {
  auto it = r.fields.find(field);
  if (it == r.fields.end()) return nlohmann::json();
  nlohmann::json v = nlohmann::json::parse(it->second, nullptr, false);
  return v.is_discarded() ? nlohmann::json() : v;
}

void CopyField(const storage::ResourceRecord& r, const char* field, nlohmann::json* out) {
  if (auto it = r.fields.find(field); it != r.fields.end()) (*out)[field] = it->second;
}

void AddTags(const storage::ResourceRecord& r, nlohmann::json* out) {
  if (!r.tags.empty()) (*out)["tags"] = r.tags;
}

}  // namespace

const StringRule kSourceNameRule{1, 60, "[\\w-]*", &WordsAndDashes, false};
const StringRule kDestinationNameRule{1, 60, "[\\w-]*", &WordsAndDashes, false};
const StringRule kLogTypeRule{1, 255, "[\\w]*", &Words, false};
const StringRule kConfigEntryRule{1, 255, "", nullptr, false};
const StringRule kPolicyRule{1, 51200, "", nullptr, false};
const StringRule kDeliveryIdRule{1, 64, "^[0-9A-Za-z]+$", &Alphanumeric, false};
const StringRule kFieldHeaderRule{1, 64, "", nullptr, false};
const StringRule kFieldDelimiterRule{0, 5, "", nullptr, false};
const StringRule kSuffixPathRule{1, 256, "", nullptr, false};
const StringRule kServiceRule{1, 255, "[\\w_-]*", &WordsAndDashes, false};
const StringRule kResourceTypeRule{1, 255, "[\\w-_]*", &WordsAndDashes, false};
const std::string_view kOutputFormats[5] = {"json", "plain", "w3c", "raw", "parquet"};
const std::string_view kDestinationTypes[4] = {"S3", "CWL", "FH", "XRAY"};

std::string SourceArn(const storage::Partition& p, std::string_view name) {
  return detail::LogsResourceArn(p, "delivery-source", name);
}
std::string DestinationArn(const storage::Partition& p, std::string_view name) {
  return detail::LogsResourceArn(p, "delivery-destination", name);
}
std::string DeliveryArn(const storage::Partition& p, std::string_view id) {
  return detail::LogsResourceArn(p, "delivery", id);
}

std::optional<std::string> DestinationFromArn(const storage::Partition& p, std::string_view arn) {
  return detail::NameFromLogsResourceArn(p, "delivery-destination", arn);
}

std::optional<std::string> ArnService(std::string_view arn) {
  // arn:<partition>:<service>:<region>:<account>:<resource>
  if (arn.substr(0, 4) != "arn:") return std::nullopt;
  std::string_view rest = arn.substr(4);
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  rest = rest.substr(colon + 1);
  colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view service = rest.substr(0, colon);
  rest = rest.substr(colon + 1);
  // Region and account may be empty (S3 buckets), the resource may not.
  colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  rest = rest.substr(colon + 1);
  colon = rest.find(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) return std::nullopt;
  return std::string(service);
}

nlohmann::json SourceJson(const Context& ctx, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"name", r.name}, {"arn", SourceArn(ctx.partition, r.name)}};
  out["resourceArns"] = nlohmann::json::array();
  if (auto it = r.fields.find(kResourceArn); it != r.fields.end()) {
    out["resourceArns"].push_back(it->second);
  }
  CopyField(r, kService, &out);
  CopyField(r, kLogType, &out);
  AddTags(r, &out);
  if (nlohmann::json config = StoredJson(r, kSourceConfig); config.is_object()) {
    out[kSourceConfig] = std::move(config);
  }
  return out;
}

nlohmann::json DestinationJson(const Context& ctx, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"name", r.name}, {"arn", DestinationArn(ctx.partition, r.name)}};
  CopyField(r, kDestinationType, &out);
  CopyField(r, kOutputFormat, &out);
  if (auto it = r.fields.find(kDestinationResourceArn); it != r.fields.end()) {
    out["deliveryDestinationConfiguration"] = {{kDestinationResourceArn, it->second}};
  }
  AddTags(r, &out);
  return out;
}

nlohmann::json DeliveryJson(const Context& ctx, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"id", r.name}, {"arn", DeliveryArn(ctx.partition, r.name)}};
  CopyField(r, kSourceName, &out);
  CopyField(r, kDestinationArn, &out);
  CopyField(r, kDestinationType, &out);
  if (nlohmann::json fields = StoredJson(r, kRecordFields); fields.is_array()) {
    out[kRecordFields] = std::move(fields);
  }
  CopyField(r, kFieldDelimiter, &out);
  nlohmann::json s3 = nlohmann::json::object();
  CopyField(r, kSuffixPath, &s3);
  if (auto it = r.fields.find(kHivePath); it != r.fields.end()) s3[kHivePath] = it->second == "1";
  if (!s3.empty()) out["s3DeliveryConfiguration"] = std::move(s3);
  AddTags(r, &out);
  return out;
}

ApiError SourceNotFound() {
  return ApiError::ResourceNotFound("The specified delivery source does not exist.");
}
ApiError DestinationNotFound() {
  return ApiError::ResourceNotFound("The specified delivery destination does not exist.");
}
ApiError DeliveryNotFound() {
  return ApiError::ResourceNotFound("The specified delivery does not exist.");
}
ApiError Conflict(std::string message) { return {"ConflictException", std::move(message), 400}; }

ApiResult DescribePage(const nlohmann::json& request, Context& ctx, storage::ResourceKind kind,
                       std::string_view list_member,
                       nlohmann::json (*element)(const Context&, const storage::ResourceRecord&)) {
  RequestReader in(request);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();
  const uint64_t digest = detail::HashBytes(list_member, 0x646c);
  auto page =
      detail::ListResourcePage(ctx, kind, "", next_token, static_cast<size_t>(limit.value_or(50)),
                               static_cast<char>(kind), digest);
  if (auto* e = std::get_if<ApiError>(&page)) return *e;
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) list.push_back(element(ctx, r));
  nlohmann::json out = {{std::string(list_member), std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

storage::Status DeliveriesWith(Context& ctx, std::string_view field, std::string_view value,
                               size_t max, std::vector<std::string>* ids) {
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return storage::Status::IOError("no resource store");
  return store->List(ctx.partition, storage::ResourceKind::kDelivery, "", "",
                     [&](const storage::ResourceRecord& r) {
                       auto it = r.fields.find(std::string(field));
                       if (it != r.fields.end() && it->second == value) ids->push_back(r.name);
                       return ids->size() < max;
                     });
}

ApiResult DeleteUnlessDelivered(Context& ctx, storage::ResourceKind kind, const std::string& name,
                                std::string_view field, const std::string& value,
                                std::string_view noun, ApiError (*not_found)()) {
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  bool in_use = false;
  storage::Status s = store->Delete(ctx.partition, kind, name, [&](const storage::ResourceRecord&) {
    std::vector<std::string> ids;
    storage::Status listed = DeliveriesWith(ctx, field, value, 1, &ids);
    if (!listed.ok()) return listed;
    in_use = !ids.empty();
    return in_use ? storage::Status::FailedPrecondition(storage::Status::Precondition::kNone)
                  : storage::Status::OK();
  });
  if (in_use) {
    return Conflict(
        fmt::format("The delivery {} cannot be deleted: one or more deliveries use it.", noun));
  }
  if (s.IsNotFound()) return not_found();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

DeliveryConfiguration DeliveryConfiguration::Read(RequestReader& in) {
  DeliveryConfiguration c;
  c.record_fields = in.StringList("recordFields", kRecordFieldsRule, kFieldHeaderRule);
  c.field_delimiter = in.String("fieldDelimiter", kFieldDelimiterRule);
  if (const nlohmann::json* s3 = in.Structure("s3DeliveryConfiguration")) {
    c.has_s3 = true;
    RequestReader nested(*s3, "s3DeliveryConfiguration.");
    c.suffix_path = nested.String(kSuffixPath, kSuffixPathRule);
    c.hive_path = nested.Bool(kHivePath);
    in.Absorb(nested);
  }
  return c;
}

void DeliveryConfiguration::ApplyTo(std::map<std::string, std::string>& fields) const {
  if (record_fields) fields[kRecordFields] = nlohmann::json(*record_fields).dump();
  if (field_delimiter) fields[kFieldDelimiter] = *field_delimiter;
  if (suffix_path) fields[kSuffixPath] = *suffix_path;
  if (hive_path) fields[kHivePath] = *hive_path ? "1" : "0";
}

ApiError S3ConfigurationNotForS3() {
  return ApiError::Validation(
      "The s3DeliveryConfiguration is only valid for a delivery to an S3 bucket.");
}

}  // namespace cwlogd::api::deliveries
