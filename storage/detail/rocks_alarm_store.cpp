#include "storage/detail/rocks_alarm_store.h"

#include <chrono>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"
#include "storage/metric_keys.h"

namespace cwlogd::storage::detail {
namespace {

namespace mk = metric_keys;
constexpr size_t kIdSize = 16;  // TS8 + BE8

uint64_t SequenceSeed() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

RocksAlarmStore::RocksAlarmStore(std::shared_ptr<Engine> engine)
    : engine_(std::move(engine)), sequence_(SequenceSeed()) {}

Result<std::optional<std::string>> RocksAlarmStore::GetAlarm(const Partition& p,
                                                             std::string_view name) {
  std::string value;
  rocksdb::Status s =
      engine_->db()->Get(rocksdb::ReadOptions(), engine_->metrics(), mk::AlarmKey(p, name), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read alarm");
  return std::optional<std::string>(std::move(value));
}

Status RocksAlarmStore::ListAlarms(
    const Partition& p, std::string_view name_prefix, std::string_view start_after,
    const std::function<bool(const std::string& name, const std::string& value)>& visit) {
  const std::string prefix = mk::AlarmPrefix(p);
  const std::string lower = prefix + std::string(name_prefix);
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(lower));
  std::string seek = lower;
  if (!start_after.empty()) seek = std::max(seek, prefix + std::string(start_after));
  for (it->Seek(seek); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (key.substr(0, lower.size()) != lower) break;
    const std::string name(key.substr(prefix.size()));
    if (!start_after.empty() && name <= start_after) continue;
    if (!visit(name, it->value().ToString())) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list alarms");
  return Status::OK();
}

Status RocksAlarmStore::ListAllAlarms(
    const std::function<bool(const Partition& p, const std::string& name,
                             const std::string& value)>& visit) {
  return ForEachInEveryPartition(
      mk::kAlarmTag, 0, "alarm",
      [&](const Partition& p, std::string_view rest, const rocksdb::Slice& value) {
        return visit(p, std::string(rest), value.ToString());
      });
}

Status RocksAlarmStore::Write(const Partition& p, const AlarmWrite& w) {
  if (w.empty()) return Status::OK();
  rocksdb::WriteBatch batch;
  rocksdb::ColumnFamilyHandle* cf = engine_->metrics();
  for (const auto& put : w.put_alarms) batch.Put(cf, mk::AlarmKey(p, put.name), put.value);
  for (const auto& name : w.delete_alarms) batch.Delete(cf, mk::AlarmKey(p, name));
  const std::string history_prefix = mk::AlarmHistoryPrefix(p);
  for (const auto& item : w.history) {
    batch.Put(cf, history_prefix + mk::TimeSequenceId(item.timestamp_ms, sequence_++), item.value);
  }
  const std::string outbox_prefix = mk::AlarmOutboxPrefix(p);
  for (const auto& entry : w.outbox) {
    std::string id = entry.id;
    if (id.empty()) {
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      id = mk::TimeSequenceId(now, sequence_++);
    }
    batch.Put(cf, outbox_prefix + id, entry.value);
  }
  for (const auto& id : w.outbox_deletes) batch.Delete(cf, outbox_prefix + id);
  return engine_->Write(&batch, "alarm write");
}

Status RocksAlarmStore::ListHistory(
    const Partition& p, bool ascending, std::string_view cursor,
    const std::function<bool(std::string_view id, const std::string& value)>& visit) {
  const std::string prefix = mk::AlarmHistoryPrefix(p);
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(prefix), prefix);
  const std::string from = prefix + std::string(cursor);
  if (ascending) {
    cursor.empty() ? it->Seek(prefix) : it->Seek(from);
  } else {
    cursor.empty() ? it->SeekToLast() : it->SeekForPrev(from);
  }
  for (; it->Valid(); ascending ? it->Next() : it->Prev()) {
    std::string_view key = ToView(it->key());
    if (key.size() != prefix.size() + kIdSize || key.substr(0, prefix.size()) != prefix) continue;
    std::string_view id = key.substr(prefix.size());
    if (!cursor.empty() && id == cursor) continue;
    if (!visit(id, it->value().ToString())) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list alarm history");
  return Status::OK();
}

Status RocksAlarmStore::DeleteHistoryBefore(int64_t cutoff_ms, size_t max_items, size_t* deleted) {
  const std::string lower(1, mk::kAlarmHistoryTag);
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(lower));
  rocksdb::WriteBatch batch;
  size_t count = 0;
  // Keys are ordered by partition, then time: within a partition, stop at the first young item
  // and seek to the next partition.
  it->Seek(lower);
  while (it->Valid() && count < max_items) {
    std::string_view key = ToView(it->key());
    size_t pos = 1;
    Partition p;
    if (!mk::ReadPartition(key, &pos, &p) || key.size() - pos != kIdSize) {
      return Status::Corruption("bad alarm history key");
    }
    const std::string prefix = mk::AlarmHistoryPrefix(p);
    if (prefix + mk::TimeSequenceId(cutoff_ms, 0) <= key) {
      const std::string next = keys::PrefixSuccessor(prefix);
      if (next.empty()) break;
      it->Seek(next);
      continue;
    }
    batch.Delete(engine_->metrics(), it->key());
    ++count;
    it->Next();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scan alarm history");
  if (deleted != nullptr) *deleted = count;
  if (count == 0) return Status::OK();
  return engine_->Write(&batch, "prune alarm history", Engine::WriteKind::kFreesSpace);
}

Status RocksAlarmStore::ListOutbox(const std::function<bool(const Partition& p, std::string_view id,
                                                            const std::string& value)>& visit) {
  return ForEachInEveryPartition(
      mk::kAlarmOutboxTag, kIdSize, "alarm outbox",
      [&](const Partition& p, std::string_view id, const rocksdb::Slice& value) {
        return visit(p, id, value.ToString());
      });
}

Status RocksAlarmStore::ForEachInEveryPartition(
    char tag, size_t id_size, std::string_view what,
    const std::function<bool(const Partition&, std::string_view, const rocksdb::Slice&)>& visit) {
  const std::string lower(1, tag);
  RangeIterator it(engine_->db(), engine_->metrics(), keys::PrefixSuccessor(lower));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    size_t pos = 1;
    Partition p;
    if (!mk::ReadPartition(key, &pos, &p) || (id_size != 0 && key.size() - pos != id_size)) {
      return Status::Corruption("bad " + std::string(what) + " key");
    }
    if (!visit(p, key.substr(pos), it->value())) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list " + std::string(what));
  return Status::OK();
}

}  // namespace cwlogd::storage::detail
