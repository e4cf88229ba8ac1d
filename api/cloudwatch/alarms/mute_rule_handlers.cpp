// PutAlarmMuteRule, GetAlarmMuteRule, ListAlarmMuteRules, DeleteAlarmMuteRule: the stored
// rules (kind kAlarmMuteRule, one per Name and partition). Their effect on alarm actions is the
// evaluator's (alarm_evaluator.cpp, through MuteWindowEnd).
#include <map>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/alarms/mute_rules.h"
#include "api/cloudwatch/resources/resource_handlers.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;
using storage::ResourceKind;
using storage::ResourceRecord;

constexpr std::string_view kListToken = "ListAlarmMuteRules";
constexpr int64_t kDefaultListPage = 50;
constexpr int64_t kMaxListPage = 100;
constexpr size_t kMaxMuteTargets = 100;
// [unsure] AWS documents no quota for mute rules; this bounds a partition's rules.
constexpr size_t kMaxMuteRules = 1000;

// Timezones this server evaluates schedules in: UTC under its names.
bool IsUtc(const std::string& zone) {
  return zone == "UTC" || zone == "Etc/UTC" || zone == "GMT" || zone == "Etc/GMT" ||
         zone == "Universal" || zone == "Etc/Universal" || zone == "Zulu" || zone == "Etc/Zulu";
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::optional<ApiError> StringMember(const json& object, std::string_view path, const char* name,
                                     bool required, size_t min_length, size_t max_length,
                                     std::optional<std::string>& out) {
  auto it = object.find(name);
  const std::string full = std::string(path) + "." + name;
  if (it == object.end() || it->is_null()) {
    if (required) return MissingParameter("The parameter " + full + " is required.");
    return std::nullopt;
  }
  if (!it->is_string()) return ApiError::Serialization("STRING_VALUE expected for member " + full);
  const std::string& v = it->get_ref<const std::string&>();
  if (v.size() < min_length || v.size() > max_length) {
    return InvalidParameterValue("The parameter " + full + " must be " +
                                 std::to_string(min_length) + " to " + std::to_string(max_length) +
                                 " characters long.");
  }
  out = v;
  return std::nullopt;
}

json Describe(const storage::Partition& p, const ResourceRecord& rec, int64_t now_ms) {
  json schedule = {{"Expression", rec.FieldOrEmpty("expression")},
                   {"Duration", rec.FieldOrEmpty("duration")}};
  if (const std::string* zone = rec.FindField("timezone")) schedule["Timezone"] = *zone;
  json out = {{"Name", rec.name}, {"AlarmMuteRuleArn", MuteRuleArn(p, rec.name)}};
  if (const std::string* d = rec.FindField("description")) out["Description"] = *d;
  out["Rule"] = {{"Schedule", std::move(schedule)}};
  json targets = json::parse(rec.FieldOrEmpty("targets"), nullptr, false);
  if (targets.is_array()) out["MuteTargets"] = {{"AlarmNames", std::move(targets)}};
  if (rec.FindField("start") != nullptr) out["StartDate"] = Seconds(rec.IntField("start"));
  if (rec.FindField("expire") != nullptr) out["ExpireDate"] = Seconds(rec.IntField("expire"));
  out["Status"] = MuteRuleStatus(rec, now_ms);
  out["LastUpdatedTimestamp"] = Seconds(rec.last_updated_ms);
  out["MuteType"] = rec.FieldOrEmpty("expression").rfind("at(", 0) == 0 ? "ONE_TIME" : "RECURRING";
  return out;
}

ApiError NoStore() { return InternalServiceFault("This server keeps no CloudWatch resources."); }

}  // namespace

ApiResult HandlePutAlarmMuteRule(const json& request, Context& ctx) {
  AlarmInput in(request);
  auto name = in.String("Name", true, 1, 255);
  auto description = in.String("Description", false, 0, 1024);
  auto start = in.TimestampMillis("StartDate");
  auto expire = in.TimestampMillis("ExpireDate");
  if (in.failed()) return in.error();
  const json* rule = in.Raw("Rule");
  if (rule == nullptr) return MissingParameter("The parameter Rule is required.");
  if (!rule->is_object()) return ApiError::Serialization("STRUCTURE_VALUE expected for Rule");
  auto schedule_it = rule->find("Schedule");
  if (schedule_it == rule->end() || schedule_it->is_null()) {
    return MissingParameter("The parameter Rule.Schedule is required.");
  }
  if (!schedule_it->is_object()) {
    return ApiError::Serialization("STRUCTURE_VALUE expected for Rule.Schedule");
  }
  std::optional<std::string> expression, duration, timezone;
  if (auto e = StringMember(*schedule_it, "Rule.Schedule", "Expression", true, 1, 256, expression))
    return *e;
  if (auto e = StringMember(*schedule_it, "Rule.Schedule", "Duration", true, 1, 50, duration))
    return *e;
  if (auto e = StringMember(*schedule_it, "Rule.Schedule", "Timezone", false, 1, 50, timezone))
    return *e;
  auto parsed = ParseMuteSchedule(*expression, *duration);
  if (auto* message = std::get_if<std::string>(&parsed)) return InvalidParameterValue(*message);
  const MuteSchedule& schedule = std::get<MuteSchedule>(parsed);
  if (timezone && !IsUtc(*timezone)) {
    return InvalidParameterValue("The parameter Rule.Schedule.Timezone " + *timezone +
                                 " is not supported by this server: only UTC is.");
  }
  // [unsure] AWS's providers document that a one-time rule takes no StartDate / ExpireDate
  // and that both fall on a whole minute.
  if (schedule.one_time && (start || expire)) {
    return InvalidParameterCombination(
        "StartDate and ExpireDate cannot be set for a rule with an at() expression.");
  }
  // Both fall on a whole minute [unsure, as above].
  if ((start && *start % 60'000 != 0) || (expire && *expire % 60'000 != 0)) {
    return InvalidParameterValue(std::string("The parameter ") +
                                 (start && *start % 60'000 != 0 ? "StartDate" : "ExpireDate") +
                                 " must be a whole minute (seconds 00).");
  }
  if (start && expire && *expire <= *start) {
    return InvalidParameterValue("The parameter ExpireDate must be later than StartDate.");
  }
  json targets;
  if (const json* mt = in.Raw("MuteTargets")) {
    if (!mt->is_object())
      return ApiError::Serialization("STRUCTURE_VALUE expected for MuteTargets");
    auto names_it = mt->find("AlarmNames");
    if (names_it == mt->end() || names_it->is_null()) {
      return MissingParameter("The parameter MuteTargets.AlarmNames is required.");
    }
    if (!names_it->is_array()) {
      return ApiError::Serialization("LIST_VALUE expected for member MuteTargets.AlarmNames");
    }
    if (names_it->size() > kMaxMuteTargets) {
      return ValidationError(
          "1 validation error detected: Value at 'muteTargets.alarmNames' failed to satisfy "
          "constraint: Member must have length less than or equal to 100");
    }
    targets = json::array();
    for (const auto& n : *names_it) {
      if (!n.is_string() || n.get_ref<const std::string&>().empty() ||
          n.get_ref<const std::string&>().size() > 255) {
        return InvalidParameterValue(
            "The parameter MuteTargets.AlarmNames must hold alarm names of 1 to 255 characters.");
      }
      if (std::find(targets.begin(), targets.end(), n) == targets.end()) targets.push_back(n);
    }
  }
  std::map<std::string, std::string> tags;
  if (const json* t = in.Raw("Tags")) {
    if (!t->is_array()) return ApiError::Serialization("LIST_VALUE expected for member Tags");
    auto read = ReadTagList(*t);
    if (auto* e = std::get_if<ApiError>(&read)) return *e;
    for (const auto& tag : std::get<json>(read)) {
      tags[tag["Key"].get<std::string>()] = tag["Value"].get<std::string>();
    }
    if (tags.size() > kMaxAlarmTags) {
      return InvalidParameterValue("The maximum number of tags (50) was exceeded.");
    }
  }
  if (ctx.resources == nullptr) return NoStore();
  storage::Status s =
      ctx.resources->Update(ctx.partition, ResourceKind::kAlarmMuteRule, *name,
                            ctx.clock.NowMillis(), storage::ResourceLimit{kMaxMuteRules, ""},
                            [&](const ResourceRecord* current, ResourceRecord* out) {
                              // An update replaces the configuration and keeps the tags
                              // (TagResource changes those). [unsure] whether Tags on an update are
                              // merged.
                              if (current != nullptr) {
                                out->tags = current->tags;
                                for (const auto& [k, v] : tags) out->tags[k] = v;
                              } else {
                                out->tags = tags;
                              }
                              out->fields.clear();
                              out->fields["expression"] = *expression;
                              out->fields["duration"] = *duration;
                              if (timezone) out->fields["timezone"] = *timezone;
                              if (description) out->fields["description"] = *description;
                              if (!targets.is_null()) out->fields["targets"] = targets.dump();
                              if (start) out->fields["start"] = std::to_string(*start);
                              if (expire) out->fields["expire"] = std::to_string(*expire);
                              return storage::Status::OK();
                            });
  if (!s.ok()) {
    if (s.code() == storage::Status::Code::kFailedPrecondition) {
      return ApiError{"LimitExceeded",
                      "The maximum number of alarm mute rules (" + std::to_string(kMaxMuteRules) +
                          ") has been reached.",
                      400};
    }
    return ServiceFault();
  }
  return json::object();
}

ApiResult HandleGetAlarmMuteRule(const json& request, Context& ctx) {
  AlarmInput in(request);
  auto name = in.String("AlarmMuteRuleName", true, 1, 255);
  if (in.failed()) return in.error();
  if (ctx.resources == nullptr) return NoStore();
  auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kAlarmMuteRule, *name);
  if (!rec.ok()) {
    if (rec.status().code() == storage::Status::Code::kNotFound) {
      // [unsure] AWS's message.
      return ApiError{"ResourceNotFoundException",
                      "The alarm mute rule " + *name + " does not exist.", 404};
    }
    return ServiceFault();
  }
  return Describe(ctx.partition, *rec, ctx.clock.NowMillis());
}

ApiResult HandleListAlarmMuteRules(const json& request, Context& ctx) {
  AlarmInput in(request);
  auto alarm = in.String("AlarmName", false, 1, 255);
  auto statuses = in.StringList("Statuses", 3, 1, 64);
  auto max = in.Integer("MaxRecords", false, 1);
  auto token = in.String("NextToken", false, 0, SIZE_MAX);
  if (in.failed()) return in.error();
  if (max && *max > kMaxListPage) {
    return ValidationError("1 validation error detected: Value '" + std::to_string(*max) +
                           "' at 'maxRecords' failed to satisfy constraint: Member must have "
                           "value less than or equal to 100");
  }
  if (statuses) {
    for (const auto& st : *statuses) {
      if (st != "SCHEDULED" && st != "ACTIVE" && st != "EXPIRED") {
        return ValidationError("1 validation error detected: Value '[" + st +
                               "]' at 'statuses' failed to satisfy constraint: Member must "
                               "satisfy constraint: [Member must satisfy enum value set: "
                               "[SCHEDULED, ACTIVE, EXPIRED]]");
      }
    }
  }
  const int64_t now = ctx.clock.NowMillis();
  ApiResult page = resources::ListResourcePage(
      ctx, ResourceKind::kAlarmMuteRule, "", kListToken, token, max.value_or(kDefaultListPage),
      "AlarmMuteRuleSummaries", [&](const ResourceRecord& rec) -> std::optional<json> {
        if (alarm) {
          json targets = json::parse(rec.FieldOrEmpty("targets"), nullptr, false);
          if (!targets.is_array() ||
              std::find(targets.begin(), targets.end(), json(*alarm)) == targets.end()) {
            return std::nullopt;
          }
        }
        json d = Describe(ctx.partition, rec, now);
        if (statuses && !statuses->empty() &&
            std::find(statuses->begin(), statuses->end(), d["Status"].get<std::string>()) ==
                statuses->end()) {
          return std::nullopt;
        }
        json summary = {{"AlarmMuteRuleArn", d["AlarmMuteRuleArn"]}};
        if (d.contains("ExpireDate")) summary["ExpireDate"] = d["ExpireDate"];
        summary["Status"] = d["Status"];
        summary["MuteType"] = d["MuteType"];
        summary["LastUpdatedTimestamp"] = d["LastUpdatedTimestamp"];
        return summary;
      });
  return page;
}

ApiResult HandleDeleteAlarmMuteRule(const json& request, Context& ctx) {
  AlarmInput in(request);
  auto name = in.String("AlarmMuteRuleName", true, 1, 255);
  if (in.failed()) return in.error();
  if (ctx.resources == nullptr) return NoStore();
  // Idempotent, as documented: deleting a rule that does not exist succeeds.
  storage::Status s = ctx.resources->Delete(ctx.partition, ResourceKind::kAlarmMuteRule, *name);
  if (!s.ok() && s.code() != storage::Status::Code::kNotFound) return ServiceFault();
  return json::object();
}

}  // namespace cwlogd::api::cloudwatch::alarms
