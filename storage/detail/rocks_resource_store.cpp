#include "storage/detail/rocks_resource_store.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"

namespace cwlogd::storage::detail {
namespace k = keys;

namespace {

// The lock stripe that serializes the changes of one kind in one partition: a name no log group
// can have (group names are [.-_/#A-Za-z0-9]+), so it only shares stripes by hashing. The
// delivery kinds share the lock of kDelivery (resource_store.h, kDeliveryKinds).
std::string KindLockName(ResourceKind kind) {
  if (std::find(std::begin(kDeliveryKinds), std::end(kDeliveryKinds), kind) !=
      std::end(kDeliveryKinds)) {
    kind = ResourceKind::kDelivery;
  }
  return std::string("\x06resource-kind:") + static_cast<char>(kind);
}

Result<ResourceRecord> ReadRecord(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* meta,
                                  const rocksdb::ReadOptions& ro, const Partition& p,
                                  ResourceKind kind, std::string_view name) {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db->Get(ro, meta, k::ResourceKey(kind, p, name), &value);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kResource);
  if (!s.ok()) return FromRocks(s, "read resource");
  ResourceRecord r;
  if (!k::DecodeResourceRecord(ToView(value), &r)) return Status::Corruption("bad resource record");
  r.name = std::string(name);
  return r;
}

// The edit of Update on `current` (nullopt = none yet), with the bookkeeping fields set.
Status ApplyEdit(const ResourceStore::Edit& edit, const Result<ResourceRecord>& current,
                 std::string_view name, int64_t now_ms, ResourceRecord* out) {
  const ResourceRecord* before = current.ok() ? &*current : nullptr;
  if (Status s = edit(before, out); !s.ok()) return s;
  out->name = std::string(name);
  out->creation_time_ms = before ? before->creation_time_ms : now_ms;
  out->last_updated_ms = now_ms;
  out->revision = before ? before->revision + 1 : 1;
  return Status::OK();
}

}  // namespace

bool IsGroupBound(ResourceKind kind) {
  return std::find(std::begin(kGroupBoundKinds), std::end(kGroupBoundKinds), kind) !=
         std::end(kGroupBoundKinds);
}

Result<ResourceRecord> RocksResourceStore::Get(const Partition& p, ResourceKind kind,
                                               std::string_view name) {
  return ReadRecord(engine_->db(), engine_->meta(), rocksdb::ReadOptions(), p, kind, name);
}

Status RocksResourceStore::Update(const Partition& p, ResourceKind kind, std::string_view name,
                                  int64_t now_ms, const ResourceLimit& limit, const Edit& edit) {
  return UpdateWith(p, kind, name, now_ms, limit, edit, {});
}

Status RocksResourceStore::UpdateWith(const Partition& p, ResourceKind kind, std::string_view name,
                                      int64_t now_ms, const ResourceLimit& limit, const Edit& edit,
                                      const std::vector<Put>& also) {
  for (const Put& put : also) {
    if (IsGroupBound(put.kind)) return Status::InvalidArgument("a group-bound companion record");
  }
  rocksdb::DB* db = engine_->db();
  rocksdb::ColumnFamilyHandle* meta = engine_->meta();
  if (IsGroupBound(kind)) {
    // Under the group's lock: NotFound(kLogGroup) when the group is gone, and no DeleteLogGroup
    // can slip between the check and the write.
    return engine_->UpdateGroupRecord(p, name, "put resource", [&](GroupUpdate& u) {
      u.record = GroupUpdate::Record::kUnchanged;
      auto current = ReadRecord(db, meta, rocksdb::ReadOptions(), p, kind, name);
      if (!current.ok() && !current.status().IsNotFound()) return current.status();
      ResourceRecord out;
      if (Status s = ApplyEdit(edit, current, name, now_ms, &out); !s.ok()) return s;
      u.batch.Put(meta, k::ResourceKey(kind, p, name), k::EncodeResourceRecord(out));
      for (const Put& put : also) {
        u.batch.Put(meta, k::ResourceKey(put.kind, p, put.record.name),
                    k::EncodeResourceRecord(put.record));
      }
      return Status::OK();
    });
  }
  std::lock_guard lock(engine_->GroupMutex(p, KindLockName(kind)));
  auto current = ReadRecord(db, meta, rocksdb::ReadOptions(), p, kind, name);
  if (!current.ok() && !current.status().IsNotFound()) return current.status();
  if (!current.ok() && limit.max_count > 0) {
    size_t count = 0;
    Status s = List(p, kind, limit.name_prefix, "",
                    [&](const ResourceRecord&) { return ++count < limit.max_count; });
    if (!s.ok()) return s;
    if (count >= limit.max_count) {
      return Status::FailedPrecondition(Status::Precondition::kResourceLimit);
    }
  }
  ResourceRecord out;
  if (Status s = ApplyEdit(edit, current, name, now_ms, &out); !s.ok()) return s;
  rocksdb::WriteBatch batch;
  batch.Put(meta, k::ResourceKey(kind, p, name), k::EncodeResourceRecord(out));
  for (const Put& put : also) {
    batch.Put(meta, k::ResourceKey(put.kind, p, put.record.name),
              k::EncodeResourceRecord(put.record));
  }
  return engine_->Write(&batch, "put resource");
}

Status RocksResourceStore::Delete(const Partition& p, ResourceKind kind, std::string_view name,
                                  const std::function<Status(const ResourceRecord&)>& check) {
  rocksdb::DB* db = engine_->db();
  rocksdb::ColumnFamilyHandle* meta = engine_->meta();
  auto remove = [&](rocksdb::WriteBatch* batch) -> Status {
    auto current = ReadRecord(db, meta, rocksdb::ReadOptions(), p, kind, name);
    if (!current.ok()) return current.status();
    if (check) {
      if (Status s = check(*current); !s.ok()) return s;
    }
    batch->Delete(meta, k::ResourceKey(kind, p, name));
    return Status::OK();
  };
  if (IsGroupBound(kind)) {
    return engine_->UpdateGroupRecord(p, name, "delete resource", [&](GroupUpdate& u) {
      u.record = GroupUpdate::Record::kUnchanged;
      u.frees_space = true;
      return remove(&u.batch);
    });
  }
  std::lock_guard lock(engine_->GroupMutex(p, KindLockName(kind)));
  rocksdb::WriteBatch batch;
  if (Status s = remove(&batch); !s.ok()) return s;
  return engine_->Write(&batch, "delete resource", Engine::WriteKind::kFreesSpace);
}

Status RocksResourceStore::List(const Partition& p, ResourceKind kind, std::string_view prefix,
                                std::string_view start_after,
                                const std::function<bool(const ResourceRecord&)>& visit) {
  SnapshotRead read(engine_->db());
  const std::string kind_prefix = k::ResourceKeyPrefix(kind, p);
  const std::string begin = kind_prefix + std::string(prefix);
  const std::string end = k::PrefixSuccessor(begin);
  rocksdb::Slice upper(end);
  if (!end.empty()) read.options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(read.options, engine_->meta()));
  if (start_after.empty()) {
    it->Seek(begin);
  } else {
    // The least key after every key of `start_after`: the name followed by a 0 byte.
    std::string after = kind_prefix + std::string(start_after);
    after.push_back('\0');
    it->Seek(std::max(begin, after));
  }
  for (; it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    ResourceRecord r;
    if (!k::DecodeResourceRecord(ToView(it->value()), &r)) {
      return Status::Corruption("bad resource record");
    }
    r.name = std::string(key.substr(kind_prefix.size()));
    if (!visit(r)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list resources");
  return Status::OK();
}

Status RocksResourceStore::ListAllPartitions(
    ResourceKind kind, const std::function<bool(const Partition&, const ResourceRecord&)>& visit) {
  SnapshotRead read(engine_->db());
  const std::string begin{k::kResourceTag, static_cast<char>(kind)};
  const std::string end = k::PrefixSuccessor(begin);
  rocksdb::Slice upper(end);
  read.options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(engine_->db()->NewIterator(read.options, engine_->meta()));
  for (it->Seek(begin); it->Valid(); it->Next()) {
    ResourceKind parsed_kind{};
    Partition p;
    ResourceRecord r;
    if (!k::ParseResourceKey(ToView(it->key()), &parsed_kind, &p, &r.name) ||
        !k::DecodeResourceRecord(ToView(it->value()), &r)) {
      return Status::Corruption("bad resource record");
    }
    if (!visit(p, r)) return Status::OK();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list resources");
  return Status::OK();
}

}  // namespace cwlogd::storage::detail
