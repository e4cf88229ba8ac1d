#include "storage/detail/rocks_query_definition_store.h"

#include <mutex>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"

namespace cwlogd::storage::detail {
namespace {

std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Visits the records of a partition in id order; `visit` gets the id and the raw record.
Status ScanDefinitions(
    Engine& engine, const Partition& p,
    const std::function<bool(std::string_view id, std::string_view value)>& visit) {
  const std::string prefix = keys::QueryDefinitionPrefix(p);
  const std::string upper = keys::PrefixSuccessor(prefix);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(engine.db()->NewIterator(ro, engine.meta()));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (!key.starts_with(prefix)) break;
    if (!visit(key.substr(prefix.size()), ToView(it->value()))) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list query definitions");
  return Status::OK();
}

}  // namespace

Status RocksQueryDefinitionStore::PutQueryDefinition(const Partition& p,
                                                     const QueryDefinition& definition,
                                                     bool must_exist, size_t max_definitions) {
  std::lock_guard<std::mutex> lock(engine_->GroupMutex(p, kLockName));
  const std::string key = keys::QueryDefinitionKey(p, definition.id);
  std::string existing;
  rocksdb::Status s = engine_->db()->Get(rocksdb::ReadOptions(), engine_->meta(), key, &existing);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read query definition");
  if (s.IsNotFound()) {
    if (must_exist) return Status::NotFound(Status::Resource::kQueryDefinition);
    size_t count = 0;
    Status listed = ScanDefinitions(
        *engine_, p, [&](std::string_view, std::string_view) { return ++count < max_definitions; });
    if (!listed.ok()) return listed;
    if (count >= max_definitions) {
      return Status::FailedPrecondition(Status::Precondition::kQueryDefinitionLimit);
    }
  }
  rocksdb::WriteBatch batch;
  (void)batch.Put(engine_->meta(), key, keys::EncodeQueryDefinition(definition));  // in memory
  return engine_->Write(&batch, "put query definition");
}

Status RocksQueryDefinitionStore::DeleteQueryDefinition(const Partition& p, std::string_view id) {
  std::lock_guard<std::mutex> lock(engine_->GroupMutex(p, kLockName));
  const std::string key = keys::QueryDefinitionKey(p, id);
  std::string existing;
  rocksdb::Status s = engine_->db()->Get(rocksdb::ReadOptions(), engine_->meta(), key, &existing);
  if (s.IsNotFound()) return Status::NotFound(Status::Resource::kQueryDefinition);
  if (!s.ok()) return FromRocks(s, "read query definition");
  rocksdb::WriteBatch batch;
  (void)batch.Delete(engine_->meta(), key);  // in memory
  return engine_->Write(&batch, "delete query definition", Engine::WriteKind::kFreesSpace);
}

Status RocksQueryDefinitionStore::ListQueryDefinitions(
    const Partition& p, const std::function<bool(const QueryDefinition&)>& visit) {
  Status bad = Status::OK();
  Status s = ScanDefinitions(*engine_, p, [&](std::string_view id, std::string_view value) {
    QueryDefinition d;
    if (!keys::DecodeQueryDefinition(value, &d)) {
      bad = Status::Corruption("bad query definition record");
      return false;
    }
    d.id = std::string(id);
    return visit(d);
  });
  if (!s.ok()) return s;
  return bad;
}

}  // namespace cwlogd::storage::detail
