// TagResource, UntagResource and ListTagsForResource for alarm ARNs and alarm mute rule ARNs.
#include <functional>
#include <map>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/alarms/mute_rules.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;

ApiError ResourceNotFound() {
  return {"ResourceNotFoundException", "The specified resource does not exist.", 404};
}

// The alarm name of `arn` when it names an alarm of this partition.
std::optional<std::string> AlarmNameOf(const storage::Partition& p, const std::string& arn) {
  const std::string prefix = AlarmArn(p, "");
  if (arn.size() <= prefix.size() || arn.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  return arn.substr(prefix.size());
}

// Reads the ARN and loads its alarm (under AlarmMutex, held by the caller).
std::variant<std::pair<std::string, json>, ApiError> LoadTagged(AlarmInput& in, Context& ctx) {
  auto arn = in.String("ResourceARN", true, 1, 1024);
  if (in.failed()) return in.error();
  auto name = AlarmNameOf(ctx.partition, *arn);
  if (!name) return ResourceNotFound();
  auto record = LoadAlarm(*ctx.alarms, ctx.partition, *name);
  if (!record.ok()) return ServiceFault();
  if (!record->has_value()) return ResourceNotFound();
  return std::make_pair(*name, std::move(**record));
}

// The mute rule name of the request's ResourceARN when it names one of this partition.
std::optional<std::string> MuteRuleNameOf(const json& request, const storage::Partition& p) {
  auto it = request.find("ResourceARN");
  if (it == request.end() || !it->is_string()) return std::nullopt;
  const std::string& arn = it->get_ref<const std::string&>();
  const std::string prefix = MuteRuleArn(p, "");
  if (arn.size() <= prefix.size() || arn.size() > 1024 || arn.compare(0, prefix.size(), prefix)) {
    return std::nullopt;
  }
  return arn.substr(prefix.size());
}

json TagList(const std::map<std::string, std::string>& tags) {
  json out = json::array();
  for (const auto& [k, v] : tags) out.push_back({{"Key", k}, {"Value", v}});
  return out;
}

// Changes the tags of mute rule `name`; ResourceNotFoundException when there is none.
ApiResult EditMuteRuleTags(Context& ctx, const std::string& name,
                           const std::function<void(std::map<std::string, std::string>&)>& edit) {
  if (ctx.resources == nullptr) return ServiceFault();
  bool too_many = false;
  storage::Status s = ctx.resources->Update(
      ctx.partition, storage::ResourceKind::kAlarmMuteRule, name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        edit(out->tags);
        too_many = out->tags.size() > kMaxAlarmTags;
        // Refused without a write: any non-ok status leaves the record as it was.
        return too_many ? storage::Status::NotFound(storage::Status::Resource::kResource)
                        : storage::Status::OK();
      });
  if (too_many) return InvalidParameterValue("The maximum number of tags (50) was exceeded.");
  if (s.code() == storage::Status::Code::kNotFound) return ResourceNotFound();
  if (!s.ok()) return ServiceFault();
  return json::object();
}

}  // namespace

ApiResult HandleListTagsForResource(const json& request, Context& ctx) {
  if (auto rule = MuteRuleNameOf(request, ctx.partition)) {
    if (ctx.resources == nullptr) return ServiceFault();
    auto rec = ctx.resources->Get(ctx.partition, storage::ResourceKind::kAlarmMuteRule, *rule);
    if (!rec.ok()) {
      return rec.status().code() == storage::Status::Code::kNotFound ? ResourceNotFound()
                                                                     : ServiceFault();
    }
    return json{{"Tags", TagList(rec->tags)}};
  }
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto loaded = LoadTagged(in, ctx);
  if (auto* e = std::get_if<ApiError>(&loaded)) return *e;
  const json& record = std::get<0>(loaded).second;
  return json{{"Tags", record.value("_Tags", json::array())}};
}

ApiResult HandleTagResource(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  const json* tags = in.Raw("Tags");
  if (tags == nullptr) return MissingParameter("The parameter Tags is required.");
  if (!tags->is_array()) return ApiError::Serialization("LIST_VALUE expected for member Tags");
  auto read = ReadTagList(*tags);
  if (auto* e = std::get_if<ApiError>(&read)) return *e;
  const json& new_tags = std::get<json>(read);
  if (auto rule = MuteRuleNameOf(request, ctx.partition)) {
    return EditMuteRuleTags(ctx, *rule, [&](std::map<std::string, std::string>& rule_tags) {
      for (const auto& tag : new_tags) {
        rule_tags[tag["Key"].get<std::string>()] = tag["Value"].get<std::string>();
      }
    });
  }
  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto loaded = LoadTagged(in, ctx);
  if (auto* e = std::get_if<ApiError>(&loaded)) return *e;
  auto& [name, record] = std::get<0>(loaded);
  json current = record.value("_Tags", json::array());
  for (const auto& tag : new_tags) {
    bool replaced = false;
    for (auto& existing : current) {
      if (existing.value("Key", json()) == tag["Key"]) {
        existing["Value"] = tag["Value"];
        replaced = true;
      }
    }
    if (!replaced) current.push_back(tag);
  }
  if (current.size() > kMaxAlarmTags) {
    return InvalidParameterValue("The maximum number of tags (50) was exceeded.");
  }
  record["_Tags"] = std::move(current);
  storage::AlarmWrite write;
  write.put_alarms.push_back({name, record.dump()});
  if (!ctx.alarms->Write(ctx.partition, write).ok()) return ServiceFault();
  return json::object();
}

ApiResult HandleUntagResource(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto keys = in.StringList("TagKeys", 50, 1, 128);
  if (in.failed()) return in.error();
  if (in.Raw("TagKeys") == nullptr) return MissingParameter("The parameter TagKeys is required.");
  if (auto rule = MuteRuleNameOf(request, ctx.partition)) {
    return EditMuteRuleTags(ctx, *rule, [&](std::map<std::string, std::string>& tags) {
      for (const auto& key : *keys) tags.erase(key);
    });
  }
  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto loaded = LoadTagged(in, ctx);
  if (auto* e = std::get_if<ApiError>(&loaded)) return *e;
  auto& [name, record] = std::get<0>(loaded);
  json kept = json::array();
  for (const auto& tag : record.value("_Tags", json::array())) {
    const std::string key = tag.value("Key", "");
    if (std::find(keys->begin(), keys->end(), key) == keys->end()) kept.push_back(tag);
  }
  record["_Tags"] = std::move(kept);
  storage::AlarmWrite write;
  write.put_alarms.push_back({name, record.dump()});
  if (!ctx.alarms->Write(ctx.partition, write).ok()) return ServiceFault();
  return json::object();
}

}  // namespace cwlogd::api::cloudwatch::alarms
