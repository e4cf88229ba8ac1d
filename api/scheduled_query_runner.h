// ScheduledQueryRunner: fires scheduled queries (CreateScheduledQuery) on one thread of its own.
// Every poll it looks, on the server's clock, for ENABLED queries whose next fire time has come,
// runs each one's Logs Insights query through the QueryRunner over its log groups and time
// window, writes the rows to its S3 destination (a folder of the export directory, as
// ExportRunner's buckets: docs/scheduled-queries.md) and records the run as a history record.
// Queries and runs are resource records (kScheduledQuery, kScheduledQueryRun), so the schedule
// and the history survive a restart; a run is keyed by its fire time, so a run is never recorded
// twice, even after kill -9. Owned by the server's Router.
// Thread-safe: every method may be called concurrently; the destructor stops the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
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

class QueryRunner;

// The members of a scheduled query's record (ResourceRecord::fields).
namespace scheduled_fields {
inline constexpr const char* kDescription = "description";
inline constexpr const char* kQueryLanguage = "queryLanguage";
inline constexpr const char* kQueryString = "queryString";
inline constexpr const char* kLogGroupIdentifiers = "logGroupIdentifiers";  // JSON array text
inline constexpr const char* kScheduleExpression = "scheduleExpression";
inline constexpr const char* kTimezone = "timezone";
inline constexpr const char* kStartTimeOffset = "startTimeOffset";                    // seconds
inline constexpr const char* kDestinationConfiguration = "destinationConfiguration";  // JSON
inline constexpr const char* kScheduleStartTime = "scheduleStartTime";
inline constexpr const char* kScheduleEndTime = "scheduleEndTime";
inline constexpr const char* kExecutionRoleArn = "executionRoleArn";
inline constexpr const char* kState = "state";
inline constexpr const char* kLastTriggeredTime = "lastTriggeredTime";
inline constexpr const char* kLastExecutionStatus = "lastExecutionStatus";
inline constexpr const char* kNextFireTime = "nextFireTime";  // ms; absent = never again
}  // namespace scheduled_fields

// The members of a run's record (name: RunRecordName).
namespace run_fields {
inline constexpr const char* kQueryId = "queryId";
inline constexpr const char* kExecutionStatus = "executionStatus";
inline constexpr const char* kErrorMessage = "errorMessage";
inline constexpr const char* kDestinations = "destinations";  // JSON array text
}  // namespace run_fields

// A run's record name: <query name> '\0' <fire time, 20 decimal digits>, so that a query's runs
// list in time order under the prefix RunRecordPrefix(name).
std::string RunRecordName(std::string_view query_name, int64_t fire_ms);
std::string RunRecordPrefix(std::string_view query_name);
// The fire time in a run's record name; nullopt when malformed.
std::optional<int64_t> RunFireTime(std::string_view run_name);

// When the query of `fields` (its record's) next fires strictly after `after_ms`: nullopt when
// never (a bad expression, or past its scheduleEndTime). Rate schedules count from
// scheduleStartTime, else from `creation_ms`.
std::optional<int64_t> NextScheduledRun(const std::map<std::string, std::string>& fields,
                                        int64_t after_ms, int64_t creation_ms);

struct ScheduledQueryOptions {
  // The directory standing for S3 (ExportOptions::export_dir): bucket B is its subdirectory B.
  // Default: "" (destinations fail: the bucket does not exist)
  std::string export_dir;
  // How often (wall time) the thread looks for due queries; the test clock moves the server's
  // clock, so a due query runs within one poll. Default: 200 ms
  std::chrono::milliseconds poll{200};
  // A run's query that has not finished after this long (wall time) is recorded as Timeout.
  // Default: 10 min
  std::chrono::milliseconds run_timeout{std::chrono::minutes(10)};
  // Told what an operator must know (a run failed, and why); any thread. Default: nothing
  std::function<void(const std::string&)> on_warning;
};

class ScheduledQueryRunner {
 public:
  // `store`, `resources`, `clock` and `queries` must outlive the runner. Start() starts the thread.
  ScheduledQueryRunner(storage::LogStore& store, storage::ResourceStore& resources,
                       const storage::Clock& clock, QueryRunner& queries,
                       ScheduledQueryOptions options);
  ~ScheduledQueryRunner();
  ScheduledQueryRunner(const ScheduledQueryRunner&) = delete;
  ScheduledQueryRunner& operator=(const ScheduledQueryRunner&) = delete;

  void Start();
  // Looks for due queries now (after a change of the clock or of a query).
  void Wake();
  // Fires every due query once and returns (the thread's step; for tests).
  void RunDue();
  // Calls `f` while no query fires (after the run in progress, if any, has ended): the test-suite
  // reset endpoint wipes the store in it.
  void WhilePaused(const std::function<void()>& f);

 private:
  void Work();
  void Fire(const storage::Partition& p, const storage::ResourceRecord& query, int64_t fire_ms);

  storage::LogStore& store_;
  storage::ResourceStore& resources_;
  const storage::Clock& clock_;
  QueryRunner& queries_;
  const ScheduledQueryOptions options_;

  std::mutex run_mu_;  // one RunDue at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace cwlogd::api
