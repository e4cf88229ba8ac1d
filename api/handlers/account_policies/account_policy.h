// Account policies (PutAccountPolicy, DescribeAccountPolicies, DeleteAccountPolicy): a record of
// kind kAccountPolicy is named "<policyType>\0<policyName>", so one type's policies are one
// name prefix (its limit counts them, Describe lists them). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "storage/resource_store.h"

namespace cwlogd::api::account_policies {

// policyType values, in the model's order.
inline constexpr std::string_view kPolicyTypes[] = {
    "DATA_PROTECTION_POLICY", "SUBSCRIPTION_FILTER_POLICY", "FIELD_INDEX_POLICY",
    "TRANSFORMER_POLICY", "METRIC_EXTRACTION_POLICY"};
inline constexpr std::string_view kScopes[] = {"ALL"};

// The record name of (type, name), and the prefix of all of one type's.
std::string RecordName(std::string_view type, std::string_view name);
std::string TypePrefix(std::string_view type);
// The AccountPolicy element.
nlohmann::json PolicyJson(const Context& ctx, const storage::ResourceRecord& r);

}  // namespace cwlogd::api::account_policies
