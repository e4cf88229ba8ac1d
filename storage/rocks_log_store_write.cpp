// RocksLogStore::PutLogEvents: one batch of events becomes one chunk, its index entries and the
// updated stream and group records, written in one atomic RocksDB batch.
#include <algorithm>
#include <limits>
#include <span>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_log_store.h"
#include "storage/detail/rocks_metric_store.h"
#include "storage/keys.h"
#include "storage/log_store.h"
#include "storage/term_sketch.h"

namespace cwlogd::storage::detail {
namespace {

namespace k = keys;

// The store's own checks of a batch, whoever chose it.
Status CheckBatch(std::span<const InputEvent> events) {
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return Status::InvalidArgument("events are not in chronological order");
    }
  }
  if (events.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::InvalidArgument("batch too large");
  }
  if (!events.empty() && events.back().timestamp - events.front().timestamp > kMaxChunkSpanMs) {
    return Status::InvalidArgument("batch spans more than 24 hours");
  }
  return Status::OK();
}

// The request's plan for these records, or its fixed batch when it has none.
Result<PutEventsPlan> PlanBatch(const PutEventsRequest& request, const LogGroupInfo& group,
                                const LogStreamInfo& stream) {
  if (!request.plan) {  // checked once, in PutLogEvents
    return PutEventsPlan{request.events, request.metrics};
  }
  auto plan = request.plan(group, stream);
  if (plan.ok()) {
    if (Status st = CheckBatch(plan->events); !st.ok()) return st;
  }
  return plan;
}

}  // namespace

void RocksLogStore::IndexLastEventTime(rocksdb::WriteBatch* batch, uint64_t group_id,
                                       std::string_view stream, const LogStreamInfo& before,
                                       int64_t max_timestamp) {
  const int64_t old_time = k::StreamListTime(before);
  // The stream record's rule: the largest event timestamp the stream ever stored.
  const int64_t new_time =
      std::max(before.last_event_timestamp.value_or(max_timestamp), max_timestamp);
  if (new_time == old_time) return;
  batch->Delete(meta_, k::StreamTimeKey(group_id, old_time, stream));
  batch->Put(meta_, k::StreamTimeKey(group_id, new_time, stream), rocksdb::Slice());
}

Result<PutEventsResult> RocksLogStore::PutLogEvents(const Partition& p,
                                                    const PutEventsRequest& request) {
  if (!request.plan) {
    if (request.events.empty()) return Status::InvalidArgument("empty batch");
    if (Status st = CheckBatch(request.events); !st.ok()) return st;
  }
  // The group and stream as they are now; the plan (the caller's classification of the events
  // and its metric filters) and the encoding and compression are the expensive part: all before
  // taking the group lock. The payload names the stream id; the lock confirms the ids (a name
  // keeps its id while the stream exists).
  rocksdb::ReadOptions ro;
  auto g0 = engine_->ReadGroup(ro, p, request.group);
  if (!g0.ok()) return g0.status();
  auto s0 = ReadStream(ro, g0->id, request.stream);
  if (!s0.ok()) return s0.status();
  auto plan = PlanBatch(request, *g0, *s0);
  if (!plan.ok()) return plan.status();
  if (plan->events.empty()) return PutEventsResult{s0->id, s0->upload_sequence, false};

  auto encode = [&](uint64_t stream_id, std::string* payload, std::string* sketch,
                    uint64_t* bytes) {
    const auto& events = plan->events;
    *bytes = 0;
    for (const auto& e : events) *bytes += e.message.size();
    *payload = k::EncodeChunk(stream_id, request.ingestion_time, events.front().timestamp, events);
    sketch->clear();  // appended to the directory entry only (group scans read it)
    TermSketch::Append(events, *bytes, sketch);
  };
  std::string payload;
  std::string sketch;
  uint64_t bytes = 0;
  encode(s0->id, &payload, &sketch, &bytes);

  // Under the group's lock: confirm the ids, take a sequence, write chunk, index entries, stream
  // and group records (and the metric deltas) in one batch.
  PutEventsResult result;
  bool outboxed = false;
  Status st = engine_->UpdateGroupRecord(
      p, request.group, "put log events",
      [&](GroupUpdate& u) {
        auto s = ReadStream(ro, u.group.id, request.stream);
        if (!s.ok()) return s.status();
        if (u.group.id != g0->id || s->id != s0->id) {
          // Deleted and re-created between the two reads: plan and encode again for the new
          // records.
          plan = PlanBatch(request, u.group, *s);
          if (!plan.ok()) return plan.status();
          if (plan->events.empty()) {
            result = {s->id, s->upload_sequence, false};
            u.record = GroupUpdate::Record::kUnchanged;
            return Status::OK();
          }
          encode(s->id, &payload, &sketch, &bytes);
        }
        const auto& events = plan->events;
        const int64_t min_ts = events.front().timestamp;
        const int64_t max_ts = events.back().timestamp;
        auto seq = engine_->Allocate(k::Counter::kSequence);
        if (!seq.ok()) return seq.status();

        k::ChunkId id{u.group.id, min_ts, *seq};
        k::ChunkInfo info{s->id, max_ts, static_cast<uint32_t>(events.size()), bytes};
        std::string info_value = k::EncodeChunkInfo(info, min_ts);

        IndexLastEventTime(&u.batch, u.group.id, request.stream, *s, max_ts);
        LogStreamInfo stream = std::move(*s);
        stream.first_event_timestamp =
            std::min(stream.first_event_timestamp.value_or(min_ts), min_ts);
        stream.last_event_timestamp =
            std::max(stream.last_event_timestamp.value_or(max_ts), max_ts);
        stream.last_ingestion_time = request.ingestion_time;
        stream.upload_sequence = *seq;
        u.group.stored_bytes += static_cast<int64_t>(bytes);

        u.batch.Put(events_, k::ChunkKey(id), payload);
        u.batch.Put(index_, k::DirKey(id), info_value + sketch);
        u.batch.Put(index_, k::StreamIndexKey(stream.id, id), info_value);
        u.batch.Put(meta_, k::StreamKey(u.group.id, request.stream), k::EncodeStreamRecord(stream));
        // Metric-filter data of these events: merges in the same batch, so a crash keeps both
        // or neither.
        detail::AppendMetricDeltas(&u.batch, metrics_, p, plan->metrics, request.ingestion_time);
        // While the group has a subscription filter, the batch joins its outbox in the same
        // write: an acknowledged event is delivered or still waiting there.
        if (subscription_store_->HasFilters(u.group.id)) {
          u.batch.Put(index_, k::OutboxKey(id), k::OutboxValue(id));
          outboxed = true;
        }
        result = {stream.id, stream.upload_sequence, true};
        return Status::OK();
      },
      /*reserve_bytes=*/payload.size() + sketch.size() + size_t{2} * 64 + 512);
  if (!st.ok()) return st;
  if (outboxed) subscription_store_->NotifyOutbox();
  return result;
}

}  // namespace cwlogd::storage::detail
