// The masking data protection policies cause (docs/data-protection.md): which identifiers a
// group's policies mask, and since when. GetLogEvents, FilterLogEvents, Logs Insights, live tail
// and subscription delivery show events through it. Thread-safe once loaded (read-only).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/context.h"
#include "filters/sensitive_data.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

// The DataIdentifier list of a stored document's Deidentify statement (empty when it has none).
std::vector<std::string> MaskedIdentifiers(std::string_view document);

// What a group's events show of the data its data protection policies mask: the group's own
// policy and the account's DATA_PROTECTION_POLICY, each from the time it was last put. AWS masks
// at ingestion; here the stored events keep their text and an event is masked on output when
// it was ingested at or after a policy's time (docs/data-protection.md says what differs).
class EventMasking {
 public:
  // The group's masking, or the storage error reading the policies gave.
  static std::variant<EventMasking, ApiError> Load(Context& ctx, std::string_view group_name);
  static storage::Status Load(storage::LogStore& store, const storage::Partition& partition,
                              std::string_view group_name, EventMasking* out);

  bool empty() const { return policies_.empty(); }
  // The message to show: `message`, or its masked copy in *scratch.
  std::string_view Apply(std::string_view message, int64_t ingestion_time_ms,
                         std::string* scratch) const;

 private:
  struct Policy {
    int64_t since_ms;
    filters::SensitiveDataMasker masker;
  };
  std::vector<Policy> policies_;
};

}  // namespace cwlogd::api::detail
