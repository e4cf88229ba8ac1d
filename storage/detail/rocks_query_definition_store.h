// Internal to storage/: the QueryDefinitionStore on the log store's RocksDB database (records
// 0x07 of the `meta` column family, storage/keys.h). A client of the storage engine (engine.h):
// its writes go through Engine::Write, and a create or update holds the engine's lock stripe of
// the pseudo group name kLockName, so the count check of the 1000-definition limit and the write
// are one step. Thread-safe.
#pragma once

#include <memory>

#include "storage/query_definition_store.h"

namespace cwlogd::storage::detail {

class Engine;

class RocksQueryDefinitionStore final : public QueryDefinitionStore {
 public:
  explicit RocksQueryDefinitionStore(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}

  Result<std::string> PutQueryDefinition(const Partition& p, const QueryDefinition& definition,
                                         bool must_exist, size_t max_definitions,
                                         int64_t token_since_ms) override;
  Status DeleteQueryDefinition(const Partition& p, std::string_view id) override;
  Status ListQueryDefinitions(const Partition& p,
                              const std::function<bool(const QueryDefinition&)>& visit) override;

  // Not a valid log group name (a space), so it never shares a lock with a real group's edits
  // by name; it may share a stripe, which only serializes.
  static constexpr std::string_view kLockName = " query definitions";

 private:
  std::shared_ptr<Engine> engine_;
};

}  // namespace cwlogd::storage::detail
