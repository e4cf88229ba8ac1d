// ExportRunner: runs CreateExportTask's tasks on one thread of its own (never a request worker):
// reads a log group's events with the store's scans and writes them as AWS lays an export out in
// S3, into a local directory that stands for the buckets (docs/export-tasks.md). Tasks are
// resource records (storage::ResourceKind::kExportTask), so their status survives a restart; a
// task PENDING or RUNNING when the server stopped is run again from the start when it restarts.
// Owned by the server's Router, reached by handlers through api::Context.
// Thread-safe: every method may be called concurrently; the destructor stops the running task.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "storage/clock.h"
#include "storage/log_store.h"
#include "storage/resource_store.h"

namespace cwlogd::api {

struct ExportOptions {
  // The directory standing for S3: bucket B is its subdirectory B, object key K the file B/K.
  // A bucket exists when its directory does. The server sets <data-dir>/exports when the flag is
  // unset. Default: "" (no exports: CreateExportTask answers that the bucket does not exist)
  std::string export_dir;
  // Uncompressed bytes written to one object before the next one (000001.gz, ...) starts. AWS
  // does not publish its chunk size. Default: 64 MiB
  size_t max_object_bytes = size_t{64} << 20;
  // zlib level of the objects (1 = fastest). Default: 1
  int compression_level = 1;
  // The thread's nice value (Linux: per thread), so that an export yields the CPU to ingest and
  // queries (on a saturated machine it then mostly waits: bench/export_bench.py). Default: 19
  int nice = 19;
  // Told what an operator must know (a task failed, and why, with paths); any thread.
  // Default: nothing
  std::function<void(const std::string&)> on_warning;
};

// The members of an export task record (ResourceRecord::fields) and the status codes.
namespace export_fields {
inline constexpr const char* kTaskName = "taskName";
inline constexpr const char* kLogGroupName = "logGroupName";
inline constexpr const char* kLogStreamNamePrefix = "logStreamNamePrefix";
inline constexpr const char* kFrom = "from";
inline constexpr const char* kTo = "to";
inline constexpr const char* kDestination = "destination";
inline constexpr const char* kDestinationPrefix = "destinationPrefix";
inline constexpr const char* kStatus = "status";
inline constexpr const char* kStatusMessage = "statusMessage";
inline constexpr const char* kCompletionTime = "completionTime";
}  // namespace export_fields

inline constexpr std::string_view kExportPending = "PENDING";
inline constexpr std::string_view kExportRunning = "RUNNING";
inline constexpr std::string_view kExportCompleted = "COMPLETED";
inline constexpr std::string_view kExportCancelled = "CANCELLED";
inline constexpr std::string_view kExportFailed = "FAILED";

// True for the codes of an active task (PENDING, RUNNING): one per partition at a time.
bool IsActiveExportStatus(std::string_view code);

// "2021-04-21T10:00:01.123Z": the timestamp that starts each exported line. Writes 24 bytes
// (more for years past 9999) to `out` and returns how many.
size_t FormatExportTimestamp(int64_t ms, char* out);

// The folder of a log stream inside the task's folder: '/' and NUL become '-', "." and ".."
// become "%2E" and "%2E%2E", and a name longer than 255 bytes (a path component's limit) is
// split into folders of at most 255 bytes.
std::string ExportStreamFolder(std::string_view stream_name);

class ExportRunner {
 public:
  // `store` and `clock` must outlive the runner. Start() starts the thread.
  ExportRunner(storage::LogStore& store, const storage::Clock& clock, ExportOptions options);
  ~ExportRunner();
  ExportRunner(const ExportRunner&) = delete;
  ExportRunner& operator=(const ExportRunner&) = delete;

  const ExportOptions& options() const { return options_; }

  // Queues the tasks left PENDING or RUNNING by the last run of the server (oldest first), then
  // starts the thread.
  void Start();

  // Queues a PENDING task (just stored by CreateExportTask).
  void Enqueue(const storage::Partition& p, const std::string& task_id);

  // Stops the task if it is the one running (its record already says CANCELLED).
  void Cancel(const storage::Partition& p, const std::string& task_id);

  // Stops the running task and forgets the queue (the test-suite reset endpoint); returns once
  // nothing runs.
  void Reset();

  // For tests: true once the queue is empty and no task runs, false after `timeout`.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  struct Job {
    storage::Partition partition;
    std::string task_id;
  };

  void Work();
  void Run(const Job& job);

  storage::LogStore& store_;
  const storage::Clock& clock_;
  const ExportOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool busy_ = false;
  std::deque<Job> queue_;
  std::optional<Job> current_;
  std::atomic<bool> cancel_current_{false};
  std::thread thread_;
};

}  // namespace cwlogd::api
