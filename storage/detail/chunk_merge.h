// The forward k-way merge behind ScanStream (forward) and ScanGroup: the events of many chunks
// in ascending EventKey order, loading each chunk only once the order reaches its first event.
// With Query::any_order it skips the merge: chunks in index order, the next ones loaded on a
// second thread while the visitor works. Knows no RocksDB: the index entries and chunk bodies come
// from a ChunkSource. Not thread-safe: one ChunkMerge per scan (it may borrow a ScanHelper thread
// for read-ahead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/detail/scan_helper.h"
#include "storage/keys.h"
#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::storage::detail {

// A chunk the index points at, before it is read.
struct ChunkRef {
  keys::ChunkId id;
  keys::ChunkInfo info;
  // The index value's bytes after the ChunkInfo (a directory entry's term sketch); valid only
  // until the source's next NextEntry().
  std::string_view index_tail;
};

// One decoded chunk being merged; `pos` is the event it currently offers.
struct ChunkCursor {
  ChunkRef ref;
  std::string_view stream_name;
  keys::DecodedChunk chunk;  // owns its body: valid after the chunk reader moves on
  size_t pos = 0;

  EventKey key() const { return KeyAt(pos); }
  EventKey KeyAt(size_t i) const {
    return {chunk.events[i].timestamp, ref.id.sequence, static_cast<uint32_t>(i)};
  }
};

// Reads chunk bodies; one per thread.
class ChunkLoader {
 public:
  virtual ~ChunkLoader() = default;
  // Reads and decodes c->ref's chunk into c->chunk (DecodeChunkPayload).
  virtual Status Load(ChunkCursor* c, const ChunkBodyFilter& body_filter, bool* skipped) = 0;
};

// Decodes a stored chunk payload into c->chunk, which then owns its body. With a `body_filter`
// that rejects the decompressed body, the events are not decoded and *skipped (if given) is set
// (c->chunk.events is then empty).
Status DecodeChunkPayload(std::string_view payload, ChunkCursor* c,
                          const ChunkBodyFilter& body_filter, bool* skipped);

// Where a merge's chunks come from.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The next index entry, ascending by (min timestamp, sequence); *found = false past the last.
  // ref->index_tail stays valid until the next call.
  virtual Status NextEntry(ChunkRef* ref, bool* found) = 0;
  // A loader for one more thread (the merge's own, then the read-ahead helper's).
  virtual std::unique_ptr<ChunkLoader> NewLoader() = 0;
};

class ChunkMerge {
 public:
  struct Query {
    int64_t start_time = std::numeric_limits<int64_t>::min();  // inclusive
    int64_t end_time = std::numeric_limits<int64_t>::max();    // exclusive
    std::optional<EventKey> after;                             // exclusive lower bound
    // The name of a chunk's stream, or nullptr to skip the chunk. Required.
    std::function<const std::string*(uint64_t stream_id)> name_of;
    ChunkBodyFilter body_filter;      // chunks whose body it rejects are skipped
    ChunkSketchFilter sketch_filter;  // chunks whose directory sketch it rejects are skipped
    ScanSkips* skips = nullptr;       // when set, counts the chunks the two filters skipped
    // The visitor takes events in any order: visit chunk after chunk (GroupScanQuery::any_order).
    bool any_order = false;
  };

  // `source` and `query` must outlive the merge.
  ChunkMerge(ChunkSource& source, const Query& query);
  ChunkMerge(const ChunkMerge&) = delete;
  ChunkMerge& operator=(const ChunkMerge&) = delete;

  // Visits the wanted events in ascending EventKey order (with any_order: chunk by chunk in
  // index order, each chunk's events in order) until `visit` returns false or none is left.
  // Call once.
  Status Run(const EventVisitor& visit);

 private:
  // An index entry taken from the source, in index order, with its chunk loaded or not.
  struct Ahead {
    std::unique_ptr<ChunkCursor> cursor;
    bool loaded = false;
    bool skipped = false;  // the body filter rejected it
    Status status;
  };

  bool QualifiesAfter(const EventKey& key) const { return !query_.after || key > *query_.after; }
  // A cursor from the spares, or a new one.
  std::unique_ptr<ChunkCursor> NewCursor();
  // Moves a cursor that left the heap to the spares.
  void Retire(ChunkCursor* c);
  // Moves the next index entry that may hold a wanted event into `ahead_`, if any.
  Status TakeIndexEntry();
  // Loads the chunks of `ahead_` not loaded yet: on this thread, or with read-ahead on, on this
  // and the helper thread, each taking the next unloaded entry until none is left.
  void LoadAhead();
  // Loads index entries while they may hold an event not after the current best.
  Status Refill();
  // After another skipped chunk: turns read-ahead on once enough were skipped in a row.
  void CountSkip();
  // Adds a chunk a filter rejected to query_.skips.
  void AddSkip(const ChunkRef& ref);
  // Run for any_order.
  Status RunInIndexOrder(const EventVisitor& visit);
  // Takes index entries into `ahead_` until it holds kIndexOrderBatch or the index ends.
  Status FillBatch();
  // Loads the entries of `batch` not loaded yet with `loader`.
  void LoadBatch(std::deque<Ahead>& batch, ChunkLoader& loader);
  // Visits the wanted events of the loaded `batch`; *stopped when `visit` returned false.
  Status VisitBatch(std::deque<Ahead>& batch, const EventVisitor& visit, bool* stopped);

  // Read-ahead: once kSkipsBeforeReadAhead chunks in a row were rejected by the body filter
  // (a search for a rare term), index entries are taken kReadAhead at a time and their chunks
  // loaded, decompressed and filtered on two threads. A page that ends early has loaded at
  // most kReadAhead chunks too many.
  static constexpr size_t kSkipsBeforeReadAhead = 4;
  static constexpr size_t kReadAhead = 16;
  // any_order: chunks loaded by the helper while the visitor takes the batch before. Two
  // batches are held at once, as many chunks as one read-ahead.
  static constexpr size_t kIndexOrderBatch = kReadAhead / 2;
  // Smallest min timestamp of the chunks the index has not handed out yet.
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();

  ChunkSource& source_;
  const Query& query_;
  std::unique_ptr<ChunkLoader> loader_;
  std::vector<std::unique_ptr<ChunkCursor>> owned_;  // cursors in the heap
  std::vector<ChunkCursor*> heap_;                   // min-heap on EventKey
  std::vector<std::unique_ptr<ChunkCursor>> spare_;  // retired cursors, reused
  std::deque<Ahead> ahead_;
  int64_t next_min_ = kNone;
  bool exhausted_ = false;   // the index range and `ahead_` are both used up
  bool index_done_ = false;  // the index range is used up
  size_t skipped_in_row_ = 0;
  std::unique_ptr<ChunkLoader> helper_loader_;  // used only by the helper thread
  std::unique_ptr<ScanHelper> helper_;          // declared last: joined before the rest goes
};

}  // namespace cwlogd::storage::detail
