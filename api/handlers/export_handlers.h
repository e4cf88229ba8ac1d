// The handlers of export tasks (api/handlers/export_tasks/) and lookup tables
// (api/handlers/lookup_tables/), one file each, wired up in api/dispatch.cpp. Thread-safe:
// handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

// export_tasks/
ApiResult HandleCreateExportTask(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeExportTasks(const nlohmann::json& request, Context& ctx);
ApiResult HandleCancelExportTask(const nlohmann::json& request, Context& ctx);
// lookup_tables/
ApiResult HandleCreateLookupTable(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetLookupTable(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeLookupTables(const nlohmann::json& request, Context& ctx);
ApiResult HandleUpdateLookupTable(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteLookupTable(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
