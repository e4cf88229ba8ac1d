#include "server/retention_sweeper.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

namespace cwlogd::server {
namespace {

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The background pass competes with ingest for the CPU; ingest should win. Linux applies a
// nice value to the calling thread when given its thread id. Best effort: failure is harmless.
void LowerThisThreadsPriority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 10);  // an unchanged priority only costs speed
}

}  // namespace

nlohmann::json ToJson(const RetentionSweepResult& r) {
  return {{"nowMs", r.now_ms},
          {"groupsWithRetention", r.stats.groups_with_retention},
          {"deletedChunks", r.stats.chunks_deleted},
          {"deletedEvents", r.stats.events_deleted},
          {"deletedBytes", r.stats.bytes_deleted},
          {"compacted", r.compacted},
          {"diskBytesBefore", r.disk_bytes_before},
          {"diskBytesAfter", r.disk_bytes_after},
          {"sweepMs", r.sweep_ms},
          {"compactMs", r.compact_ms}};
}

RetentionSweeper::RetentionSweeper(storage::LogStore& store, const storage::Clock& clock,
                                   Logger& logger, RetentionOptions options)
    : store_(store), clock_(clock), logger_(logger), options_(options) {}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Start() {
  if (options_.sweep_interval.count() <= 0 || thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void RetentionSweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionSweeper::Loop() {
  LowerThisThreadsPriority();
  std::unique_lock lock(mu_);
  while (true) {
    if (wake_.wait_for(lock, options_.sweep_interval, [this] { return stopping_; })) return;
    lock.unlock();
    (void)SweepNow();  // logs its own outcome; a failure is retried at the next interval
    lock.lock();
  }
}

RetentionSweepResult RetentionSweeper::SweepNow() {
  std::lock_guard pass(pass_mu_);
  RetentionSweepResult r;
  r.now_ms = clock_.NowMillis();
  logger_.Debug("retention sweep: pass started (server clock {} ms)", r.now_ms);
  r.disk_bytes_before = store_.ApproximateDiskBytes();
  auto start = std::chrono::steady_clock::now();
  r.status = store_.SweepExpiredEvents(r.now_ms, &r.stats);
  r.sweep_ms = MillisSince(start);
  // Whatever was deleted before a failure is worth compacting too.
  if (r.stats.chunks_deleted > 0) {
    start = std::chrono::steady_clock::now();
    storage::Status compact = store_.CompactRange();
    r.compact_ms = MillisSince(start);
    r.compacted = compact.ok();
    if (r.status.ok()) r.status = std::move(compact);
  }
  r.disk_bytes_after = store_.ApproximateDiskBytes();
  if (!r.status.ok()) {
    logger_.Error("retention sweep failed (retried at the next pass): {}; deleted {} events "
                  "({} bytes) before the failure",
                  r.status.message(), r.stats.events_deleted, r.stats.bytes_deleted);
  } else if (r.stats.chunks_deleted > 0) {
    logger_.Info("retention sweep: {} groups with retention, deleted {} events ({} message "
                 "bytes, {} batches) in {:.0f} ms; compaction {:.0f} ms; disk {} -> {} bytes",
                 r.stats.groups_with_retention, r.stats.events_deleted, r.stats.bytes_deleted,
                 r.stats.chunks_deleted, r.sweep_ms, r.compact_ms, r.disk_bytes_before,
                 r.disk_bytes_after);
  } else {
    logger_.Debug("retention sweep: {} groups with retention, nothing expired ({:.0f} ms)",
                  r.stats.groups_with_retention, r.sweep_ms);
  }
  return r;
}

}  // namespace cwlogd::server
