// Field index policies (PutIndexPolicy, DescribeIndexPolicies, DeleteIndexPolicy,
// DescribeFieldIndexes): the document check and the policy in force for a log group (its own,
// else an account-level FIELD_INDEX_POLICY whose selection criteria take it). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "storage/resource_store.h"

namespace cwlogd::api::index_policies {

inline constexpr size_t kMaxFields = 20;  // fields per index policy (AWS API reference)

// {"Fields": [names...]} and/or {"FieldsV2": {name: {"type": "FIELD_INDEX"|"FACET"}}}.
// The (name, type) pairs it indexes, or InvalidParameterException.
std::variant<std::vector<std::pair<std::string, std::string>>, ApiError> ParseIndexFields(
    std::string_view document);

struct EffectivePolicy {
  storage::ResourceRecord record;
  bool account_level = false;  // source ACCOUNT (record of kind kAccountPolicy)
};
// nullopt when no policy applies to `group`.
std::variant<std::optional<EffectivePolicy>, ApiError> PolicyFor(Context& ctx,
                                                                 const std::string& group);

// The IndexPolicy element.
nlohmann::json IndexPolicyJson(const std::string& group, const EffectivePolicy& policy);

}  // namespace cwlogd::api::index_policies
