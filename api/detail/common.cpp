#include "api/detail/common.h"

#include <limits>

#include "api/detail/arn.h"
#include "api/detail/tokens.h"

namespace cwlogd::api::detail {

using nlohmann::json;

json LogGroupJson(const storage::Partition& p, const storage::LogGroupInfo& g, bool slim) {
  json out = json::object();
  out["logGroupName"] = g.name;
  out["creationTime"] = g.creation_time_ms;
  if (g.retention_days) out["retentionInDays"] = *g.retention_days;
  out["metricFilterCount"] = g.metric_filter_count;
  out["arn"] = LogGroupArnWithStar(p, g.name);
  out["logGroupArn"] = LogGroupArn(p, g.name);
  out["logGroupClass"] = g.log_group_class;
  if (g.kms_key_id) out["kmsKeyId"] = *g.kms_key_id;
  if (!slim) {
    out["storedBytes"] = g.stored_bytes;
    out["deletionProtectionEnabled"] = g.deletion_protection;
    // Only once set: botocore's model has it optional, and AWS leaves it out by default.
    if (g.bearer_token_authentication) out["bearerTokenAuthenticationEnabled"] = true;
  }
  return out;
}

json LogStreamJson(const storage::Partition& p, std::string_view group,
                   const storage::LogStreamInfo& s) {
  json out = json::object();
  out["logStreamName"] = s.name;
  out["creationTime"] = s.creation_time_ms;
  if (s.first_event_timestamp) out["firstEventTimestamp"] = *s.first_event_timestamp;
  if (s.last_event_timestamp) out["lastEventTimestamp"] = *s.last_event_timestamp;
  if (s.last_ingestion_time) out["lastIngestionTime"] = *s.last_ingestion_time;
  if (s.upload_sequence > 0) out["uploadSequenceToken"] = SequenceToken(s.id, s.upload_sequence);
  out["arn"] = LogStreamArn(p, group, s.name);
  out["storedBytes"] = 0;  // always 0 for streams (deprecated by AWS in 2019)
  return out;
}

GroupRef ReadGroupRef(RequestReader& in) {
  GroupRef ref;
  ref.name = in.String("logGroupName", kLogGroupNameRule);
  ref.identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule);
  return ref;
}

std::variant<std::string, ApiError> ResolveGroupRef(const GroupRef& ref, const Context& ctx) {
  if (ref.name && ref.identifier) {
    return ApiError::Validation(
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (ref.name) return *ref.name;
  if (!ref.identifier) {
    // AWS's text for this case is unknown; this one names both members.
    return ApiError::InvalidParameter(
        "Either logGroupName or logGroupIdentifier must be specified.");
  }
  auto name = ResolveLogGroupIdentifier(ctx.partition, *ref.identifier);
  if (!name) return LogGroupNotFound();
  return *name;
}

int64_t RetentionFloor(const storage::LogGroupInfo& g, int64_t now_ms) {
  if (!g.retention_days) return std::numeric_limits<int64_t>::min();
  return now_ms - static_cast<int64_t>(*g.retention_days) * kDayMs;
}

std::optional<ApiError> CheckReservedGroupName(std::string_view name) {
  if (name.size() >= 4 && (name[0] == 'a' || name[0] == 'A') &&
      (name[1] == 'w' || name[1] == 'W') && (name[2] == 's' || name[2] == 'S') && name[3] == '/') {
    return ApiError::InvalidParameter("Log groups starting with AWS/ are reserved for AWS.");
  }
  return std::nullopt;
}

ApiError DeletionProtected(std::string_view name) {
  // The model lists ValidationException for this case; the text is ours (AWS's is unknown).
  return ApiError::Validation("Cannot delete log group " + std::string(name) +
                              " because deletion protection is enabled. Disable deletion "
                              "protection first.");
}

ApiResult PutGroupSetting(const nlohmann::json& request, Context& ctx, std::string_view member,
                          void (*set)(storage::LogGroupInfo& group, bool value)) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  auto value = in.Bool(member, /*required=*/true);
  if (in.failed()) return in.error();
  GroupRef ref;
  ref.identifier = identifier;
  auto resolved = ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  storage::Status s = ctx.store.UpdateLogGroup(ctx.partition, std::get<std::string>(resolved),
                                               [&](storage::LogGroupInfo& g) {
                                                 set(g, *value);
                                                 return storage::Status::OK();
                                               });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

ApiError LogGroupNotFound() {
  return ApiError::ResourceNotFound("The specified log group does not exist.");
}

ApiError LogStreamNotFound() {
  return ApiError::ResourceNotFound("The specified log stream does not exist.");
}

ApiError InvalidNextToken() {
  return ApiError::InvalidParameter("The specified nextToken is invalid.");
}

ApiError InvalidFilterPattern(const filters::ParseError& error) {
  std::string_view m = error.message;
  // Texts AWS sends whole (e.g. "If a filter pattern starts with '{' it must end with '}'") are
  // passed through; term-level messages get AWS's "Invalid filter pattern: " prefix.
  if (m.empty()) return ApiError::InvalidParameter("Invalid filter pattern");
  if (m.starts_with("Invalid filter pattern") || m.starts_with("If a filter pattern")) {
    return ApiError::InvalidParameter(std::string(m));
  }
  return ApiError::InvalidParameter("Invalid filter pattern: " + std::string(m));
}

}  // namespace cwlogd::api::detail
