// LogStore: the storage contract every other layer programs against. The one implementation is
// RocksLogStore (detail/rocks_log_store.h); the on-disk layout is in docs/storage-format.md.
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/status.h"
#include "storage/term_sketch.h"

namespace cwlogd::storage {

class AlarmStore;             // storage/alarm_store.h
class MetricStore;            // storage/metric_store.h
class ResourceStore;          // storage/resource_store.h
class QueryDefinitionStore;   // storage/query_definition_store.h
class SubscriptionStore;      // storage/subscription_store.h
struct MetricAggregateDelta;  // storage/metric_store.h

// All resources live in one (account, region) partition; names are unique within it.
struct Partition {
  std::string account;  // 12 digits, e.g. "000000000000"
  std::string region;   // e.g. "us-east-1"
};

struct LogGroupInfo {
  std::string name;
  uint64_t id = 0;  // internal, assigned at creation, never reused; not shown to clients
  int64_t creation_time_ms = 0;
  std::optional<int32_t> retention_days;
  std::string log_group_class = "STANDARD";
  std::optional<std::string> kms_key_id;
  bool deletion_protection = false;
  bool bearer_token_authentication = false;  // PutBearerTokenAuthentication; stored only
  int64_t stored_bytes = 0;  // sum of UTF-8 message bytes of stored, unexpired events
  int32_t metric_filter_count = 0;
  std::map<std::string, std::string> tags;
};

struct LogStreamInfo {
  std::string name;
  uint64_t id = 0;  // internal, assigned at creation, never reused
  int64_t creation_time_ms = 0;
  std::optional<int64_t> first_event_timestamp;  // set once events exist
  std::optional<int64_t> last_event_timestamp;
  std::optional<int64_t> last_ingestion_time;
  uint64_t upload_sequence = 0;  // grows with every PutLogEvents; api renders it as a token
};

// Position of one stored event in the single total order every read uses:
// timestamp, then the batch's arrival sequence (global, increasing), then index in the batch.
struct EventKey {
  int64_t timestamp = 0;
  uint64_t sequence = 0;
  uint32_t index = 0;
  auto operator<=>(const EventKey&) const = default;
};

// A place in the last-event-time order of a group's streams (ListLogStreamsByLastEventTime).
struct StreamTimePosition {
  int64_t last_event_time = 0;  // 0 for a stream without events
  std::string name;
};

struct InputEvent {
  int64_t timestamp = 0;
  std::string message;
};

// What a reader sees of one event. The string_views are valid only during the visitor call.
struct EventView {
  EventKey key;
  int64_t ingestion_time = 0;
  std::string_view message;
  std::string_view stream_name;
};

// Called once per event in scan order; return false to stop the scan.
using EventVisitor = std::function<bool(const EventView&)>;

struct StreamScanQuery {
  int64_t start_time = std::numeric_limits<int64_t>::min();  // inclusive
  int64_t end_time = std::numeric_limits<int64_t>::max();    // exclusive
  bool forward = true;  // ascending EventKey order; false = descending
  // Exclusive bound: forward scans start after it, backward scans start before it.
  std::optional<EventKey> cursor;
};

// A prefilter on a chunk's decompressed body (many messages with framing bytes between them):
// false when no event of the chunk can be wanted, so the scan skips it without decoding its
// events. It may say true for chunks without a wanted event (the visitor still decides).
using ChunkBodyFilter = std::function<bool(std::string_view body)>;
// The same decision from a chunk's term sketch (storage/term_sketch.h), taken from the index
// before the chunk is read. Only chunks big enough to carry a sketch are asked.
using ChunkSketchFilter = std::function<bool(const TermSketch& sketch)>;

// What a scan's chunk filters saved: the chunks they rejected, with their events and message
// bytes inside the scan's time range (a chunk straddling a bound counts in proportion to the
// share of its time span inside the range, so `events` and `bytes` are estimates there).
struct ScanSkips {
  uint64_t chunks = 0;
  double events = 0;
  double bytes = 0;
};

struct GroupScanQuery {
  int64_t start_time = std::numeric_limits<int64_t>::min();  // inclusive
  int64_t end_time = std::numeric_limits<int64_t>::max();    // exclusive
  std::optional<EventKey> after;                             // exclusive lower bound on EventKey
  // At most one of these narrows the streams searched; neither = every stream of the group.
  std::optional<std::vector<std::string>> stream_names;
  std::optional<std::string> stream_name_prefix;
  // When set, chunks they reject are skipped: the visitor never sees their events. Both may
  // be called from two threads at once.
  ChunkBodyFilter chunk_body_filter;
  ChunkSketchFilter chunk_sketch_filter;
  // When set, the chunks the filters rejected are added to it, on the thread that calls the
  // visitor (which may read it between events; chunks after the last event count by the return).
  ScanSkips* skips = nullptr;
  // The visitor takes events in any order (an aggregation): they come chunk by chunk as the
  // index lists them, without the merge into time order, the next chunks read on a second
  // thread meanwhile. Each chunk's events still come in order.
  bool any_order = false;
};

// What PutEventsRequest::plan decides once the group and stream records are known: the events to
// store and the metric-filter data they produced (both owned by the planner's caller).
struct PutEventsPlan {
  // Chronological and within 24 h; may be empty: then nothing is written.
  std::span<const InputEvent> events;
  std::span<const MetricAggregateDelta> metrics;
};
// Decides a batch from the records it is about to join. A non-OK status is returned by
// PutLogEvents as is, with nothing written. It runs before the group's lock is taken and, only
// when the group or stream was deleted and re-created meanwhile, once more under the lock with the
// new records: it must not call back into the store's write path.
using PutEventsPlanner =
    std::function<Result<PutEventsPlan>(const LogGroupInfo& group, const LogStreamInfo& stream)>;

struct PutEventsRequest {
  std::string_view group;
  std::string_view stream;
  // The batch when `plan` is unset: non-empty, chronological, all accepted.
  std::span<const InputEvent> events;
  int64_t ingestion_time = 0;
  // Metric-filter data the events produced (api/metric_filter_eval.h), merged into the metric
  // store in the SAME atomic write as the events. Empty when the group has no metric filters.
  std::span<const MetricAggregateDelta> metrics = {};
  // When set, it decides the batch (and `events` / `metrics` are ignored): the api's PutLogEvents
  // classifies events by the group's retention and runs its metric filters here, so the store
  // reads the group and stream once and is the one judge of whether they exist.
  PutEventsPlanner plan = nullptr;
};

struct PutEventsResult {
  uint64_t stream_id = 0;        // the stream the batch joined (for the sequence token)
  uint64_t upload_sequence = 0;  // the stream's upload_sequence after the call
  bool written = false;          // false when the plan accepted no event
};

// What one SweepExpiredEvents call removed.
struct SweepStats {
  uint64_t groups_with_retention = 0;  // groups looked at
  uint64_t chunks_deleted = 0;         // whole PutLogEvents batches removed
  uint64_t events_deleted = 0;
  uint64_t bytes_deleted = 0;  // message bytes, as subtracted from stored_bytes
};

// Pacing and interruption of a sweep (the background retention job; docs/retention.md).
struct SweepControl {
  // Batches deleted per atomic write; 0 = StorageOptions::sweep_batch_chunks.
  size_t batch_chunks = 0;
  // Called after every written slice (outside every lock); returning false stops the sweep
  // there with Status OK and the stats so far (the next sweep finishes the job). May sleep.
  std::function<bool()> between_batches;
};

// How CompactRange() reclaims the swept ranges.
struct CompactControl {
  // false: flush, then compact every swept range (deterministic; the test endpoint).
  // true: never the whole database; first measure each swept range (SST files + memtables);
  // a range RocksDB's own compactions already emptied (at most 1/8 of its size right after the
  // sweep, plus reclaimed_slack_bytes, is left: partly live batches stay) is only forgotten;
  // the others are compacted with one subcompaction, not exclusive of automatic compactions.
  bool gentle = false;
  uint64_t reclaimed_slack_bytes = 64 << 10;
  // When set and it becomes true, a running compaction stops (RocksDB checks it between
  // keys); CompactRange then returns OK with `CompactStats::cancelled` and keeps the ranges
  // for the next call.
  std::atomic<bool>* canceled = nullptr;
};

struct CompactStats {
  uint64_t ranges_compacted = 0;  // swept groups whose ranges were compacted
  uint64_t ranges_reclaimed = 0;  // ... found already reclaimed (gentle only)
  bool cancelled = false;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // --- log groups ---
  // AlreadyExists if the name is taken in the partition. Fills info.id.
  virtual Status CreateLogGroup(const Partition& p, LogGroupInfo info) = 0;
  virtual Result<LogGroupInfo> GetLogGroup(const Partition& p, std::string_view name) = 0;
  // Visits groups in ascending byte order of name, starting after `start_after` (empty = from
  // the first), restricted to names starting with `prefix`. The visitor returns false to stop.
  virtual Status ListLogGroups(const Partition& p, std::string_view prefix,
                               std::string_view start_after,
                               const std::function<bool(const LogGroupInfo&)>& visit) = 0;
  // Atomic read-modify-write of one group's settable fields (retention, class, kms key,
  // deletion protection, tags). id, name, stored_bytes and metric_filter_count are kept as
  // stored whatever `mutate` does. If `mutate` returns non-ok nothing is written.
  virtual Status UpdateLogGroup(const Partition& p, std::string_view name,
                                const std::function<Status(LogGroupInfo&)>& mutate) = 0;
  // Removes the group, its streams, its events and everything else attached to it.
  virtual Status DeleteLogGroup(const Partition& p, std::string_view name) = 0;

  // --- log streams ---
  // NotFound(kLogGroup) / AlreadyExists(kLogStream).
  virtual Status CreateLogStream(const Partition& p, std::string_view group,
                                 std::string_view stream, int64_t creation_time_ms) = 0;
  virtual Result<LogStreamInfo> GetLogStream(const Partition& p, std::string_view group,
                                             std::string_view stream) = 0;
  // Streams of a group in ascending byte order of name, after `start_after`, with `prefix`.
  virtual Status ListLogStreams(const Partition& p, std::string_view group, std::string_view prefix,
                                std::string_view start_after,
                                const std::function<bool(const LogStreamInfo&)>& visit) = 0;
  // Streams of a group ordered by (last event time, name), a stream without events at time 0
  // (DescribeLogStreams' orderBy=LastEventTime), ascending or, with `descending`, the reverse;
  // only those strictly after `after` in that order. Costs O(streams visited), not O(streams).
  virtual Status ListLogStreamsByLastEventTime(
      const Partition& p, std::string_view group, bool descending,
      const std::optional<StreamTimePosition>& after,
      const std::function<bool(const LogStreamInfo&)>& visit) = 0;
  virtual Status DeleteLogStream(const Partition& p, std::string_view group,
                                 std::string_view stream) = 0;

  // --- events ---
  // Stores the batch as one atomic, WAL-logged write and updates the stream's counters and the
  // group's stored_bytes in the same write. NotFound(kLogGroup) before NotFound(kLogStream), both
  // before the plan runs; then the plan's status; InvalidArgument for a batch that is empty
  // (without a plan), out of order or wider than 24 h.
  virtual Result<PutEventsResult> PutLogEvents(const Partition& p,
                                               const PutEventsRequest& request) = 0;
  // Events of one stream in EventKey order (ascending, or descending when !forward).
  virtual Status ScanStream(const Partition& p, std::string_view group, std::string_view stream,
                            const StreamScanQuery& query, const EventVisitor& visit) = 0;
  // Events of a whole group, interleaved across streams in ascending EventKey order.
  virtual Status ScanGroup(const Partition& p, std::string_view group, const GroupScanQuery& query,
                           const EventVisitor& visit) = 0;

  // --- retention ---
  // For every group with retention_days R, deletes the stored batches whose events are all
  // older than now_ms - R days, with their index entries, and lowers the group's stored_bytes
  // in the same atomic write. A batch with some unexpired events stays until all of them
  // expire (readers clamp by time themselves). Streams stay even when emptied; their
  // first/last event timestamps are unchanged. Safe concurrently with everything else and
  // idempotent: interrupted at any point (even kill -9), stored_bytes stays exact and the next
  // sweep finishes the job. `stats` may be null.
  // `control` paces the deletes and may stop the sweep between slices.
  virtual Status SweepExpiredEvents(int64_t now_ms, SweepStats* stats,
                                    const SweepControl& control) = 0;
  Status SweepExpiredEvents(int64_t now_ms, SweepStats* stats) {
    return SweepExpiredEvents(now_ms, stats, SweepControl{});
  }
  // Makes deleted data leave the disk (call it after a sweep that deleted something): flushes
  // every memtable (so the WAL can go), then compacts only the key ranges that sweeps deleted
  // from since the last call, or the whole database when there are none. Heavy unless
  // `control.gentle` (see CompactControl); meant for a background job. `stats` may be null.
  virtual Status CompactRange(const CompactControl& control, CompactStats* stats) = 0;
  Status CompactRange() { return CompactRange(CompactControl{}, nullptr); }
  // Live SST files plus WAL files, in bytes (for tests and benchmarks).
  virtual uint64_t ApproximateDiskBytes() = 0;

  // --- metrics ---
  // The MetricStore sharing this store's database (metric data and metric-filter definitions;
  // filter definitions are deleted with their group), or nullptr when the implementation has
  // none (test fakes). Default: nullptr.
  virtual MetricStore* metric_store() { return nullptr; }
  // The AlarmStore sharing this store's database (CloudWatch alarms, their history and action
  // outbox), or nullptr when the implementation has none (test fakes). Default: nullptr.
  virtual AlarmStore* alarm_store() { return nullptr; }

  // --- account-level resources ---
  // The ResourceStore sharing this store's database (policies, destinations; the records bound
  // to a log group are deleted with it), or nullptr when the implementation has none (test
  // fakes). Default: nullptr.
  virtual ResourceStore* resource_store() { return nullptr; }
  // --- saved Logs Insights queries ---
  // The QueryDefinitionStore sharing this store's database (wiped by Reset like the rest), or
  // nullptr when the implementation has none (test fakes). Default: nullptr.
  virtual QueryDefinitionStore* query_definition_store() { return nullptr; }
  // --- subscription filters ---
  // The SubscriptionStore sharing this store's database (filters, their cursors and outbox;
  // PutLogEvents fills a group's outbox while it has a filter), or nullptr when the
  // implementation has none (test fakes). Default: nullptr.
  virtual SubscriptionStore* subscription_store() { return nullptr; }

  // --- administration ---
  // Wipes every partition (the test-suite reset endpoint).
  virtual Status Reset() = 0;
};

struct StorageOptions {
  std::string path = "./data";  // Default: ./data (created if missing)
  bool sync_writes = false;     // fsync the WAL on every write. Default: false (WAL on, no fsync)
  size_t block_cache_bytes = 64 << 20;  // Default: 64 MiB
  // Batches deleted per atomic write (and per hold of a group's lock) by SweepExpiredEvents.
  // Default: 1024
  size_t sweep_batch_chunks = 1024;
  // Space kept in <path>/RESERVED-SPACE for deletes on a full disk (docs/security.md, "Disk
  // full"); 0 = none. Default: 256 MiB
  uint64_t reserved_disk_bytes = uint64_t{256} << 20;
  // Told what an operator must know (the store opened read-only, the reserve was used); called
  // from any thread. Default: nothing.
  std::function<void(const std::string&)> on_warning;
};

// Opens (creating if missing) the RocksDB-backed store at options.path.
Result<std::unique_ptr<LogStore>> OpenRocksLogStore(const StorageOptions& options);

}  // namespace cwlogd::storage
