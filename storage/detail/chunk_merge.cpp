// ChunkMerge: a min-heap of chunk cursors fed from the index in (min timestamp, sequence) order.
// A chunk joins the heap only once no event before its min timestamp is left to emit, so a page
// that stops early reads few chunks.
#include "storage/detail/chunk_merge.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "storage/term_sketch.h"

namespace cwlogd::storage::detail {
namespace {

namespace k = keys;

struct CursorGreater {  // min-heap on EventKey
  bool operator()(const ChunkCursor* a, const ChunkCursor* b) const { return a->key() > b->key(); }
};

}  // namespace

Status DecodeChunkPayload(std::string_view payload, ChunkCursor* c,
                          const ChunkBodyFilter& body_filter, bool* skipped) {
  if (!k::DecompressChunk(payload, &c->chunk)) return Status::Corruption("bad chunk");
  // An uncompressed body still points at the payload, which the reader's next move frees.
  k::OwnChunkBody(&c->chunk);
  if (body_filter && !body_filter(c->chunk.body)) {
    // None of its events can be wanted: skip the per-event decoding, most of a scan's cost.
    c->chunk.events.clear();
    if (skipped != nullptr) *skipped = true;
    return Status::OK();
  }
  if (!k::ParseChunkBody(c->ref.id.min_timestamp, &c->chunk) || c->chunk.events.empty()) {
    return Status::Corruption("bad chunk");
  }
  return Status::OK();
}

ChunkMerge::ChunkMerge(ChunkSource& source, const Query& query)
    : source_(source), query_(query), loader_(source.NewLoader()) {}

std::unique_ptr<ChunkCursor> ChunkMerge::NewCursor() {
  if (spare_.empty()) return std::make_unique<ChunkCursor>();
  std::unique_ptr<ChunkCursor> c = std::move(spare_.back());
  spare_.pop_back();
  return c;
}

void ChunkMerge::Retire(ChunkCursor* c) {
  for (auto& o : owned_) {
    if (o.get() == c) {
      spare_.push_back(std::move(o));
      o = std::move(owned_.back());
      owned_.pop_back();
      return;
    }
  }
}

Status ChunkMerge::TakeIndexEntry() {
  ChunkRef ref;
  while (!index_done_) {
    bool found = false;
    if (Status s = source_.NextEntry(&ref, &found); !s.ok()) return s;
    if (!found || ref.id.min_timestamp >= query_.end_time) {
      index_done_ = true;
      break;
    }
    if (ref.info.max_timestamp < query_.start_time) continue;
    if (query_.after &&
        EventKey{ref.info.max_timestamp, ref.id.sequence, ref.info.count - 1} <= *query_.after) {
      continue;
    }
    // The sketch lives in the source's current entry: consult it before asking for the next.
    if (query_.sketch_filter) {
      std::optional<TermSketch> sketch = TermSketch::Parse(ref.index_tail);
      if (sketch && !query_.sketch_filter(*sketch)) {
        // Counted only when the chunk would have been read (its stream is wanted).
        if (query_.skips != nullptr && query_.name_of(ref.info.stream_id) != nullptr) {
          AddSkip(ref);
        }
        continue;
      }
    }
    const std::string* name = query_.name_of(ref.info.stream_id);
    if (name == nullptr) continue;
    Ahead entry;
    entry.cursor = NewCursor();
    entry.cursor->ref = ref;
    entry.cursor->stream_name = *name;
    ahead_.push_back(std::move(entry));
    break;
  }
  return Status::OK();
}

void ChunkMerge::LoadAhead() {
  std::atomic<size_t> next{0};
  auto work = [&](ChunkLoader& loader) {
    for (size_t i = next.fetch_add(1); i < ahead_.size(); i = next.fetch_add(1)) {
      Ahead& a = ahead_[i];
      if (a.loaded) continue;
      a.status = loader.Load(a.cursor.get(), query_.body_filter, &a.skipped);
      a.loaded = true;
    }
  };
  if (helper_ && ahead_.size() > 1) {
    helper_->Start([&] { work(*helper_loader_); });
    work(*loader_);
    helper_->Wait();
  } else {
    work(*loader_);
  }
}

void ChunkMerge::AddSkip(const ChunkRef& ref) {
  const int64_t min_ts = ref.id.min_timestamp;
  const int64_t max_ts = ref.info.max_timestamp;
  const int64_t lo = std::max(min_ts, query_.start_time);
  const int64_t hi = query_.end_time == std::numeric_limits<int64_t>::max()
                         ? max_ts
                         : std::min(max_ts, query_.end_time - 1);
  if (hi < lo) return;
  // Share of the chunk's time span inside the range (events are assumed evenly spread).
  const double share = max_ts == min_ts ? 1.0
                                        : (static_cast<double>(hi) - static_cast<double>(lo) + 1) /
                                              (static_cast<double>(max_ts) - min_ts + 1);
  query_.skips->chunks += 1;
  query_.skips->events += share * ref.info.count;
  query_.skips->bytes += share * static_cast<double>(ref.info.message_bytes);
}

void ChunkMerge::CountSkip() {
  if (++skipped_in_row_ >= kSkipsBeforeReadAhead && !helper_) {
    helper_ = ScanHelper::TryAcquire();
    if (helper_) helper_loader_ = source_.NewLoader();
  }
}

Status ChunkMerge::Refill() {
  while (!exhausted_) {
    if (ahead_.empty()) {
      const size_t want = helper_ ? kReadAhead : 1;
      while (ahead_.size() < want && !index_done_) {
        if (Status s = TakeIndexEntry(); !s.ok()) return s;
      }
      if (ahead_.empty()) {
        exhausted_ = true;
        next_min_ = kNone;
        break;
      }
    }
    next_min_ = ahead_.front().cursor->ref.id.min_timestamp;
    if (!heap_.empty() && next_min_ > heap_.front()->chunk.events[heap_.front()->pos].timestamp) {
      break;
    }
    if (!ahead_.front().loaded) LoadAhead();
    Ahead entry = std::move(ahead_.front());
    ahead_.pop_front();
    if (!entry.status.ok()) return entry.status;
    std::unique_ptr<ChunkCursor> c = std::move(entry.cursor);
    if (entry.skipped) {
      if (query_.skips != nullptr) AddSkip(c->ref);
      spare_.push_back(std::move(c));
      CountSkip();
      continue;
    }
    skipped_in_row_ = 0;
    const auto& evs = c->chunk.events;
    // Events ascend by (timestamp, index), so "not yet wanted" is a prefix.
    auto first = std::partition_point(evs.begin(), evs.end(), [&](const k::DecodedEvent& e) {
      size_t i = static_cast<size_t>(&e - evs.data());
      return e.timestamp < query_.start_time || !QualifiesAfter(c->KeyAt(i));
    });
    c->pos = static_cast<size_t>(first - evs.begin());
    if (c->pos >= evs.size() || evs[c->pos].timestamp >= query_.end_time) {
      spare_.push_back(std::move(c));
      continue;
    }
    heap_.push_back(c.get());
    std::push_heap(heap_.begin(), heap_.end(), CursorGreater());
    owned_.push_back(std::move(c));
  }
  return Status::OK();
}

Status ChunkMerge::FillBatch() {
  while (ahead_.size() < kIndexOrderBatch && !index_done_) {
    if (Status s = TakeIndexEntry(); !s.ok()) return s;
  }
  return Status::OK();
}

void ChunkMerge::LoadBatch(std::deque<Ahead>& batch, ChunkLoader& loader) {
  for (Ahead& a : batch) {
    if (a.loaded) continue;
    a.status = loader.Load(a.cursor.get(), query_.body_filter, &a.skipped);
    a.loaded = true;
  }
}

Status ChunkMerge::VisitBatch(std::deque<Ahead>& batch, const EventVisitor& visit, bool* stopped) {
  for (Ahead& a : batch) {
    if (!a.status.ok()) return a.status;
    ChunkCursor* c = a.cursor.get();
    if (a.skipped) {
      if (query_.skips != nullptr) AddSkip(c->ref);
      continue;
    }
    const auto& evs = c->chunk.events;
    // Events ascend by (timestamp, index): those before the range are a prefix.
    c->pos = static_cast<size_t>(std::partition_point(evs.begin(), evs.end(),
                                                      [&](const k::DecodedEvent& e) {
                                                        return e.timestamp < query_.start_time;
                                                      }) -
                                 evs.begin());
    for (; c->pos < evs.size() && evs[c->pos].timestamp < query_.end_time; ++c->pos) {
      if (!QualifiesAfter(c->key())) continue;
      EventView view{c->key(), c->chunk.ingestion_time, c->chunk.message(c->pos), c->stream_name};
      if (!visit(view)) {
        *stopped = true;
        return Status::OK();
      }
    }
  }
  return Status::OK();
}

Status ChunkMerge::RunInIndexOrder(const EventVisitor& visit) {
  if (Status s = FillBatch(); !s.ok()) return s;
  if (!index_done_) {  // more than one batch: worth a second thread
    helper_ = ScanHelper::TryAcquire();
    if (helper_) helper_loader_ = source_.NewLoader();
  }
  LoadAhead();
  std::deque<Ahead> current;
  while (!ahead_.empty()) {
    current.swap(ahead_);
    // The index is read here, on this thread, before the helper starts on the new batch.
    if (Status s = FillBatch(); !s.ok()) return s;
    const bool helped = helper_ && !ahead_.empty();
    if (helped) helper_->Start([this] { LoadBatch(ahead_, *helper_loader_); });
    bool stopped = false;
    Status s = VisitBatch(current, visit, &stopped);
    if (helped) helper_->Wait();
    if (!s.ok() || stopped) return s;
    if (!helped) LoadBatch(ahead_, *loader_);
    for (Ahead& a : current) spare_.push_back(std::move(a.cursor));
    current.clear();
  }
  return Status::OK();
}

Status ChunkMerge::Run(const EventVisitor& visit) {
  if (query_.any_order) return RunInIndexOrder(visit);
  const CursorGreater greater;
  while (true) {
    if (Status s = Refill(); !s.ok()) return s;
    if (heap_.empty()) return Status::OK();
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    ChunkCursor* c = heap_.back();
    heap_.pop_back();
    // Emit a run from this chunk while it stays ahead of every other candidate.
    const auto& evs = c->chunk.events;
    while (true) {
      EventView view{c->key(), c->chunk.ingestion_time, c->chunk.message(c->pos), c->stream_name};
      if (!visit(view)) return Status::OK();
      ++c->pos;
      if (c->pos >= evs.size() || evs[c->pos].timestamp >= query_.end_time) {
        Retire(c);
        c = nullptr;
        break;
      }
      if (evs[c->pos].timestamp >= next_min_ && !exhausted_) break;
      if (!heap_.empty() && !(c->key() < heap_.front()->key())) break;
    }
    if (c != nullptr) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), greater);
    }
  }
}

}  // namespace cwlogd::storage::detail
