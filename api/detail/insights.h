// Helpers shared by the Logs Insights handlers and the QueryRunner: query and definition ids
// (UUIDs), the @ptr of a result row (what GetLogRecord accepts), the log groups of a request and
// the JSON of results. Thread-safe (pure functions; the UUID generator is per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/request_reader.h"
#include "insights/query.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

// A random (version 4) UUID in its 36-character lower-case form.
std::string NewUuid();

// Where a result row's event is: what @ptr holds.
struct RecordRef {
  std::string group;
  uint64_t group_id = 0;  // a group deleted and re-created under the same name is another group
  storage::EventKey key;
};
// The @ptr value: an opaque token bound to the partition (api/detail/tokens.h).
std::string EncodeRecordPointer(const storage::Partition& p, const RecordRef& ref);
// nullopt when `text` is not a pointer issued to this partition.
std::optional<RecordRef> DecodeRecordPointer(std::string_view text, const storage::Partition& p);

// The internal @ptr the runner feeds a query (cheap to make for every record; rewritten into
// EncodeRecordPointer's token in the rows a client sees): 44 hex digits of the group's index in
// the query, the timestamp, the sequence and the index of the event.
inline constexpr size_t kInternalPointerSize = 44;
void WriteInternalPointer(char* out, uint16_t group_index, const storage::EventKey& key);
bool ReadInternalPointer(std::string_view text, uint16_t* group_index, storage::EventKey* key);

// queryId / queryDefinitionId members: 1-256 characters (the model's QueryId).
extern const StringRule kQueryIdRule;
// queryLanguage values, in the model's order.
inline constexpr std::string_view kQueryLanguages[] = {"CWLI", "SQL", "PPL"};

// Unknown or forgotten query id: ResourceNotFoundException "The specified query does not exist."
ApiError QueryNotFound();
// A context without a query runner (never in the server).
ApiError NoQueryRunner();

// `rows` as GetQueryResults' `results`: [[{"field","value"}...]...].
nlohmann::json ResultRowsJson(const std::vector<insights::ResultRow>& rows, size_t begin,
                              size_t end);

}  // namespace cwlogd::api::detail
