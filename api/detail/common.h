// Helpers shared by the Logs handlers: JSON shapes of groups and streams (the LogGroup and
// LogStream data types of the AWS API reference), the logGroupName/logGroupIdentifier pair,
// retention windows and common errors. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "api/result.h"
#include "filters/filter_pattern.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kEventOverheadBytes = 26;     // added to each message's UTF-8 bytes
constexpr size_t kMaxPageBytes = 1'048'576;    // Get/FilterLogEvents page size (1 MB)
constexpr int64_t kMaxEventsPerPage = 10'000;  // and their largest `limit`

// A DescribeLogGroups element. `slim` drops storedBytes and deletionProtectionEnabled (AWS's
// shape when logGroupNamePattern is given).
nlohmann::json LogGroupJson(const storage::Partition& p, const storage::LogGroupInfo& g,
                            bool slim = false);
// A DescribeLogStreams element; members without a value are omitted.
nlohmann::json LogStreamJson(const storage::Partition& p, std::string_view group,
                             const storage::LogStreamInfo& s);

// The two ways to name the log group of a request (exactly one must be given).
struct GroupRef {
  std::optional<std::string> name;        // logGroupName
  std::optional<std::string> identifier;  // logGroupIdentifier: a name or an ARN
};
GroupRef ReadGroupRef(RequestReader& in);
// Call after in.failed() was checked: the mutual-exclusion errors, then name resolution.
std::variant<std::string, ApiError> ResolveGroupRef(const GroupRef& ref, const Context& ctx);

// Oldest timestamp a reader may see: now - retention, or INT64_MIN without retention.
int64_t RetentionFloor(const storage::LogGroupInfo& g, int64_t now_ms);

// logGroupClass values, in the model's order.
inline constexpr std::string_view kLogGroupClasses[] = {"STANDARD", "INFREQUENT_ACCESS",
                                                        "DELIVERY"};

// "Log groups starting with AWS/ are reserved for AWS." for names starting aws/ in any case.
std::optional<ApiError> CheckReservedGroupName(std::string_view name);
// DeleteLogGroup on a group with deletion protection on.
ApiError DeletionProtected(std::string_view name);

// PutLogGroupDeletionProtection and PutBearerTokenAuthentication: {logGroupIdentifier (name or
// ARN), `member`}, both required (botocore model); `set` stores the boolean on the group record.
ApiResult PutGroupSetting(const nlohmann::json& request, Context& ctx, std::string_view member,
                          void (*set)(storage::LogGroupInfo& group, bool value));

ApiError LogGroupNotFound();
ApiError LogStreamNotFound();
ApiError InvalidNextToken();
// "Invalid filter pattern: Invalid character(s) in term 'x'" and friends
// (docs/filter-patterns.md, "Errors").
ApiError InvalidFilterPattern(const filters::ParseError& error);

}  // namespace cwlogd::api::detail
