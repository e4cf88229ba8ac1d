#include "api/detail/data_masking.h"

#include <nlohmann/json.hpp>

#include "api/detail/common.h"
#include "storage/resource_store.h"

namespace cwlogd::api::detail {
namespace {

bool IsDeidentify(const nlohmann::json& statement) {
  auto op = statement.find("Operation");
  return op != statement.end() && op->is_object() && op->contains("Deidentify");
}

}  // namespace

std::vector<std::string> MaskedIdentifiers(std::string_view document) {
  nlohmann::json doc = nlohmann::json::parse(document, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!doc.is_object()) return out;
  auto statements = doc.find("Statement");
  if (statements == doc.end() || !statements->is_array()) return out;
  for (const auto& statement : *statements) {
    if (!statement.is_object() || !IsDeidentify(statement)) continue;
    auto ids = statement.find("DataIdentifier");
    if (ids == statement.end() || !ids->is_array()) continue;
    for (const auto& id : *ids) {
      if (id.is_string()) out.push_back(id.get<std::string>());
    }
  }
  return out;
}

std::variant<EventMasking, ApiError> EventMasking::Load(Context& ctx, std::string_view group_name) {
  EventMasking out;
  storage::Status s = Load(ctx.store, ctx.partition, group_name, &out);
  if (!s.ok()) return FromStorage(s);
  return out;
}

storage::Status EventMasking::Load(storage::LogStore& store, const storage::Partition& partition,
                                   std::string_view group_name, EventMasking* out) {
  out->policies_.clear();
  storage::ResourceStore* resources = store.resource_store();
  if (resources == nullptr) return storage::Status::OK();  // no policy can have been stored
  auto add = [out](const storage::ResourceRecord& r) {
    auto doc = r.fields.find("policyDocument");
    if (doc == r.fields.end()) return;
    filters::SensitiveDataMasker masker(MaskedIdentifiers(doc->second));
    if (!masker.empty()) out->policies_.push_back({r.last_updated_ms, std::move(masker)});
  };
  auto own = resources->Get(partition, storage::ResourceKind::kDataProtectionPolicy, group_name);
  if (own.ok()) {
    add(*own);
  } else if (!own.status().IsNotFound()) {
    return own.status();
  }
  const std::string account_prefix = std::string("DATA_PROTECTION_POLICY") + '\0';
  return resources->List(partition, storage::ResourceKind::kAccountPolicy, account_prefix, "",
                         [&](const storage::ResourceRecord& r) {
                           add(r);
                           return true;
                         });
}

std::string_view EventMasking::Apply(std::string_view message, int64_t ingestion_time_ms,
                                     std::string* scratch) const {
  std::string_view shown = message;
  for (const auto& policy : policies_) {
    if (ingestion_time_ms < policy.since_ms) continue;
    if (policy.masker.Mask(shown, scratch)) shown = *scratch;
  }
  return shown;
}

}  // namespace cwlogd::api::detail
