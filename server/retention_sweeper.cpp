#include "server/retention_sweeper.h"

#include <utility>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/log.h"

namespace cwlogd::server {
namespace {

// The background pass competes with ingest for the CPU; ingest should win. Linux applies a
// nice value to the calling thread when given its thread id. Best effort: failure is harmless.
void LowerThisThreadsPriority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  (void)::setpriority(PRIO_PROCESS, tid, 10);  // an unchanged priority only costs speed
}

}  // namespace

nlohmann::json ToJson(const RetentionSweepResult& r) {
  return {{"gentle", r.gentle},
          {"nowMs", r.now_ms},
          {"groupsWithRetention", r.stats.groups_with_retention},
          {"deletedChunks", r.stats.chunks_deleted},
          {"deletedEvents", r.stats.events_deleted},
          {"deletedBytes", r.stats.bytes_deleted},
          {"compacted", r.compacted},
          {"rangesCompacted", r.compact.ranges_compacted},
          {"rangesReclaimed", r.compact.ranges_reclaimed},
          {"cancelled", r.cancelled},
          {"diskBytesBefore", r.disk_bytes_before},
          {"diskBytesAfter", r.disk_bytes_after},
          {"sweepMs", r.sweep_ms},
          {"reclaimWaitMs", r.reclaim_wait_ms},
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
  cancel_.store(false);
  thread_ = std::thread([this] { Loop(); });
}

void RetentionSweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RetentionSweeper::PauseFor(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

void RetentionSweeper::Loop() {
  LowerThisThreadsPriority();
  std::unique_lock lock(mu_);
  while (true) {
    if (wake_.wait_for(lock, options_.sweep_interval, [this] { return stopping_; })) return;
    lock.unlock();
    RetentionPassOptions pass;
    pass.gentle = true;
    (void)SweepNow(pass);  // logs its outcome; a failure is retried at the next interval
    lock.lock();
  }
}

RetentionSweepResult RetentionSweeper::SweepNow(const RetentionPassOptions& pass) {
  std::lock_guard pass_lock(pass_mu_);
  RetentionSweepResult r;
  r.gentle = pass.gentle;
  r.now_ms = clock_.NowMillis();
  logger_.Debug("retention sweep: pass started ({}, server clock {} ms)",
                pass.gentle ? "gentle" : "immediate", r.now_ms);
  r.disk_bytes_before = store_.ApproximateDiskBytes();
  auto start = std::chrono::steady_clock::now();
  storage::SweepControl control;
  if (pass.gentle) {
    control.batch_chunks = options_.batch_chunks;
    control.between_batches = [this] { return PauseFor(options_.batch_pause); };
  } else {
    control.between_batches = [this] { return !cancel_.load(); };
  }
  r.status = store_.SweepExpiredEvents(r.now_ms, &r.stats, control);
  r.sweep_ms = MillisSince(start);
  r.cancelled = cancel_.load();
  // Whatever was deleted before a failure is worth reclaiming too.
  const bool reclaim = r.stats.chunks_deleted > 0 || (pass.gentle && reclaim_pending_);
  bool reclaim_ran = false;
  if (reclaim && !r.cancelled) {
    if (pass.gentle) {
      logger_.Info(
          "retention sweep: {} groups with retention, deleted {} events ({} message "
          "bytes, {} batches) in {:.0f} ms; reclaim check in {} ms",
          r.stats.groups_with_retention, r.stats.events_deleted, r.stats.bytes_deleted,
          r.stats.chunks_deleted, r.sweep_ms,
          pass.reclaim_delay.value_or(options_.reclaim_delay).count());
      // Meanwhile RocksDB's own compactions usually drop the deleted data along with work they
      // do anyway; the reclaim below then only checks.
      start = std::chrono::steady_clock::now();
      r.cancelled = !PauseFor(pass.reclaim_delay.value_or(options_.reclaim_delay));
      r.reclaim_wait_ms = MillisSince(start);
    }
    if (!r.cancelled) {
      reclaim_ran = true;
      start = std::chrono::steady_clock::now();
      storage::CompactControl cc;
      cc.gentle = pass.gentle;
      cc.canceled = &cancel_;
      storage::Status compact = store_.CompactRange(cc, &r.compact);
      r.compact_ms = MillisSince(start);
      r.cancelled = r.compact.cancelled;
      r.compacted =
          compact.ok() && !r.compact.cancelled && (!pass.gentle || r.compact.ranges_compacted > 0);
      if (pass.gentle) reclaim_pending_ = !compact.ok() || r.compact.cancelled;
      if (r.status.ok()) r.status = std::move(compact);
    }
  }
  if (pass.gentle && r.cancelled && r.stats.chunks_deleted > 0) reclaim_pending_ = true;
  r.disk_bytes_after = store_.ApproximateDiskBytes();
  if (!r.status.ok()) {
    logger_.Error(
        "retention sweep failed (retried at the next pass): {}; deleted {} events "
        "({} bytes) before the failure",
        r.status.message(), r.stats.events_deleted, r.stats.bytes_deleted);
  } else if (pass.gentle && (reclaim_ran || r.cancelled)) {
    logger_.Info(
        "retention reclaim: {} swept groups compacted in {:.0f} ms, {} already "
        "reclaimed by RocksDB's own compactions{}; disk {} -> {} bytes",
        r.compact.ranges_compacted, r.compact_ms, r.compact.ranges_reclaimed,
        r.cancelled ? " (cancelled by shutdown, retried at the next pass)" : "",
        r.disk_bytes_before, r.disk_bytes_after);
  } else if (!pass.gentle && r.stats.chunks_deleted > 0) {
    logger_.Info(
        "retention sweep: {} groups with retention, deleted {} events ({} message "
        "bytes, {} batches) in {:.0f} ms; compaction {:.0f} ms{}; disk {} -> {} bytes",
        r.stats.groups_with_retention, r.stats.events_deleted, r.stats.bytes_deleted,
        r.stats.chunks_deleted, r.sweep_ms, r.compact_ms,
        r.cancelled ? " (cancelled by shutdown)" : "", r.disk_bytes_before, r.disk_bytes_after);
  } else if (r.stats.chunks_deleted == 0) {
    logger_.Debug("retention sweep: {} groups with retention, nothing expired ({:.0f} ms){}",
                  r.stats.groups_with_retention, r.sweep_ms,
                  r.cancelled ? " (cancelled by shutdown)" : "");
  }
  return r;
}

}  // namespace cwlogd::server
