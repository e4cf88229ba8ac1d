// Internal to storage/: the ResourceStore on the engine's database (the `meta` CF, key families
// 0x06 <kind>, storage/keys.h). A client of the storage engine (engine.h): every write goes
// through Engine::Write. Changes of one kind in one partition are serialized on an engine lock
// stripe (the count behind a kind's limit is read under it); records bound to a log group are
// changed inside Engine::UpdateGroupRecord, under the group's lock, so they exist only while
// their group does (DeleteLogGroup deletes them in its own batch).
// Thread-safe.
#pragma once

#include <memory>

#include "storage/resource_store.h"

namespace cwlogd::storage::detail {

class Engine;

class RocksResourceStore final : public ResourceStore {
 public:
  explicit RocksResourceStore(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}

  Result<ResourceRecord> Get(const Partition& p, ResourceKind kind, std::string_view name) override;
  Status Update(const Partition& p, ResourceKind kind, std::string_view name, int64_t now_ms,
                const ResourceLimit& limit, const Edit& edit) override;
  Status UpdateWith(const Partition& p, ResourceKind kind, std::string_view name, int64_t now_ms,
                    const ResourceLimit& limit, const Edit& edit,
                    const std::vector<Put>& also) override;
  Status Delete(const Partition& p, ResourceKind kind, std::string_view name,
                const std::function<Status(const ResourceRecord&)>& check) override;
  Status List(const Partition& p, ResourceKind kind, std::string_view prefix,
              std::string_view start_after,
              const std::function<bool(const ResourceRecord&)>& visit) override;
  Status ListAllPartitions(
      ResourceKind kind,
      const std::function<bool(const Partition&, const ResourceRecord&)>& visit) override;

 private:
  std::shared_ptr<Engine> engine_;
};

// True for the kinds whose records belong to a log group (kGroupBoundKinds).
bool IsGroupBound(ResourceKind kind);

}  // namespace cwlogd::storage::detail
