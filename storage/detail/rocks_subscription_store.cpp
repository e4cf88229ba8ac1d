#include "storage/detail/rocks_subscription_store.h"

#include <string>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"

namespace cwlogd::storage::detail {
namespace k = keys;

namespace {

constexpr ResourceKind kFilterKind = ResourceKind::kSubscriptionFilter;

Result<ResourceRecord> ReadFilter(Engine& engine, const rocksdb::ReadOptions& ro,
                                  const Partition& p, std::string_view group,
                                  std::string_view filter) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = engine.db()->Get(
      ro, engine.meta(), k::ResourceKey(kFilterKind, p, k::SubscriptionFilterName(group, filter)),
      &value);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kResource);
  if (!s.ok()) return FromRocks(s, "read subscription filter");
  ResourceRecord r;
  if (!k::DecodeResourceRecord(ToView(value), &r)) {
    return Status::Corruption("bad subscription filter");
  }
  r.name = std::string(filter);
  return r;
}

Result<SubscriptionCursor> ReadCursor(Engine& engine, const rocksdb::ReadOptions& ro,
                                      uint64_t group_id, std::string_view filter) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = engine.db()->Get(ro, engine.index(), k::CursorKey(group_id, filter), &value);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kResource);
  if (!s.ok()) return FromRocks(s, "read subscription cursor");
  SubscriptionCursor c;
  if (!k::DecodeCursor(ToView(value), &c)) return Status::Corruption("bad subscription cursor");
  return c;
}

// The sequence after the group's last outbox batch (0 when the outbox is empty).
Result<uint64_t> OutboxEnd(Engine& engine, uint64_t group_id) {
  const std::string prefix = k::OutboxPrefix(group_id);
  std::unique_ptr<rocksdb::Iterator> it(
      engine.db()->NewIterator(rocksdb::ReadOptions(), engine.index()));
  it->SeekForPrev(k::PrefixSuccessor(prefix));
  if (!it->status().ok()) return FromRocks(it->status(), "read subscription outbox");
  if (!it->Valid() || !ToView(it->key()).starts_with(prefix)) return uint64_t{0};
  k::ChunkId id;
  if (!k::ParseOutboxEntry(ToView(it->key()), ToView(it->value()), &id)) {
    return Status::Corruption("bad outbox entry");
  }
  return id.sequence + 1;
}

}  // namespace

Result<std::unique_ptr<RocksSubscriptionStore>> RocksSubscriptionStore::Open(
    const std::shared_ptr<Engine>& engine) {
  std::unique_ptr<RocksSubscriptionStore> store(new RocksSubscriptionStore(engine));
  const std::string begin(1, k::kCursorTag);
  std::unique_ptr<rocksdb::Iterator> it(
      engine->db()->NewIterator(rocksdb::ReadOptions(), engine->index()));
  for (it->Seek(begin); it->Valid() && it->key().size() >= 9 && it->key()[0] == k::kCursorTag;) {
    const uint64_t gid = k::DecodeFixed64BE(it->key().data() + 1);
    store->groups_.insert(gid);
    it->Seek(k::CursorPrefix(gid + 1));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "load subscription cursors");
  return store;
}

bool RocksSubscriptionStore::HasFilters(uint64_t group_id) const {
  std::lock_guard lock(mu_);
  return groups_.contains(group_id);
}

void RocksSubscriptionStore::NotifyOutbox() const {
  std::function<void()> listener;
  {
    std::lock_guard lock(mu_);
    listener = listener_;
  }
  if (listener) listener();
}

void RocksSubscriptionStore::SetOutboxListener(std::function<void()> listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

void RocksSubscriptionStore::ForgetAll() {
  std::lock_guard lock(mu_);
  groups_.clear();
}

void RocksSubscriptionStore::ForgetGroup(uint64_t group_id) {
  std::lock_guard lock(mu_);
  groups_.erase(group_id);
}

Status RocksSubscriptionStore::PutFilter(
    const Partition& p, std::string_view group, std::string_view filter, int64_t now_ms,
    size_t max_per_group, const ResourceStore::Edit& edit,
    const std::function<bool(const ResourceRecord&, const ResourceRecord&)>& restart_control) {
  Engine& engine = *engine_;
  uint64_t gid = 0;
  Status st = engine.UpdateGroupRecord(p, group, "put subscription filter", [&](GroupUpdate& u) {
    u.record = GroupUpdate::Record::kUnchanged;
    gid = u.group.id;
    rocksdb::ReadOptions ro;
    auto current = ReadFilter(engine, ro, p, group, filter);
    if (!current.ok() && !current.status().IsNotFound()) return current.status();
    if (!current.ok()) {
      size_t count = 0;
      Status listed = ListFilters(p, group, "", "", [&](const ResourceRecord&) {
        ++count;
        return true;
      });
      if (!listed.ok()) return listed;
      if (count >= max_per_group) {
        return Status::FailedPrecondition(Status::Precondition::kResourceLimit);
      }
    }
    const ResourceRecord* before = current.ok() ? &*current : nullptr;
    ResourceRecord out;
    if (Status s = edit(before, &out); !s.ok()) return s;
    out.name = std::string(filter);
    out.creation_time_ms = before ? before->creation_time_ms : now_ms;
    out.last_updated_ms = now_ms;
    out.revision = before ? before->revision + 1 : 1;
    u.batch.Put(engine.meta(),
                k::ResourceKey(kFilterKind, p, k::SubscriptionFilterName(group, filter)),
                k::EncodeResourceRecord(out));
    auto cursor = ReadCursor(engine, ro, gid, filter);
    if (!cursor.ok() && !cursor.status().IsNotFound()) return cursor.status();
    if (before == nullptr || !cursor.ok()) {
      auto end = OutboxEnd(engine, gid);
      if (!end.ok()) return end.status();
      SubscriptionCursor start{*end, 0, true};
      u.batch.Put(engine.index(), k::CursorKey(gid, filter), k::EncodeCursor(start));
    } else if (restart_control && restart_control(*before, out) && !cursor->control_pending) {
      cursor->control_pending = true;
      u.batch.Put(engine.index(), k::CursorKey(gid, filter), k::EncodeCursor(*cursor));
    }
    // Still under the group's lock: the next PutLogEvents of the group fills the outbox.
    std::lock_guard lock(mu_);
    groups_.insert(gid);
    return Status::OK();
  });
  if (st.ok()) NotifyOutbox();  // a CONTROL_MESSAGE to send
  return st;
}

Status RocksSubscriptionStore::DeleteFilter(const Partition& p, std::string_view group,
                                            std::string_view filter) {
  Engine& engine = *engine_;
  return engine.UpdateGroupRecord(p, group, "delete subscription filter", [&](GroupUpdate& u) {
    u.record = GroupUpdate::Record::kUnchanged;
    u.frees_space = true;
    auto current = ReadFilter(engine, rocksdb::ReadOptions(), p, group, filter);
    if (!current.ok()) return current.status();
    u.batch.Delete(engine.meta(),
                   k::ResourceKey(kFilterKind, p, k::SubscriptionFilterName(group, filter)));
    u.batch.Delete(engine.index(), k::CursorKey(u.group.id, filter));
    size_t others = 0;
    Status listed = ListFilters(p, group, "", "", [&](const ResourceRecord& r) {
      if (r.name != filter) ++others;
      return true;
    });
    if (!listed.ok()) return listed;
    if (others == 0) {
      // The last filter: the outbox goes with it (the write path stops adding to it now).
      const std::string prefix = k::OutboxPrefix(u.group.id);
      u.batch.DeleteRange(engine.index(), prefix, k::PrefixSuccessor(prefix));
      std::lock_guard lock(mu_);
      groups_.erase(u.group.id);
    }
    return Status::OK();
  });
}

Status RocksSubscriptionStore::ListFilters(
    const Partition& p, std::string_view group, std::string_view prefix,
    std::string_view start_after, const std::function<bool(const ResourceRecord&)>& visit) {
  Engine& engine = *engine_;
  SnapshotRead read(engine.db());
  if (auto g = engine.ReadGroup(read.options, p, group); !g.ok()) return g.status();
  const std::string group_prefix =
      k::ResourceKey(kFilterKind, p, k::SubscriptionFilterName(group, ""));
  const std::string begin = group_prefix + std::string(prefix);
  const std::string end = k::PrefixSuccessor(begin);
  rocksdb::Slice upper(end);
  if (!end.empty()) read.options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(read.options, engine.meta()));
  if (start_after.empty()) {
    it->Seek(begin);
  } else {
    std::string after = group_prefix + std::string(start_after);
    after.push_back('\0');
    it->Seek(std::max(begin, after));
  }
  for (; it->Valid(); it->Next()) {
    ResourceRecord r;
    if (!k::DecodeResourceRecord(ToView(it->value()), &r)) {
      return Status::Corruption("bad subscription filter");
    }
    r.name = std::string(ToView(it->key()).substr(group_prefix.size()));
    if (!visit(r)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list subscription filters");
  return Status::OK();
}

Status RocksSubscriptionStore::ListActive(std::vector<ActiveSubscription>* out) {
  out->clear();
  Engine& engine = *engine_;
  SnapshotRead read(engine.db());
  const std::string begin{k::kResourceTag, static_cast<char>(kFilterKind)};
  const std::string end = k::PrefixSuccessor(begin);
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(read.options, engine.meta()));
  for (it->Seek(begin); it->Valid() && ToView(it->key()) < end; it->Next()) {
    ActiveSubscription sub;
    ResourceKind kind;
    std::string name;
    if (!k::ParseResourceKey(ToView(it->key()), &kind, &sub.partition, &name)) continue;
    std::string_view group;
    std::string_view filter;
    if (!k::SplitSubscriptionFilterName(name, &group, &filter)) continue;
    if (!k::DecodeResourceRecord(ToView(it->value()), &sub.record)) continue;
    sub.record.name = std::string(filter);
    sub.group = std::string(group);
    auto g = engine.ReadGroup(read.options, sub.partition, group);
    if (!g.ok()) continue;  // deleted with its group (the filter goes in the same batch)
    sub.group_id = g->id;
    auto cursor = ReadCursor(engine, read.options, sub.group_id, filter);
    if (!cursor.ok()) continue;
    sub.cursor = *cursor;
    out->push_back(std::move(sub));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list subscriptions");
  return Status::OK();
}

Status RocksSubscriptionStore::ReadOutbox(const ActiveSubscription& sub, uint64_t from,
                                          const std::function<bool(const OutboxBatch&)>& visit) {
  Engine& engine = *engine_;
  SnapshotRead read(engine.db());
  const uint64_t group_id = sub.group_id;
  auto record = ReadFilter(engine, read.options, sub.partition, sub.group, sub.record.name);
  if (!record.ok()) return record.status();
  auto g = engine.ReadGroup(read.options, sub.partition, sub.group);
  if (!g.ok() || g->id != group_id || record->creation_time_ms != sub.record.creation_time_ms) {
    return Status::NotFound(Status::Resource::kResource);
  }
  const std::string prefix = k::OutboxPrefix(group_id);
  const std::string end = k::PrefixSuccessor(prefix);
  rocksdb::Slice upper(end);
  read.options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(read.options, engine.index()));
  k::DecodedChunk chunk;
  std::string payload;
  std::string stream_name;
  for (it->Seek(k::OutboxKey({group_id, 0, from})); it->Valid(); it->Next()) {
    k::ChunkId id;
    if (!k::ParseOutboxEntry(ToView(it->key()), ToView(it->value()), &id)) {
      return Status::Corruption("bad outbox entry");
    }
    OutboxBatch batch;
    batch.sequence = id.sequence;
    rocksdb::Status s = engine.db()->Get(read.options, engine.events(), k::ChunkKey(id), &payload);
    if (s.ok()) {
      if (!k::DecodeChunk(payload, id.min_timestamp, &chunk)) {
        return Status::Corruption("bad chunk");
      }
      s = engine.db()->Get(read.options, engine.meta(), k::StreamIdKey(group_id, chunk.stream_id),
                           &stream_name);
      if (s.ok()) {
        batch.stream = stream_name;
        batch.ingestion_time = chunk.ingestion_time;
        batch.events.reserve(chunk.events.size());
        for (size_t i = 0; i < chunk.events.size(); ++i) {
          batch.events.push_back({chunk.events[i].timestamp, std::string(chunk.message(i))});
        }
      }
    }
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read outbox batch");
    if (!visit(batch)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read subscription outbox");
  return Status::OK();
}

Status RocksSubscriptionStore::SaveCursor(const ActiveSubscription& sub,
                                          const SubscriptionCursor& cursor) {
  Engine& engine = *engine_;
  std::lock_guard lock(engine.GroupMutex(sub.partition, sub.group));
  rocksdb::ReadOptions ro;
  auto g = engine.ReadGroup(ro, sub.partition, sub.group);
  if (!g.ok() || g->id != sub.group_id) return Status::OK();  // the group is gone
  auto record = ReadFilter(engine, ro, sub.partition, sub.group, sub.record.name);
  if (!record.ok()) return record.status().IsNotFound() ? Status::OK() : record.status();
  if (record->creation_time_ms != sub.record.creation_time_ms) return Status::OK();  // re-created
  auto stored = ReadCursor(engine, ro, sub.group_id, sub.record.name);
  if (!stored.ok()) return stored.status().IsNotFound() ? Status::OK() : stored.status();
  SubscriptionCursor next = cursor;
  // Changed meanwhile (a new destination): its CONTROL_MESSAGE is still owed.
  if (record->revision != sub.record.revision) next.control_pending |= stored->control_pending;
  rocksdb::WriteBatch batch;
  batch.Put(engine.index(), k::CursorKey(sub.group_id, sub.record.name), k::EncodeCursor(next));
  return engine.Write(&batch, "save subscription cursor");
}

Status RocksSubscriptionStore::TrimOutbox(uint64_t group_id, uint64_t before) {
  Engine& engine = *engine_;
  const std::string begin = k::OutboxPrefix(group_id);
  const std::string end = k::OutboxKey({group_id, 0, before});
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(ro, engine.index()));
  rocksdb::WriteBatch batch;
  for (it->Seek(begin); it->Valid(); it->Next()) batch.Delete(engine.index(), it->key());
  if (!it->status().ok()) return FromRocks(it->status(), "trim subscription outbox");
  if (batch.Count() == 0) return Status::OK();
  return engine.Write(&batch, "trim subscription outbox", Engine::WriteKind::kFreesSpace);
}

}  // namespace cwlogd::storage::detail
