#include "api/handlers/data_protection/data_protection_policy.h"

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "api/detail/resources.h"

namespace cwlogd::api::data_protection {
namespace {

// AWS's texts for a refused document are unknown; ours start alike and say what is wrong.
ApiError Invalid(std::string_view why) {
  return ApiError::InvalidParameter("Invalid data protection policy document: " + std::string(why));
}

// The DataIdentifier list of one statement, or nullopt when it is not a non-empty string list.
std::optional<std::set<std::string>> Identifiers(const nlohmann::json& statement) {
  auto it = statement.find("DataIdentifier");
  if (it == statement.end() || !it->is_array() || it->empty()) return std::nullopt;
  std::set<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) return std::nullopt;
    out.insert(v.get<std::string>());
  }
  return out;
}

const nlohmann::json* Operation(const nlohmann::json& statement, const char* name) {
  auto op = statement.find("Operation");
  if (op == statement.end() || !op->is_object()) return nullptr;
  auto it = op->find(name);
  if (it == op->end() || !it->is_object()) return nullptr;
  return &*it;
}

}  // namespace

std::optional<ApiError> CheckPolicyDocument(std::string_view document) {
  nlohmann::json doc;
  if (auto e = detail::CheckJsonObject(document, "policyDocument", &doc)) return e;
  if (auto v = doc.find("Version"); v != doc.end() && *v != "2021-06-01") {
    return Invalid("Version must be \"2021-06-01\".");
  }
  auto statements = doc.find("Statement");
  if (statements == doc.end() || !statements->is_array() || statements->size() != 2) {
    return Invalid("Statement must hold exactly two statements (Audit, then Deidentify).");
  }
  const nlohmann::json& audit = (*statements)[0];
  const nlohmann::json& deidentify = (*statements)[1];
  if (!audit.is_object() || !deidentify.is_object()) {
    return Invalid("each statement must be a JSON object.");
  }
  if (Operation(audit, "Audit") == nullptr) {
    return Invalid("the first statement must have an Operation with Audit.");
  }
  const nlohmann::json* mask = Operation(deidentify, "Deidentify");
  if (mask == nullptr || !mask->contains("MaskConfig")) {
    return Invalid("the second statement must have an Operation with Deidentify and MaskConfig.");
  }
  auto audited = Identifiers(audit);
  auto masked = Identifiers(deidentify);
  if (!audited || !masked) return Invalid("DataIdentifier must be a non-empty list of strings.");
  if (*audited != *masked) {
    return Invalid("both statements must name the same DataIdentifier list.");
  }
  return std::nullopt;
}

}  // namespace cwlogd::api::data_protection
