#include "api/handlers/index_policies/index_policy.h"

#include <fmt/format.h>

#include "api/detail/resources.h"
#include "api/handlers/account_policies/account_policy.h"

namespace cwlogd::api::index_policies {
namespace {

ApiError Invalid(std::string_view why) {
  // AWS's texts are unknown; ours say what is wrong.
  return ApiError::InvalidParameter("Invalid index policy document: " + std::string(why));
}

// The quoted strings of an account policy's selectionCriteria, e.g.
// `LogGroupNamePrefix IN ["/aws/lambda", "app"]`: the prefixes it selects.
std::vector<std::string> QuotedStrings(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string_view::npos) {
    size_t end = text.find('"', pos + 1);
    if (end == std::string_view::npos) break;
    out.emplace_back(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

bool Selects(const storage::ResourceRecord& r, const std::string& group) {
  auto it = r.fields.find("selectionCriteria");
  if (it == r.fields.end()) return true;  // no criteria: every log group
  for (const auto& prefix : QuotedStrings(it->second)) {
    if (group.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::variant<std::vector<std::pair<std::string, std::string>>, ApiError> ParseIndexFields(
    std::string_view document) {
  nlohmann::json doc;
  if (auto e = detail::CheckJsonObject(document, "policyDocument", &doc)) return *e;
  std::vector<std::pair<std::string, std::string>> fields;
  if (auto it = doc.find("Fields"); it != doc.end()) {
    if (!it->is_array()) return Invalid("Fields must be a list of field names.");
    for (const auto& f : *it) {
      if (!f.is_string() || f.get_ref<const std::string&>().empty()) {
        return Invalid("Fields must be a list of field names.");
      }
      fields.emplace_back(f.get<std::string>(), "FIELD_INDEX");
    }
  }
  if (auto it = doc.find("FieldsV2"); it != doc.end()) {
    if (!it->is_object()) return Invalid("FieldsV2 must be an object of fields.");
    for (const auto& [name, spec] : it->items()) {
      std::string type = "FIELD_INDEX";
      if (spec.is_object() && spec.contains("type")) {
        if (spec["type"] != "FIELD_INDEX" && spec["type"] != "FACET") {
          return Invalid("a field's type must be FIELD_INDEX or FACET.");
        }
        type = spec["type"].get<std::string>();
      } else if (!spec.is_object()) {
        return Invalid("FieldsV2 must be an object of fields.");
      }
      fields.emplace_back(name, type);
    }
  }
  if (fields.empty()) return Invalid("it must name at least one field in Fields or FieldsV2.");
  if (fields.size() > kMaxFields) {
    return Invalid(
        fmt::format("it names {} fields; at most {} are allowed.", fields.size(), kMaxFields));
  }
  return fields;
}

std::variant<std::optional<EffectivePolicy>, ApiError> PolicyFor(Context& ctx,
                                                                 const std::string& group) {
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto own = store->Get(ctx.partition, storage::ResourceKind::kIndexPolicy, group);
  if (own.ok()) return std::optional<EffectivePolicy>(EffectivePolicy{std::move(*own), false});
  if (!own.status().IsNotFound()) return FromStorage(own.status());
  std::optional<EffectivePolicy> found;
  storage::Status s = store->List(ctx.partition, storage::ResourceKind::kAccountPolicy,
                                  account_policies::TypePrefix("FIELD_INDEX_POLICY"), "",
                                  [&](const storage::ResourceRecord& r) {
                                    if (!Selects(r, group)) return true;
                                    found = EffectivePolicy{r, true};
                                    return false;
                                  });
  if (!s.ok()) return FromStorage(s);
  return found;
}

nlohmann::json IndexPolicyJson(const std::string& group, const EffectivePolicy& policy) {
  const auto& r = policy.record;
  auto doc = r.fields.find("policyDocument");
  nlohmann::json out = {{"logGroupIdentifier", group},
                        {"lastUpdateTime", r.last_updated_ms},
                        {"policyDocument", doc == r.fields.end() ? std::string() : doc->second}};
  if (policy.account_level) out["policyName"] = r.name.substr(r.name.find('\0') + 1);
  out["source"] = policy.account_level ? "ACCOUNT" : "LOG_GROUP";
  return out;
}

}  // namespace cwlogd::api::index_policies
