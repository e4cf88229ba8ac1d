// The data-source handlers (api/handlers/data_sources/) and GetLogObject, one file each, wired
// up in api/dispatch.cpp. A log group's data source is the custom one its tags name
// (api/detail/log_group_selection.h); docs/api-coverage.md says what differs from AWS.
// Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

ApiResult HandleGetLogFields(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetLogObject(const nlohmann::json& request, Context& ctx);
ApiResult HandleListAggregateLogGroupSummaries(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
