// CancelExportTask: a PENDING or RUNNING task becomes CANCELLED at once (the runner stops
// writing within one event); objects already written stay, as in S3.
#include <string>

#include "api/detail/resources.h"
#include "api/export_runner.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/export_tasks/export_task.h"

namespace cwlogd::api {

ApiResult HandleCancelExportTask(const nlohmann::json& request, Context& ctx) {
  namespace et = export_tasks;
  namespace ef = export_fields;
  RequestReader in(request);
  auto task_id = in.String("taskId", et::kTaskIdRule, true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  bool missing = false;
  bool finished = false;
  const int64_t now = ctx.clock.NowMillis();
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kExportTask, *task_id, now, {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      missing = current == nullptr;
                      if (missing)
                        return storage::Status::NotFound(storage::Status::Resource::kResource);
                      auto it = current->fields.find(ef::kStatus);
                      finished = it == current->fields.end() || !IsActiveExportStatus(it->second);
                      if (finished)
                        return storage::Status::NotFound(storage::Status::Resource::kResource);
                      *out = *current;
                      out->fields[ef::kStatus] = std::string(kExportCancelled);
                      // Our text: AWS's message for a cancelled task is not recorded.
                      out->fields[ef::kStatusMessage] = "Cancelled by user";
                      out->fields[ef::kCompletionTime] = std::to_string(now);
                      return storage::Status::OK();
                    });
  if (missing) return et::ExportTaskNotFound();
  if (finished) {
    // The model's error; our text (AWS's is not recorded).
    return ApiError{"InvalidOperationException",
                    "Only a PENDING or RUNNING export task can be cancelled.", 400};
  }
  if (!s.ok()) return FromStorage(s);
  if (ctx.export_runner != nullptr) ctx.export_runner->Cancel(ctx.partition, *task_id);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
