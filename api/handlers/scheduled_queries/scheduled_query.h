// What the scheduled-query handlers share: the model's rules, the query's ARN, the reading of
// the settings Create and Update take, and the JSON of a record. A scheduled query is a resource
// record of kind kScheduledQuery named by its name (fields: api/scheduled_query_runner.h).
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "storage/resource_store.h"

namespace cwlogd::api::scheduled_queries {

// Model `ScheduledQueryName`: 1-255, ^[a-zA-Z0-9_\-/.#]+$
extern const StringRule kNameRule;
// Model `ScheduledQueryIdentifier`: [\w#+=/:,.@-]*
extern const StringRule kIdentifierRule;

// arn:<partition>:logs:<region>:<account>:scheduled-query:<name> (our form: AWS's is not
// recorded).
std::string QueryArn(const storage::Partition& p, std::string_view name);

// The name an identifier (a name or this partition's ARN) stands for; nullopt when it names
// nothing we could hold.
std::optional<std::string> NameFromIdentifier(const storage::Partition& p,
                                              std::string_view identifier);

ApiError QueryNotFound();

// InvalidParameterException (what RequestReader and the paging helpers make) as this API's
// ValidationException, same text: the scheduled-query operations model no other.
ApiError AsValidation(ApiError e);

// The record of `identifier`, or the error to answer.
std::variant<storage::ResourceRecord, ApiError> FindQuery(Context& ctx,
                                                          std::string_view identifier);

// The settings of CreateScheduledQuery and UpdateScheduledQuery (every member but name,
// identifier and tags), read and checked; written into a record's fields by Apply.
struct Settings {
  std::optional<std::string> description;
  std::string query_language;
  std::string query_string;
  std::optional<nlohmann::json> log_group_identifiers;  // a JSON array of strings
  std::string schedule_expression;
  std::optional<std::string> timezone;
  std::optional<int64_t> start_time_offset;
  std::optional<nlohmann::json> destination;  // {"s3Configuration": {...}}
  std::optional<int64_t> schedule_start_time;
  std::optional<int64_t> schedule_end_time;
  std::string execution_role_arn;
  std::optional<std::string> state;
};
// Reads the members into `in` (which records the model's violations) and returns the settings;
// check the reader's failed() first, then CheckSettings.
Settings ReadSettings(RequestReader& in);
// The checks beyond the model: the schedule expression, the schedule window, and that every
// log group exists. nullopt when all hold.
std::optional<ApiError> CheckSettings(Context& ctx, const Settings& s);
// Replaces the record's settings (Update has PUT semantics: an absent optional member is
// removed; an absent state keeps the current one) and sets its next fire time after `now_ms`.
void Apply(const Settings& s, int64_t now_ms, storage::ResourceRecord* out);

// GetScheduledQuery's and UpdateScheduledQuery's answer; the summary of ListScheduledQueries.
nlohmann::json QueryJson(const storage::Partition& p, const storage::ResourceRecord& r);
nlohmann::json SummaryJson(const storage::Partition& p, const storage::ResourceRecord& r);

}  // namespace cwlogd::api::scheduled_queries
