// Export tasks (CreateExportTask, DescribeExportTasks, CancelExportTask): the model's rules and
// an ExportTask element of DescribeExportTasks from its resource record (kind kExportTask,
// named by the task id; api/export_runner.h runs them). Thread-safe.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/request_reader.h"
#include "storage/resource_store.h"

namespace cwlogd::api::export_tasks {

// Model `ExportTaskId` and `ExportTaskName`: 1-512.
extern const StringRule kTaskIdRule;
extern const StringRule kTaskNameRule;
// Model `ExportDestinationBucket`: 1-512.
extern const StringRule kDestinationRule;
// Model `ExportTaskStatusCode`, in the model's order.
inline constexpr std::string_view kStatusCodes[] = {"CANCELLED", "COMPLETED",      "FAILED",
                                                    "PENDING",   "PENDING_CANCEL", "RUNNING"};

// The DescribeExportTasks element of a task record.
nlohmann::json ExportTaskJson(const storage::ResourceRecord& r);

// ResourceNotFoundException "The specified export task does not exist." (spec, observed)
ApiError ExportTaskNotFound();

}  // namespace cwlogd::api::export_tasks
