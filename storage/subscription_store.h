// SubscriptionStore: subscription filters (records of ResourceKind::kSubscriptionFilter, bound to
// their log group) and the durable state of their delivery: the group's outbox (the batches
// stored while the group had a filter, docs/storage-format.md) and one cursor per filter.
// PutLogEvents adds a batch to its group's outbox in the same atomic write as the batch, so an
// acknowledged event is either delivered (its filter's cursor is past it) or in the outbox.
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_store.h"
#include "storage/resource_store.h"
#include "storage/status.h"

namespace cwlogd::storage {

// Where a filter's delivery stands: every event before (sequence, event_index) in outbox order
// was delivered (or skipped). event_index counts the events of batch `sequence` already done.
struct SubscriptionCursor {
  uint64_t sequence = 0;
  uint32_t event_index = 0;
  // The destination was set or changed and its CONTROL_MESSAGE is not delivered yet.
  bool control_pending = false;
  auto operator<=>(const SubscriptionCursor&) const = default;
};

// A filter with what its delivery needs. record.name is the filter's name (not the key's name).
struct ActiveSubscription {
  Partition partition;
  std::string group;
  uint64_t group_id = 0;
  ResourceRecord record;
  SubscriptionCursor cursor;
};

// One batch of the outbox as stored (one PutLogEvents call, one stream).
struct OutboxBatch {
  uint64_t sequence = 0;
  std::string stream;  // its stream's name
  int64_t ingestion_time = 0;
  std::vector<InputEvent> events;  // in stored (timestamp) order; index i has EventKey i
};

class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;

  // Creates or replaces filter `filter` of `group` under the group's lock. `edit` works as in
  // ResourceStore::Update (the record's name is the filter's name). A new filter's cursor starts
  // after the group's last outbox batch, with its CONTROL_MESSAGE pending; so does a replaced
  // filter whose `restart_control` returns true for (old, new) record. Errors: NotFound(kLogGroup);
  // FailedPrecondition(kResourceLimit) when creating one more than `max_per_group`.
  virtual Status PutFilter(
      const Partition& p, std::string_view group, std::string_view filter, int64_t now_ms,
      size_t max_per_group, const ResourceStore::Edit& edit,
      const std::function<bool(const ResourceRecord& before, const ResourceRecord& after)>&
          restart_control) = 0;
  // NotFound(kLogGroup), then NotFound(kResource). Removes its cursor too.
  virtual Status DeleteFilter(const Partition& p, std::string_view group,
                              std::string_view filter) = 0;
  // Filters of a group in byte order of name, names starting with `prefix`, after `start_after`.
  // NotFound(kLogGroup) when the group does not exist.
  virtual Status ListFilters(const Partition& p, std::string_view group, std::string_view prefix,
                             std::string_view start_after,
                             const std::function<bool(const ResourceRecord&)>& visit) = 0;

  // --- delivery (one deliverer) ---
  // Every filter of every partition with its group and cursor.
  virtual Status ListActive(std::vector<ActiveSubscription>* out) = 0;
  // Outbox batches of the filter's group from sequence `from` on, in order, until `visit`
  // returns false. Batches whose events are gone (retention, a deleted stream) are visited with
  // no events. NotFound(kResource), and no visit, when the filter was deleted or re-created
  // since `sub` was listed (read in the same snapshot as the batches: a deleted filter delivers
  // nothing written after its deletion).
  virtual Status ReadOutbox(const ActiveSubscription& sub, uint64_t from,
                            const std::function<bool(const OutboxBatch&)>& visit) = 0;
  // Stores a filter's cursor, unless the filter (or its group) was deleted or re-created since
  // `sub` was listed: then OK and nothing is written. When the filter was updated meanwhile, a
  // CONTROL_MESSAGE the update made pending stays pending.
  virtual Status SaveCursor(const ActiveSubscription& sub, const SubscriptionCursor& cursor) = 0;
  // Forgets the outbox batches of the group before sequence `before` (every filter is past them).
  virtual Status TrimOutbox(uint64_t group_id, uint64_t before) = 0;
  // `listener` (may be empty) is called after every write that added to an outbox and after
  // every PutFilter, outside all locks; it must be quick (the deliverer's wake-up).
  virtual void SetOutboxListener(std::function<void()> listener) = 0;
};

}  // namespace cwlogd::storage
