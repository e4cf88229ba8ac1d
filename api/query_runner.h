// QueryRunner: runs Logs Insights queries (StartQuery) on a bounded pool of threads of its own,
// never on the request workers, so a long query never holds up ingest or other requests; keeps
// each query's status and results in memory for GetQueryResults, StopQuery, DescribeQueries and
// ListLogGroupsForQuery. Owned by the server's Router (one per server, no singletons) and reached
// by handlers through api::Context. Queries do not survive a restart (docs/insights-api.md).
// Thread-safe: every method may be called concurrently; the destructor cancels what runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "insights/query.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api {

struct QueryRunnerOptions {
  // Threads running queries. Queries beyond them wait in status Scheduled. Default: 2
  unsigned threads = 2;
  // Queries of one partition that may be Scheduled or Running at once; StartQuery beyond it
  // gets LimitExceededException (AWS's quota: 30 in the issue, 100 in today's model doc).
  // Default: 30
  size_t max_concurrent_per_partition = 30;
  // A query still running after this long stops with status Timeout (AWS: 60 min).
  // Default: 60 min
  std::chrono::milliseconds timeout{std::chrono::minutes(60)};
  // Finished queries kept per partition (the oldest finished is forgotten first). AWS keeps
  // results 7 days; results live in memory here, so both bounds apply. Default: 100
  size_t max_finished_per_partition = 100;
  // A finished query is forgotten this long after it finished. Default: 6 h
  std::chrono::milliseconds keep_finished_for{std::chrono::hours(6)};
  // While a query runs, its partial rows (GetQueryResults on a Running query) are refreshed at
  // most this often. Default: 500 ms
  std::chrono::milliseconds partial_refresh{500};
};

enum class QueryStatus { kScheduled, kRunning, kComplete, kFailed, kCancelled, kTimeout };
// AWS's spelling: "Scheduled", "Running", ...
std::string_view QueryStatusName(QueryStatus s);
std::optional<QueryStatus> ParseQueryStatus(std::string_view name);

// What StartQuery asks for.
struct QuerySpec {
  storage::Partition partition;
  std::string query_string;         // as given
  std::vector<std::string> groups;  // log group names, in request order, deduplicated
  int64_t start_ms = 0;             // inclusive
  int64_t end_ms = 0;               // inclusive
  size_t limit = 10000;             // rows in all
  std::shared_ptr<const insights::Query> query;
};

// GetQueryResults' statistics (docs/insights-api.md). While a query runs they are current to
// its last record; once it has finished, final.
struct QueryStatistics {
  double records_matched = 0;            // records that passed every filter (before limit)
  double records_scanned = 0;            // records fed to the query
  double bytes_scanned = 0;              // their @message bytes
  double estimated_records_skipped = 0;  // records in range, in chunks the pruning skipped
  double estimated_bytes_skipped = 0;    // their @message bytes
  double log_groups_scanned = 0;         // groups whose scan has begun
};

// A query as seen from outside, at one moment.
struct QueryInfo {
  std::string id;
  uint64_t seq = 0;  // start order within the runner (later = larger)
  QueryStatus status = QueryStatus::kScheduled;
  std::string query_string;
  std::vector<std::string> groups;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t create_time_ms = 0;
  std::optional<int64_t> duration_ms;  // set once finished
  QueryStatistics statistics;
  std::string error;  // kFailed: why (server log)
};

// The rows of a query with its info. Running queries give the partial rows of the last refresh.
struct QueryResults {
  QueryInfo info;
  std::shared_ptr<const std::vector<insights::ResultRow>> rows;
};

class QueryRunner {
 public:
  // `store` and `clock` must outlive the runner. Starts options.threads threads.
  QueryRunner(storage::LogStore& store, const storage::Clock& clock, QueryRunnerOptions options);
  ~QueryRunner();
  QueryRunner(const QueryRunner&) = delete;
  QueryRunner& operator=(const QueryRunner&) = delete;

  const QueryRunnerOptions& options() const { return options_; }

  // Schedules the query; its id (a UUID), or nullopt when the partition already has
  // max_concurrent_per_partition queries Scheduled or Running.
  std::optional<std::string> Start(QuerySpec spec);

  // nullopt when the id is unknown in the partition (never started, or forgotten).
  std::optional<QueryResults> Results(const storage::Partition& p, const std::string& id);
  std::optional<QueryInfo> Info(const storage::Partition& p, const std::string& id);

  enum class StopOutcome { kStopped, kNotFound, kNotRunning };
  // Cancels a Scheduled or Running query: it ends as Cancelled within one chunk of its scan.
  StopOutcome Stop(const storage::Partition& p, const std::string& id);

  // The partition's queries, newest first.
  std::vector<QueryInfo> List(const storage::Partition& p);

  // Cancels and forgets every query (the test-suite reset endpoint).
  void Reset();

 private:
  struct State;
  struct PartitionQueries;

  void Work();
  void Run(State& state);
  // Drops finished queries past their retention; called with mu_ held.
  void Expire(PartitionQueries& queries, int64_t now_ms);
  // The partition's query `id` after expiry, or nullptr; called with mu_ held.
  State* FindUnexpired(const storage::Partition& p, const std::string& id);
  static QueryInfo Snapshot(const State& state);

  storage::LogStore& store_;
  const storage::Clock& clock_;
  const QueryRunnerOptions options_;

  std::mutex mu_;
  std::condition_variable work_cv_;
  bool stopping_ = false;
  uint64_t next_seq_ = 1;
  std::deque<std::shared_ptr<State>> queue_;            // Scheduled, in start order
  std::map<std::string, PartitionQueries> partitions_;  // key: account + '\n' + region
  std::vector<std::thread> threads_;
};

}  // namespace cwlogd::api
