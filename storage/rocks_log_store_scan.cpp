// RocksLogStore's reads of events: ScanStream (forward through ChunkMerge, backward below) and
// ScanGroup (ChunkMerge over the group directory). Reads hold a snapshot and take no lock.
#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>

#include "storage/detail/chunk_merge.h"
#include "storage/detail/engine.h"
#include "storage/detail/rocks_log_store.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"
#include "storage/log_store.h"

namespace cwlogd::storage::detail {
namespace {

namespace k = keys;

// Reads a scan's chunks through one events-CF iterator instead of a Get per chunk. A Get
// copies a value that is still in the memtable into its result (~30% of a rare-term scan
// over freshly written chunks); an iterator's value is used in place. Scans ask for chunks
// mostly in key order, so the iterator usually gets there with one Next() (or Prev()).
class ChunkReader {
 public:
  ChunkReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events, const rocksdb::ReadOptions& ro)
      : it_(db->NewIterator(ro, events)) {}

  // Sets *value to the stored value of `key`, valid until the next call. NotFound if absent.
  rocksdb::Status Find(const std::string& key, std::string_view* value) {
    const rocksdb::Slice target(key);
    if (it_->Valid()) {
      const int order = it_->key().compare(target);
      if (order < 0) {
        it_->Next();
      } else if (order > 0) {
        it_->Prev();
      }
      if (it_->Valid() && it_->key() == target) return Found(value);
    }
    it_->Seek(target);
    if (it_->Valid() && it_->key() == target) return Found(value);
    if (!it_->status().ok()) return it_->status();
    return rocksdb::Status::NotFound();
  }

 private:
  rocksdb::Status Found(std::string_view* value) {
    *value = ToView(it_->value());
    return rocksdb::Status::OK();
  }

  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksChunkLoader final : public ChunkLoader {
 public:
  RocksChunkLoader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                   const rocksdb::ReadOptions& ro)
      : reader_(db, events, ro) {}

  Status Load(ChunkCursor* c, const ChunkBodyFilter& body_filter, bool* skipped) override {
    std::string_view payload;
    rocksdb::Status s = reader_.Find(k::ChunkKey(c->ref.id), &payload);
    if (!s.ok()) {
      if (s.IsNotFound()) return Status::Corruption("index points at a missing chunk");
      return FromRocks(s, "read chunk");
    }
    return DecodeChunkPayload(payload, c, body_filter, skipped);
  }

 private:
  ChunkReader reader_;
};

// The chunks an index iterator lists (a stream's index or a group's directory), positioned by
// the caller; `parse` turns an entry into a ChunkRef.
class IndexChunkSource final : public ChunkSource {
 public:
  using Parse = bool (*)(const rocksdb::Iterator&, ChunkRef*);
  IndexChunkSource(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                   const rocksdb::ReadOptions& ro, rocksdb::Iterator* index_it, Parse parse)
      : db_(db), events_(events), ro_(ro), it_(index_it), parse_(parse) {}

  Status NextEntry(ChunkRef* ref, bool* found) override {
    // The iterator stays on the entry handed out last (ref->index_tail points into its value).
    if (started_) it_->Next();
    started_ = true;
    *found = false;
    if (!it_->Valid()) {
      if (!it_->status().ok()) return FromRocks(it_->status(), "scan index");
      return Status::OK();
    }
    if (!parse_(*it_, ref)) return Status::Corruption("bad index entry");
    *found = true;
    return Status::OK();
  }

  std::unique_ptr<ChunkLoader> NewLoader() override {
    return std::make_unique<RocksChunkLoader>(db_, events_, ro_);
  }

 private:
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* events_;
  const rocksdb::ReadOptions& ro_;
  rocksdb::Iterator* it_;
  Parse parse_;
  bool started_ = false;
};

struct CursorLess {  // max-heap on EventKey
  bool operator()(const ChunkCursor* a, const ChunkCursor* b) const { return a->key() < b->key(); }
};

}  // namespace

Status RocksLogStore::ScanStreamForward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                                        uint64_t group_id, const StreamScanQuery& q,
                                        const EventVisitor& visit) {
  const std::string prefix = k::StreamIndexPrefix(group_id, s.id);
  const std::string upper = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  int64_t lo = q.start_time;
  if (q.cursor) lo = std::max(lo, q.cursor->timestamp);
  it->Seek(k::StreamIndexKey(s.id, {group_id, SaturatingSub(lo, kMaxChunkSpanMs), 0}));
  auto parse = [](const rocksdb::Iterator& i, ChunkRef* ref) {
    uint64_t sid = 0;
    return k::ParseStreamIndexKey(ToView(i.key()), &sid, &ref->id) &&
           k::DecodeChunkInfo(ToView(i.value()), ref->id.min_timestamp, &ref->info);
  };
  IndexChunkSource source(db_, events_, ro, it.get(), parse);
  ChunkMerge::Query mq;
  mq.start_time = q.start_time;
  mq.end_time = q.end_time;
  mq.after = q.cursor;
  mq.name_of = [&s](uint64_t) { return &s.name; };
  return ChunkMerge(source, mq).Run(visit);
}

Status RocksLogStore::ScanStreamBackward(const rocksdb::ReadOptions& ro, const LogStreamInfo& s,
                                         uint64_t group_id, const StreamScanQuery& q,
                                         const EventVisitor& visit) {
  const std::string prefix = k::StreamIndexPrefix(group_id, s.id);
  rocksdb::Slice lower_slice(prefix);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  // Largest timestamp an emitted event may have.
  int64_t hi = q.end_time == std::numeric_limits<int64_t>::min() ? q.end_time : q.end_time - 1;
  if (q.cursor) hi = std::min(hi, q.cursor->timestamp);
  if (hi < q.start_time || q.end_time <= q.start_time) return Status::OK();
  it->SeekForPrev(k::StreamIndexKey(s.id, {group_id, hi, std::numeric_limits<uint64_t>::max()}));

  auto below_cursor = [&](const EventKey& key) { return !q.cursor || key < *q.cursor; };
  // Chunks read from the index but not loaded, by max timestamp (largest first).
  auto pending_less = [](const ChunkRef& a, const ChunkRef& b) {
    return a.info.max_timestamp < b.info.max_timestamp;
  };
  std::vector<ChunkRef> pending;
  RocksChunkLoader chunks(db_, events_, ro);
  std::vector<std::unique_ptr<ChunkCursor>> active_owned;
  std::vector<ChunkCursor*> active;
  CursorLess less;
  std::optional<ChunkRef> next;  // the index entry under the iterator, parsed

  auto peek = [&]() -> Status {
    next.reset();
    if (!it->Valid()) {
      if (!it->status().ok()) return FromRocks(it->status(), "scan index");
      return Status::OK();
    }
    ChunkRef ref;
    uint64_t sid = 0;
    if (!k::ParseStreamIndexKey(ToView(it->key()), &sid, &ref.id) ||
        !k::DecodeChunkInfo(ToView(it->value()), ref.id.min_timestamp, &ref.info)) {
      return Status::Corruption("bad stream index entry");
    }
    next = ref;
    return Status::OK();
  };
  // Moves the parsed index entry into `pending` (unless it cannot hold a wanted event).
  auto take_next = [&]() -> Status {
    ChunkRef ref = *next;
    it->Prev();
    if (Status st = peek(); !st.ok()) return st;
    if (ref.info.max_timestamp < q.start_time) return Status::OK();
    if (ref.id.min_timestamp > hi) return Status::OK();
    if (q.cursor && !(EventKey{ref.id.min_timestamp, ref.id.sequence, 0} < *q.cursor)) {
      return Status::OK();
    }
    pending.push_back(ref);
    std::push_heap(pending.begin(), pending.end(), pending_less);
    return Status::OK();
  };
  auto load_top_pending = [&]() -> Status {
    std::pop_heap(pending.begin(), pending.end(), pending_less);
    ChunkRef ref = pending.back();
    pending.pop_back();
    auto c = std::make_unique<ChunkCursor>();
    c->ref = ref;
    c->stream_name = s.name;
    if (Status st = chunks.Load(c.get(), {}, nullptr); !st.ok()) return st;
    const auto& evs = c->chunk.events;
    // Wanted events form a prefix of the chunk (ascending order): ts < end and key < cursor.
    auto end = std::partition_point(evs.begin(), evs.end(), [&](const k::DecodedEvent& e) {
      size_t i = static_cast<size_t>(&e - evs.data());
      return e.timestamp < q.end_time && below_cursor(c->KeyAt(i));
    });
    if (end == evs.begin()) return Status::OK();
    c->pos = static_cast<size_t>(end - evs.begin()) - 1;
    if (evs[c->pos].timestamp < q.start_time) return Status::OK();
    active.push_back(c.get());
    std::push_heap(active.begin(), active.end(), less);
    active_owned.push_back(std::move(c));
    return Status::OK();
  };

  if (Status st = peek(); !st.ok()) return st;
  while (true) {
    if (active.empty()) {
      if (!pending.empty()) {
        if (Status st = load_top_pending(); !st.ok()) return st;
      } else if (next) {
        if (Status st = take_next(); !st.ok()) return st;
      } else {
        return Status::OK();
      }
      continue;
    }
    ChunkCursor* top = active.front();
    const int64_t t = top->chunk.events[top->pos].timestamp;
    if (!pending.empty() && pending.front().info.max_timestamp >= t) {
      if (Status st = load_top_pending(); !st.ok()) return st;
      continue;
    }
    if (next && next->id.min_timestamp >= SaturatingSub(t, kMaxChunkSpanMs)) {
      if (Status st = take_next(); !st.ok()) return st;
      continue;
    }
    std::pop_heap(active.begin(), active.end(), less);
    active.pop_back();
    EventView view{top->key(), top->chunk.ingestion_time, top->chunk.message(top->pos),
                   top->stream_name};
    if (!visit(view)) return Status::OK();
    if (top->pos == 0 || top->chunk.events[top->pos - 1].timestamp < q.start_time) {
      for (auto& o : active_owned) {
        if (o.get() == top) {
          o = std::move(active_owned.back());
          active_owned.pop_back();
          break;
        }
      }
      continue;
    }
    --top->pos;
    active.push_back(top);
    std::push_heap(active.begin(), active.end(), less);
  }
}

Status RocksLogStore::ScanStream(const Partition& p, std::string_view group,
                                 std::string_view stream, const StreamScanQuery& query,
                                 const EventVisitor& visit) {
  SnapshotRead read(db_);
  auto g = engine_->ReadGroup(read.options, p, group);
  if (!g.ok()) return g.status();
  auto s = ReadStream(read.options, g->id, stream);
  if (!s.ok()) return s.status();
  if (query.end_time <= query.start_time) return Status::OK();
  if (query.forward) return ScanStreamForward(read.options, *s, g->id, query, visit);
  return ScanStreamBackward(read.options, *s, g->id, query, visit);
}

Status RocksLogStore::ScanGroup(const Partition& p, std::string_view group,
                                const GroupScanQuery& query, const EventVisitor& visit) {
  SnapshotRead read(db_);
  const rocksdb::ReadOptions& ro = read.options;
  auto g = engine_->ReadGroup(ro, p, group);
  if (!g.ok()) return g.status();
  if (query.end_time <= query.start_time) return Status::OK();
  const uint64_t gid = g->id;

  // Stream id -> name, filled up front for an explicit list, lazily otherwise. A missing
  // entry (nullopt) means "skip this stream's chunks".
  std::unordered_map<uint64_t, std::optional<std::string>> names;
  const bool explicit_list = query.stream_names.has_value();
  if (explicit_list) {
    for (const auto& name : *query.stream_names) {
      auto s = ReadStream(ro, gid, name);
      if (s.ok()) {
        names[s->id] = name;
      } else if (!s.status().IsNotFound()) {
        return s.status();
      }
    }
    if (names.empty()) return Status::OK();
  }
  Status lookup_error;
  auto name_of = [&](uint64_t sid) -> const std::string* {
    auto found = names.find(sid);
    if (found == names.end()) {
      std::optional<std::string> entry;
      if (!explicit_list) {
        std::string name;
        rocksdb::Status st = db_->Get(ro, meta_, k::StreamIdKey(gid, sid), &name);
        if (st.ok()) {
          if (!query.stream_name_prefix ||
              std::string_view(name).substr(0, query.stream_name_prefix->size()) ==
                  *query.stream_name_prefix) {
            entry = std::move(name);
          }
        } else if (!st.IsNotFound() && lookup_error.ok()) {
          lookup_error = FromRocks(st, "read stream name");
        }
      }
      found = names.emplace(sid, std::move(entry)).first;
    }
    return found->second ? &*found->second : nullptr;
  };

  const std::string prefix = k::DirPrefix(gid);
  const std::string upper = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iro = ro;
  iro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iro, index_));
  int64_t lo = query.start_time;
  if (query.after) lo = std::max(lo, query.after->timestamp);
  it->Seek(k::DirKey({gid, SaturatingSub(lo, kMaxChunkSpanMs), 0}));
  auto parse = [](const rocksdb::Iterator& i, ChunkRef* ref) {
    return k::ParseDirKey(ToView(i.key()), &ref->id) &&
           k::DecodeChunkInfo(ToView(i.value()), ref->id.min_timestamp, &ref->info,
                              &ref->index_tail);
  };
  IndexChunkSource source(db_, events_, ro, it.get(), parse);
  ChunkMerge::Query mq;
  mq.start_time = query.start_time;
  mq.end_time = query.end_time;
  mq.after = query.after;
  mq.name_of = name_of;
  mq.body_filter = query.chunk_body_filter;
  mq.sketch_filter = query.chunk_sketch_filter;
  mq.skips = query.skips;
  mq.any_order = query.any_order;
  Status s = ChunkMerge(source, mq).Run(visit);
  if (!s.ok()) return s;
  return lookup_error;
}

}  // namespace cwlogd::storage::detail
