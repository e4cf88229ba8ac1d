// The handlers of scheduled queries (api/handlers/scheduled_queries/), one file each, wired up
// in api/dispatch.cpp. Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

ApiResult HandleCreateScheduledQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetScheduledQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleUpdateScheduledQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteScheduledQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleListScheduledQueries(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetScheduledQueryHistory(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
