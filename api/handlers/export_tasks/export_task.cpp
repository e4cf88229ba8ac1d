#include "api/handlers/export_tasks/export_task.h"

#include <charconv>
#include <limits>
#include <string>

#include "api/export_runner.h"

namespace cwlogd::api::export_tasks {
namespace {

namespace ef = export_fields;

int64_t ToMillis(const std::string& text) {
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

const StringRule kTaskIdRule{1, 512, "", nullptr, false};
const StringRule kTaskNameRule{1, 512, "", nullptr, false};
const StringRule kDestinationRule{1, 512, "", nullptr, false};

nlohmann::json ExportTaskJson(const storage::ResourceRecord& r) {
  nlohmann::json out = {{"taskId", r.name}};
  if (const std::string* v = r.FindField(ef::kTaskName)) out["taskName"] = *v;
  if (const std::string* v = r.FindField(ef::kLogGroupName)) out["logGroupName"] = *v;
  if (const std::string* v = r.FindField(ef::kFrom)) out["from"] = ToMillis(*v);
  if (const std::string* v = r.FindField(ef::kTo)) out["to"] = ToMillis(*v);
  if (const std::string* v = r.FindField(ef::kDestination)) out["destination"] = *v;
  if (const std::string* v = r.FindField(ef::kDestinationPrefix)) out["destinationPrefix"] = *v;
  nlohmann::json status = nlohmann::json::object();
  if (const std::string* v = r.FindField(ef::kStatus)) status["code"] = *v;
  if (const std::string* v = r.FindField(ef::kStatusMessage); v != nullptr && !v->empty()) {
    status["message"] = *v;
  }
  out["status"] = std::move(status);
  nlohmann::json info = {{"creationTime", r.creation_time_ms}};
  if (const std::string* v = r.FindField(ef::kCompletionTime)) {
    info["completionTime"] = ToMillis(*v);
  }
  out["executionInfo"] = std::move(info);
  return out;
}

ApiError ExportTaskNotFound() {
  return ApiError::ResourceNotFound("The specified export task does not exist.");
}

}  // namespace cwlogd::api::export_tasks
