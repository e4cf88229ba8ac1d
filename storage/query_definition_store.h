// QueryDefinitionStore: the saved Logs Insights queries of a partition (PutQueryDefinition,
// DescribeQueryDefinitions, DeleteQueryDefinition), durable in the store's database. The one
// implementation is detail/rocks_query_definition_store.h, a client of the storage engine;
// the records are in docs/storage-format.md ("query definitions").
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "storage/log_store.h"
#include "storage/status.h"

namespace cwlogd::storage {

struct QueryParameter {
  std::string name;
  std::optional<std::string> default_value;
  std::optional<std::string> description;
  bool operator==(const QueryParameter&) const = default;
};

struct QueryDefinition {
  std::string id;  // a UUID chosen by the api; unique within the partition
  std::string name;
  std::string query_string;
  std::vector<std::string> log_group_names;
  std::vector<QueryParameter> parameters;
  std::string query_language = "CWLI";
  int64_t last_modified_ms = 0;
  bool operator==(const QueryDefinition&) const = default;
};

class QueryDefinitionStore {
 public:
  virtual ~QueryDefinitionStore() = default;

  // Creates the definition, or replaces every field of the one with the same id when
  // `must_exist` (an update): NotFound(kQueryDefinition) when it does not. A creation that
  // would take the partition past `max_definitions` fails with
  // FailedPrecondition(kQueryDefinitionLimit).
  virtual Status PutQueryDefinition(const Partition& p, const QueryDefinition& definition,
                                    bool must_exist, size_t max_definitions) = 0;
  // NotFound(kQueryDefinition) when absent.
  virtual Status DeleteQueryDefinition(const Partition& p, std::string_view id) = 0;
  // Every definition of the partition, in ascending byte order of id; `visit` returns false
  // to stop.
  virtual Status ListQueryDefinitions(const Partition& p,
                                      const std::function<bool(const QueryDefinition&)>& visit) = 0;
};

}  // namespace cwlogd::storage
