// Internal to storage/: the SubscriptionStore on the engine's database. Filters are resource
// records (`meta` CF, 0x06 'B'), their cursors and the outbox live in the `index` CF
// (storage/keys.h). Filter changes run under their group's lock (Engine::UpdateGroupRecord), as
// PutLogEvents does, so a batch is put in the outbox exactly when its group has a filter.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "storage/subscription_store.h"

namespace cwlogd::storage::detail {

class Engine;

class RocksSubscriptionStore final : public SubscriptionStore {
 public:
  // Loads the ids of the groups that have a filter (one scan of the cursors).
  static Result<std::unique_ptr<RocksSubscriptionStore>> Open(
      const std::shared_ptr<Engine>& engine);

  Status PutFilter(const Partition& p, std::string_view group, std::string_view filter,
                   int64_t now_ms, size_t max_per_group, const ResourceStore::Edit& edit,
                   const std::function<bool(const ResourceRecord&, const ResourceRecord&)>&
                       restart_control) override;
  Status DeleteFilter(const Partition& p, std::string_view group, std::string_view filter) override;
  Status ListFilters(const Partition& p, std::string_view group, std::string_view prefix,
                     std::string_view start_after,
                     const std::function<bool(const ResourceRecord&)>& visit) override;
  Status ListActive(std::vector<ActiveSubscription>* out) override;
  Status ReadOutbox(const ActiveSubscription& sub, uint64_t from,
                    const std::function<bool(const OutboxBatch&)>& visit) override;
  Status SaveCursor(const ActiveSubscription& sub, const SubscriptionCursor& cursor) override;
  Status TrimOutbox(uint64_t group_id, uint64_t before) override;
  void SetOutboxListener(std::function<void()> listener) override;

  // For the write path, under the group's lock: whether the group has a filter.
  bool HasFilters(uint64_t group_id) const;
  // After a write that added to an outbox, outside every lock.
  void NotifyOutbox() const;
  // Reset wiped every filter and outbox.
  void ForgetAll();
  // DeleteLogGroup removed the group (its filters, cursors and outbox in its batch).
  void ForgetGroup(uint64_t group_id);

 private:
  explicit RocksSubscriptionStore(std::shared_ptr<Engine> engine) : engine_(std::move(engine)) {}

  std::shared_ptr<Engine> engine_;
  mutable std::mutex mu_;
  std::set<uint64_t> groups_;  // ids of the groups with at least one filter
  std::function<void()> listener_;
};

}  // namespace cwlogd::storage::detail
