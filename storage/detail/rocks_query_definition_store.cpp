#include "storage/detail/rocks_query_definition_store.h"

#include <mutex>
#include <optional>
#include <string>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "storage/detail/engine.h"
#include "storage/detail/rocks_status.h"
#include "storage/keys.h"

namespace cwlogd::storage::detail {
namespace {

// Visits the records of a partition in id order; `visit` gets the id and the raw record.
Status ScanDefinitions(
    Engine& engine, const Partition& p,
    const std::function<bool(std::string_view id, std::string_view value)>& visit) {
  const std::string prefix = keys::QueryDefinitionPrefix(p);
  RangeIterator it(engine.db(), engine.meta(), keys::PrefixSuccessor(prefix));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (!key.starts_with(prefix)) break;
    if (!visit(key.substr(prefix.size()), ToView(it->value()))) break;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "list query definitions");
  return Status::OK();
}

// Whether two writes ask for the same definition (everything a request sets but the id).
bool SameRequest(const QueryDefinition& a, const QueryDefinition& b) {
  return a.name == b.name && a.query_string == b.query_string &&
         a.query_language == b.query_language && a.log_group_names == b.log_group_names &&
         a.parameters == b.parameters;
}

}  // namespace

Result<std::string> RocksQueryDefinitionStore::PutQueryDefinition(const Partition& p,
                                                                  const QueryDefinition& definition,
                                                                  bool must_exist,
                                                                  size_t max_definitions,
                                                                  int64_t token_since_ms) {
  std::lock_guard<std::mutex> lock(engine_->GroupMutex(p, kLockName));
  // The answer to a request whose token is already on `stored`, if it is.
  auto replay = [&](const QueryDefinition& stored) -> std::optional<Result<std::string>> {
    if (definition.client_token.empty() || stored.client_token != definition.client_token ||
        stored.last_modified_ms < token_since_ms) {
      return std::nullopt;
    }
    if (!SameRequest(stored, definition)) {
      return Result<std::string>(
          Status::FailedPrecondition(Status::Precondition::kClientTokenReused));
    }
    return Result<std::string>(stored.id);
  };
  const std::string key = keys::QueryDefinitionKey(p, definition.id);
  std::string existing;
  rocksdb::Status s = engine_->db()->Get(rocksdb::ReadOptions(), engine_->meta(), key, &existing);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read query definition");
  if (s.IsNotFound()) {
    if (must_exist) return Status::NotFound(Status::Resource::kQueryDefinition);
    // One walk both counts the definitions and looks for the token: a retried creation is
    // answered even when the partition is full.
    size_t count = 0;
    std::optional<Result<std::string>> replayed;
    Status bad = Status::OK();
    Status listed = ScanDefinitions(*engine_, p, [&](std::string_view id, std::string_view value) {
      ++count;
      if (definition.client_token.empty()) return count < max_definitions;
      QueryDefinition stored;
      if (!keys::DecodeQueryDefinition(value, &stored)) {
        bad = Status::Corruption("bad query definition record");
        return false;
      }
      stored.id = std::string(id);
      replayed = replay(stored);
      return !replayed.has_value();
    });
    if (!listed.ok()) return listed;
    if (!bad.ok()) return bad;
    if (replayed) return *std::move(replayed);
    if (count >= max_definitions) {
      return Status::FailedPrecondition(Status::Precondition::kQueryDefinitionLimit);
    }
  } else {
    QueryDefinition stored;
    if (!keys::DecodeQueryDefinition(existing, &stored)) {
      return Status::Corruption("bad query definition record");
    }
    stored.id = definition.id;
    if (auto replayed = replay(stored)) return *std::move(replayed);
  }
  rocksdb::WriteBatch batch;
  (void)batch.Put(engine_->meta(), key, keys::EncodeQueryDefinition(definition));  // in memory
  if (Status w = engine_->Write(&batch, "put query definition"); !w.ok()) return w;
  return definition.id;
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
