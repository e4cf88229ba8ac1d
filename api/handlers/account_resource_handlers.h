// The handlers of account-level resources, one file each in a subfolder of api/handlers/ per
// family, wired up in api/dispatch.cpp. Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

// resource_policies/
ApiResult HandlePutResourcePolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeResourcePolicies(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteResourcePolicy(const nlohmann::json& request, Context& ctx);
// destinations/
ApiResult HandlePutDestination(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutDestinationPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeDestinations(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDestination(const nlohmann::json& request, Context& ctx);
// account_policies/
ApiResult HandlePutAccountPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAccountPolicies(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteAccountPolicy(const nlohmann::json& request, Context& ctx);
// data_protection/
ApiResult HandlePutDataProtectionPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDataProtectionPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDataProtectionPolicy(const nlohmann::json& request, Context& ctx);
// index_policies/
ApiResult HandlePutIndexPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeIndexPolicies(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteIndexPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeFieldIndexes(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
