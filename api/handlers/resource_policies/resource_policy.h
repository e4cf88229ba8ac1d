// Resource policies (PutResourcePolicy, DescribeResourcePolicies, DeleteResourcePolicy): what the
// three handlers share. ACCOUNT-scoped policies are named by policyName (kind kResourcePolicy, at
// most 10 per region); a RESOURCE-scoped policy belongs to one log group, named by its ARN
// (kind kGroupResourcePolicy, keyed by the group's name, deleted with the group). Thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "storage/resource_store.h"

namespace cwlogd::api::resource_policies {

inline constexpr size_t kMaxAccountPolicies = 10;  // per region (limits.md)
inline constexpr size_t kMaxDocumentChars = 5120;  // AWS API reference, PutResourcePolicy
inline constexpr std::string_view kDocument = "policyDocument";

// The ResourcePolicy element of the API for a record of either kind.
nlohmann::json PolicyJson(const Context& ctx, storage::ResourceKind kind,
                          const storage::ResourceRecord& r);

}  // namespace cwlogd::api::resource_policies
