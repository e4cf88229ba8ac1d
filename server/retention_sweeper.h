// RetentionSweeper: the server's retention job. Every `interval` it deletes the events that are
// older than their group's retention (LogStore::SweepExpiredEvents, server clock) in small paced
// slices and, when something was deleted, makes sure the space leaves the disk within a bounded
// time without slowing ingest (LogStore::CompactRange, gentle). SweepNow() runs a pass
// synchronously (the POST /_cwlogd/sweep test endpoint; immediate compaction by default).
// Thread-safe: SweepNow may be called from any thread; passes never overlap.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
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
  // Background passes: how long after its deletes a pass waits before it reclaims what
  // RocksDB's own compactions have not (docs/retention.md, "The sweeper"). Default: 60 s
  std::chrono::milliseconds reclaim_delay{60'000};
  // Background passes: batches per delete slice, and the pause after each slice. Defaults: 64, 5 ms
  size_t batch_chunks = 64;
  std::chrono::milliseconds batch_pause{5};
};

// How SweepNow runs a pass.
struct RetentionPassOptions {
  // false: deletes in StorageOptions::sweep_batch_chunks slices, then flush and compaction of
  // the swept ranges at once (deterministic: the test endpoint). true: what the background job
  // does -- paced slices, then after `reclaim_delay` the gentle reclaim (CompactControl).
  bool gentle = false;
  std::optional<std::chrono::milliseconds> reclaim_delay;  // overrides the option (gentle only)
};

// What one pass did.
struct RetentionSweepResult {
  storage::Status status = storage::Status::OK();  // first failure; the pass stops there
  bool gentle = false;
  int64_t now_ms = 0;              // the server clock the pass used
  storage::SweepStats stats;       // deletions (valid up to a failure)
  bool compacted = false;          // CompactRange ran (and compacted something)
  storage::CompactStats compact;   // ranges compacted / found reclaimed
  bool cancelled = false;          // stopped early by Stop()
  uint64_t disk_bytes_before = 0;  // ApproximateDiskBytes before the sweep
  uint64_t disk_bytes_after = 0;   // ... after the compaction (or sweep)
  double sweep_ms = 0;
  double reclaim_wait_ms = 0;  // gentle: the delay before the reclaim
  double compact_ms = 0;
};

// {"gentle","deletedEvents","deletedChunks","deletedBytes","groupsWithRetention","compacted",
//  "rangesCompacted","rangesReclaimed","cancelled","diskBytesBefore","diskBytesAfter",
//  "sweepMs","reclaimWaitMs","compactMs","nowMs"}
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
  // Wakes and joins the background thread, cancelling a pass in progress (background or
  // SweepNow) at its next slice, during its reclaim delay, or inside its compaction (RocksDB
  // checks between keys): shutdown does not wait for a long sweep. What a cancelled pass
  // deleted stays deleted; the next start's passes reclaim it. Idempotent.
  void Stop();

  // One pass now, on the calling thread: sweep with the clock's current time, then reclaim the
  // space if anything was deleted (see RetentionPassOptions). Waits for a pass in progress.
  // Storage errors are logged and returned in `status`, never thrown.
  RetentionSweepResult SweepNow(const RetentionPassOptions& pass = {});

 private:
  void Loop();

  storage::LogStore& store_;
  const storage::Clock& clock_;
  Logger& logger_;
  const RetentionOptions options_;

  std::mutex pass_mu_;  // serializes passes (background and SweepNow)

  // Sleeps until `d` passed (true) or Stop() (false).
  bool PauseFor(std::chrono::milliseconds d);

  std::mutex mu_;  // guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // set by Stop(); read by the store between keys/slices
  bool reclaim_pending_ = false;     // a gentle reclaim was cancelled or failed (pass_mu_)
  std::thread thread_;
};

}  // namespace cwlogd::server
