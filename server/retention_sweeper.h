// RetentionSweeper: the server's retention job. Every `interval` it deletes the events that are
// older than their group's retention (LogStore::SweepExpiredEvents, server clock) and, when
// something was deleted, compacts the store so the space leaves the disk (LogStore::CompactRange).
// SweepNow() runs the same pass synchronously (the POST /_cwlogd/sweep test endpoint).
// Thread-safe: SweepNow may be called from any thread; passes never overlap.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/log.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::server {

struct RetentionOptions {
  // Time between two background passes (the first runs one interval after start); 0 turns the
  // background job off (SweepNow still works). Default: 300 s
  std::chrono::seconds sweep_interval{300};
};

// What one pass did.
struct RetentionSweepResult {
  storage::Status status = storage::Status::OK();  // first failure; the pass stops there
  int64_t now_ms = 0;                               // the server clock the pass used
  storage::SweepStats stats;                        // deletions (valid up to a failure)
  bool compacted = false;                           // CompactRange ran
  uint64_t disk_bytes_before = 0;                   // ApproximateDiskBytes before the sweep
  uint64_t disk_bytes_after = 0;                    // ... after the compaction (or sweep)
  double sweep_ms = 0;
  double compact_ms = 0;
};

// {"deletedEvents","deletedChunks","deletedBytes","groupsWithRetention","compacted",
//  "diskBytesBefore","diskBytesAfter","sweepMs","compactMs","nowMs"}
nlohmann::json ToJson(const RetentionSweepResult& result);

class RetentionSweeper {
 public:
  // `store`, `clock` and `logger` must outlive the sweeper. Nothing runs until Start().
  RetentionSweeper(storage::LogStore& store, const storage::Clock& clock, Logger& logger,
                   RetentionOptions options);
  // Stop()s.
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // Starts the background thread (no-op when the interval is 0 or already started).
  void Start();
  // Wakes and joins the background thread. A pass in progress is finished first (the store
  // offers no cancellation); between passes the thread leaves at once. Idempotent.
  void Stop();

  // One pass now, on the calling thread: sweep with the clock's current time, compact if
  // anything was deleted. Waits for a background pass in progress. Storage errors are logged
  // and returned in `status`, never thrown.
  RetentionSweepResult SweepNow();

 private:
  void Loop();

  storage::LogStore& store_;
  const storage::Clock& clock_;
  Logger& logger_;
  const RetentionOptions options_;

  std::mutex pass_mu_;  // serializes passes (background and SweepNow)

  std::mutex mu_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cwlogd::server
