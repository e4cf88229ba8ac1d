#include "api/handlers/scheduled_queries/scheduled_query.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

#include "api/detail/arn.h"
#include "api/detail/resources.h"
#include "api/schedule_expression.h"
#include "api/scheduled_query_runner.h"

namespace cwlogd::api::scheduled_queries {
namespace {

namespace f = scheduled_fields;

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool MatchesName(std::string_view s) {
  for (char c : s) {
    if (!IsWordChar(c) && std::string_view("-/.#").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool MatchesIdentifier(std::string_view s) {
  for (char c : s) {
    if (!IsWordChar(c) && std::string_view("#+=/:,.@-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// s3://[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9](/.*)?
bool MatchesS3Uri(std::string_view s) {
  constexpr std::string_view kScheme = "s3://";
  if (s.substr(0, kScheme.size()) != kScheme) return false;
  s.remove_prefix(kScheme.size());
  const size_t slash = s.find('/');
  const std::string_view bucket = s.substr(0, slash);
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_digit(bucket.front()) || !lower_digit(bucket.back())) return false;
  for (char c : bucket) {
    if (!lower_digit(c) && c != '.' && c != '-') return false;
  }
  // (/.*)?: '.' matches anything but a line break.
  return slash == std::string_view::npos ||
         s.find_first_of("\n\r", slash) == std::string_view::npos;
}

const StringRule kDescriptionRule{0, 1024, "", nullptr, false};
const StringRule kQueryStringRule{0, 10000, "", nullptr, false};
const StringRule kScheduleExpressionRule{0, 256, "", nullptr, false};
const StringRule kNonEmptyRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kS3UriRule{0, 1024, "s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?",
                            &MatchesS3Uri, false};
constexpr std::array<std::string_view, 3> kQueryLanguages = {"CWLI", "SQL", "PPL"};
constexpr std::array<std::string_view, 2> kStates = {"ENABLED", "DISABLED"};

void PutInt(nlohmann::json& out, const storage::ResourceRecord& r, const char* name) {
  if (r.FindField(name) != nullptr) out[name] = r.IntField(name);
}

void PutString(nlohmann::json& out, const storage::ResourceRecord& r, const char* name) {
  if (const std::string* v = r.FindField(name)) out[name] = *v;
}

void PutJson(nlohmann::json& out, const storage::ResourceRecord& r, const char* name) {
  if (const std::string* v = r.FindField(name)) {
    nlohmann::json parsed = nlohmann::json::parse(*v, nullptr, false);
    if (!parsed.is_discarded()) out[name] = std::move(parsed);
  }
}

}  // namespace

const StringRule kNameRule{1, 255, "^[a-zA-Z0-9_\\-/.#]+$", &MatchesName, false};
const StringRule kIdentifierRule{0, std::numeric_limits<size_t>::max(), "[\\w#+=/:,.@-]*",
                                 &MatchesIdentifier, false};

std::string QueryArn(const storage::Partition& p, std::string_view name) {
  return detail::LogsResourceArn(p, "scheduled-query", name);
}

std::optional<std::string> NameFromIdentifier(const storage::Partition& p,
                                              std::string_view identifier) {
  if (identifier.substr(0, 4) == "arn:") {
    return detail::NameFromLogsResourceArn(p, "scheduled-query", identifier);
  }
  if (identifier.empty() || identifier.size() > 255 || !MatchesName(identifier)) {
    return std::nullopt;
  }
  return std::string(identifier);
}

ApiError QueryNotFound() {
  // Our text: AWS's is not recorded.
  return ApiError::ResourceNotFound("The specified scheduled query does not exist.");
}

ApiError AsValidation(ApiError e) {
  if (e.type == "InvalidParameterException") e.type = "ValidationException";
  return e;
}

std::variant<storage::ResourceRecord, ApiError> FindQuery(Context& ctx,
                                                          std::string_view identifier) {
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto name = NameFromIdentifier(ctx.partition, identifier);
  if (!name) return QueryNotFound();
  auto r = store->Get(ctx.partition, storage::ResourceKind::kScheduledQuery, *name);
  if (r.status().IsNotFound()) return QueryNotFound();
  if (!r.ok()) return FromStorage(r.status());
  return std::move(*r);
}

Settings ReadSettings(RequestReader& in) {
  Settings s;
  s.description = in.String("description", kDescriptionRule);
  s.query_language = in.Enum("queryLanguage", kQueryLanguages, true).value_or("");
  s.query_string = in.String("queryString", kQueryStringRule, true).value_or("");
  if (auto groups =
          in.StringList("logGroupIdentifiers", ListRule{1, 50}, kLogGroupIdentifierRule)) {
    s.log_group_identifiers = nlohmann::json(*groups);
  }
  s.schedule_expression =
      in.String("scheduleExpression", kScheduleExpressionRule, true).value_or("");
  s.timezone = in.String("timezone", kNonEmptyRule);
  s.start_time_offset = in.Long("startTimeOffset", NumberRule{});
  if (const nlohmann::json* config = in.Structure("destinationConfiguration")) {
    RequestReader nested(*config, "destinationConfiguration.");
    if (const nlohmann::json* s3 = nested.Structure("s3Configuration", true)) {
      RequestReader s3_in(*s3, "destinationConfiguration.s3Configuration.");
      auto uri = s3_in.String("destinationIdentifier", kS3UriRule, true);
      auto role = s3_in.String("roleArn", kNonEmptyRule, true);
      auto owner = s3_in.String("ownerAccountId", kAccountIdRule);
      auto kms = s3_in.String("kmsKeyId", kKmsKeyIdRule);
      nested.Absorb(s3_in);
      nlohmann::json s3_out = nlohmann::json::object();
      if (uri) s3_out["destinationIdentifier"] = *uri;
      if (role) s3_out["roleArn"] = *role;
      if (owner) s3_out["ownerAccountId"] = *owner;
      if (kms) s3_out["kmsKeyId"] = *kms;
      s.destination = nlohmann::json{{"s3Configuration", std::move(s3_out)}};
    }
    in.Absorb(nested);
  }
  s.schedule_start_time = in.Long("scheduleStartTime", NumberRule{0});
  s.schedule_end_time = in.Long("scheduleEndTime", NumberRule{0});
  s.execution_role_arn = in.String("executionRoleArn", kNonEmptyRule, true).value_or("");
  s.state = in.Enum("state", kStates);
  return s;
}

std::optional<ApiError> CheckSettings(Context& ctx, const Settings& s) {
  // Our texts below: AWS's are not recorded.
  std::string why;
  if (!ParseScheduleExpression(s.schedule_expression, &why)) {
    return ApiError::Validation("Invalid schedule expression '" + s.schedule_expression +
                                "': " + why);
  }
  if (s.start_time_offset && *s.start_time_offset < 0) {
    return ApiError::Validation("startTimeOffset must not be negative.");
  }
  if (s.schedule_start_time && s.schedule_end_time &&
      *s.schedule_end_time <= *s.schedule_start_time) {
    return ApiError::Validation("scheduleEndTime must be after scheduleStartTime.");
  }
  if (s.log_group_identifiers) {
    for (const auto& id : *s.log_group_identifiers) {
      auto group = detail::ExistingGroup(ctx, id.get<std::string>());
      if (auto* e = std::get_if<ApiError>(&group)) return *e;
    }
  }
  return std::nullopt;
}

void Apply(const Settings& s, int64_t now_ms, storage::ResourceRecord* out) {
  std::map<std::string, std::string>& fields = out->fields;
  const std::string state =
      s.state ? *s.state : (fields.contains(f::kState) ? fields[f::kState] : "ENABLED");
  // Kept across an update: what the runner recorded.
  std::map<std::string, std::string> kept;
  for (const char* name : {f::kLastTriggeredTime, f::kLastExecutionStatus}) {
    if (auto it = fields.find(name); it != fields.end()) kept.emplace(name, it->second);
  }
  fields = std::move(kept);
  if (s.description) fields[f::kDescription] = *s.description;
  fields[f::kQueryLanguage] = s.query_language;
  fields[f::kQueryString] = s.query_string;
  if (s.log_group_identifiers) fields[f::kLogGroupIdentifiers] = s.log_group_identifiers->dump();
  fields[f::kScheduleExpression] = s.schedule_expression;
  if (s.timezone) fields[f::kTimezone] = *s.timezone;
  if (s.start_time_offset) fields[f::kStartTimeOffset] = std::to_string(*s.start_time_offset);
  if (s.destination) fields[f::kDestinationConfiguration] = s.destination->dump();
  if (s.schedule_start_time) fields[f::kScheduleStartTime] = std::to_string(*s.schedule_start_time);
  if (s.schedule_end_time) fields[f::kScheduleEndTime] = std::to_string(*s.schedule_end_time);
  fields[f::kExecutionRoleArn] = s.execution_role_arn;
  fields[f::kState] = state;
  const int64_t creation = out->creation_time_ms != 0 ? out->creation_time_ms : now_ms;
  if (auto next = NextScheduledRun(fields, now_ms, creation)) {
    fields[f::kNextFireTime] = std::to_string(*next);
  }
}

nlohmann::json SummaryJson(const storage::Partition& p, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"scheduledQueryArn", QueryArn(p, r.name)}, {"name", r.name}};
  PutString(out, r, f::kState);
  PutInt(out, r, f::kLastTriggeredTime);
  PutString(out, r, f::kLastExecutionStatus);
  PutString(out, r, f::kScheduleExpression);
  PutString(out, r, f::kTimezone);
  PutJson(out, r, f::kDestinationConfiguration);
  out["creationTime"] = r.creation_time_ms;
  out["lastUpdatedTime"] = r.last_updated_ms;
  return out;
}

nlohmann::json QueryJson(const storage::Partition& p, const storage::ResourceRecord& r) {
  nlohmann::json out = SummaryJson(p, r);
  PutString(out, r, f::kDescription);
  PutString(out, r, f::kQueryLanguage);
  PutString(out, r, f::kQueryString);
  PutJson(out, r, f::kLogGroupIdentifiers);
  PutInt(out, r, f::kStartTimeOffset);
  PutInt(out, r, f::kScheduleStartTime);
  PutInt(out, r, f::kScheduleEndTime);
  PutString(out, r, f::kExecutionRoleArn);
  return out;
}

}  // namespace cwlogd::api::scheduled_queries
