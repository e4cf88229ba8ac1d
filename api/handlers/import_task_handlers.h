// The import-task handlers (api/handlers/import_tasks/), one file each, wired up in
// api/dispatch.cpp. AWS imports from CloudTrail Lake event data stores, which cwlogd does not
// have: the operations check their requests as AWS does and then find no source and no task
// (docs/api-coverage.md). Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

ApiResult HandleCreateImportTask(const nlohmann::json& request, Context& ctx);
ApiResult HandleCancelImportTask(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeImportTasks(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeImportTaskBatches(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
