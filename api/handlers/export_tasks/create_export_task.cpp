// CreateExportTask: stores a PENDING task (one active task per account and region) and hands it
// to the export runner, which writes the objects in the background.
#include <filesystem>
#include <string>
#include <system_error>

#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/detail/resources.h"
#include "api/export_runner.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/export_tasks/export_task.h"

namespace cwlogd::api {
namespace {

// S3's bucket naming rules: 3-63 of [a-z0-9.-], starting and ending with a letter or digit.
// Only such a bucket can exist (and its name is a safe directory name).
bool IsS3BucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (char c : name) {
    if (!alnum(c) && c != '.' && c != '-') return false;
  }
  return alnum(name.front()) && alnum(name.back()) && name.find("..") == std::string_view::npos;
}

// The prefix becomes folders under the bucket's directory: S3 takes any key of up to 1024 bytes,
// a file system no "." or ".." folder (they would leave the bucket), no NUL and no folder name
// over 255 bytes. Our texts (AWS checks only the length; its text is unknown).
std::optional<ApiError> CheckDestinationPrefix(std::string_view prefix) {
  if (prefix.size() > 1024) {
    return ApiError::InvalidParameter(
        "destinationPrefix must be at most 1024 bytes long (an S3 object key's limit).");
  }
  if (prefix.find('\0') != std::string_view::npos) {
    return ApiError::InvalidParameter("destinationPrefix must not contain NUL characters.");
  }
  size_t start = 0;
  while (start <= prefix.size()) {
    size_t slash = prefix.find('/', start);
    std::string_view part = prefix.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "." || part == "..") {
      return ApiError::InvalidParameter(
          "destinationPrefix must not have '.' or '..' as a path segment.");
    }
    if (part.size() > 255) {
      return ApiError::InvalidParameter(
          "destinationPrefix must not have a path segment longer than 255 bytes.");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::nullopt;
}

}  // namespace

ApiResult HandleCreateExportTask(const nlohmann::json& request, Context& ctx) {
  namespace et = export_tasks;
  namespace ef = export_fields;
  RequestReader in(request);
  auto task_name = in.String("taskName", et::kTaskNameRule);
  auto group_name = in.String("logGroupName", kLogGroupNameRule, true);
  auto stream_prefix = in.String("logStreamNamePrefix", kLogStreamNamePrefixRule);
  auto from = in.Long("from", NumberRule{0}, true);
  auto to = in.Long("to", NumberRule{0}, true);
  auto destination = in.String("destination", et::kDestinationRule, true);
  auto prefix = in.String("destinationPrefix", detail::kAnyStringRule);
  if (in.failed()) return in.error();
  if (prefix) {
    if (auto e = CheckDestinationPrefix(*prefix)) return *e;
  }
  // Our text: AWS's answer to a reversed range is not recorded in the spec.
  if (*from > *to) {
    return ApiError::InvalidParameter("The from time must not be later than the to time.");
  }
  auto group = ctx.store.GetLogGroup(ctx.partition, *group_name);
  if (group.status().IsNotFound()) return detail::LogGroupNotFound();
  if (!group.ok()) return FromStorage(group.status());
  // The model: "You must specify a time that is not earlier than when this log group was
  // created." (our text)
  if (*to < group->creation_time_ms) {
    return ApiError::InvalidParameter(
        "The to time must not be earlier than the creation time of the log group.");
  }
  ExportRunner* runner = ctx.export_runner;
  storage::ResourceStore* store = detail::Resources(ctx);
  if (runner == nullptr || store == nullptr) {
    return ApiError::ServiceUnavailable("Export tasks are not available on this server.");
  }
  std::error_code ec;
  if (!IsS3BucketName(*destination) || runner->options().export_dir.empty() ||
      !std::filesystem::is_directory(runner->options().export_dir + "/" + *destination, ec)) {
    return ApiError::InvalidParameter(
        "The given bucket does not exist. Please make sure the bucket is valid.");
  }
  const std::string id = detail::NewUuid();
  bool limit_reached = false;
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kExportTask, id, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {  // a random id met an existing one: the caller may retry
          return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
        }
        // Under the kind's lock: no other CreateExportTask of the partition can pass this check
        // at the same time.
        storage::Status listed =
            store->List(ctx.partition, storage::ResourceKind::kExportTask, "", "",
                        [&](const storage::ResourceRecord& r) {
                          auto it = r.fields.find(ef::kStatus);
                          limit_reached = it != r.fields.end() && IsActiveExportStatus(it->second);
                          return !limit_reached;
                        });
        if (!listed.ok()) return listed;
        if (limit_reached) {
          return storage::Status::FailedPrecondition(storage::Status::Precondition::kResourceLimit);
        }
        if (task_name) out->fields[ef::kTaskName] = *task_name;
        out->fields[ef::kLogGroupName] = *group_name;
        if (stream_prefix) out->fields[ef::kLogStreamNamePrefix] = *stream_prefix;
        out->fields[ef::kFrom] = std::to_string(*from);
        out->fields[ef::kTo] = std::to_string(*to);
        out->fields[ef::kDestination] = *destination;
        out->fields[ef::kDestinationPrefix] = prefix.value_or("exportedlogs");
        out->fields[ef::kStatus] = std::string(kExportPending);
        return storage::Status::OK();
      });
  // "Resource limit exceeded." (api::FromStorage of kResourceLimit, limits.md)
  if (!s.ok()) return FromStorage(s);
  runner->Enqueue(ctx.partition, id);
  return nlohmann::json{{"taskId", id}};
}

}  // namespace cwlogd::api
