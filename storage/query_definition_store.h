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
  // The clientToken of the request that last wrote the definition (at last_modified_ms), or
  // "": kept for PutQueryDefinition's idempotency.
  std::string client_token;
  bool operator==(const QueryDefinition&) const = default;
};

class QueryDefinitionStore {
 public:
  virtual ~QueryDefinitionStore() = default;

  // Creates the definition, or replaces every field of the one with the same id when
  // `must_exist` (an update): NotFound(kQueryDefinition) when it does not. A creation that
  // would take the partition past `max_definitions` fails with
  // FailedPrecondition(kQueryDefinitionLimit). Returns the id written.
  //
  // Idempotency: when definition.client_token is set and a definition was last written with
  // that token at or after `token_since_ms` (a creation looks at every definition of the
  // partition, an update at the one it updates), nothing is written: the answer is that
  // definition's id if its name, query string, language, groups and parameters equal
  // `definition`'s, else FailedPrecondition(kClientTokenReused). A later write of that
  // definition (with another token or none) or its deletion forgets the token.
  virtual Result<std::string> PutQueryDefinition(const Partition& p,
                                                 const QueryDefinition& definition, bool must_exist,
                                                 size_t max_definitions,
                                                 int64_t token_since_ms) = 0;
  // NotFound(kQueryDefinition) when absent.
  virtual Status DeleteQueryDefinition(const Partition& p, std::string_view id) = 0;
  // Every definition of the partition, in ascending byte order of id; `visit` returns false
  // to stop.
  virtual Status ListQueryDefinitions(const Partition& p,
                                      const std::function<bool(const QueryDefinition&)>& visit) = 0;
};

}  // namespace cwlogd::storage
