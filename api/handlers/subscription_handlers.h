// The subscription-filter operations (Put/Describe/DeleteSubscriptionFilter), wired up in
// api/dispatch.cpp. Filters live in the SubscriptionStore sharing the log store's database
// (LogStore::subscription_store()); their delivery is api/subscription_delivery.h.
// Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

inline constexpr size_t kMaxSubscriptionFiltersPerGroup = 2;  // fixed by AWS

ApiResult HandlePutSubscriptionFilter(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeSubscriptionFilters(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteSubscriptionFilter(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
