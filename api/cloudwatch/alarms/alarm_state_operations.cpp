// DeleteAlarms, SetAlarmState, EnableAlarmActions and DisableAlarmActions.
#include <set>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/alarms/composite_alarms.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ApiResult SetActionsEnabled(const json& request, Context& ctx, bool enabled) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto names = in.StringList("AlarmNames", kMaxAlarmNamesPerCall, 1, 255);
  if (in.failed()) return in.error();
  if (in.Raw("AlarmNames") == nullptr) {
    return MissingParameter("The parameter AlarmNames is required.");
  }
  std::lock_guard<std::mutex> lock(AlarmMutex());
  storage::AlarmWrite write;
  for (const auto& name : *names) {
    auto record = LoadAlarm(*ctx.alarms, ctx.partition, name);
    if (!record.ok()) return ServiceFault();
    if (!record->has_value()) continue;  // unknown names are ignored, as AWS does
    json& r = **record;
    r["ActionsEnabled"] = enabled;
    write.put_alarms.push_back({name, r.dump()});
  }
  if (!ctx.alarms->Write(ctx.partition, write).ok()) return ServiceFault();
  return json::object();
}

}  // namespace

ApiResult HandleDeleteAlarms(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto names = in.StringList("AlarmNames", kMaxAlarmNamesPerCall, 1, 255);
  if (in.failed()) return in.error();
  if (in.Raw("AlarmNames") == nullptr) {
    return MissingParameter("The parameter AlarmNames is required.");
  }
  const int64_t now = ctx.clock.NowMillis();
  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto alarms = LoadPartitionAlarms(*ctx.alarms, ctx.partition);
  if (!alarms.ok()) return ServiceFault();
  const std::set<std::string> deleting(names->begin(), names->end());
  for (const auto& name : *names) {
    if (!alarms->contains(name)) return AlarmNotFound("The alarm " + name + " does not exist.");
  }
  // An alarm that a composite alarm (not deleted in the same call) names stays.
  std::set<std::string> depended_on;
  for (const auto& [parent, record] : *alarms) {
    if (deleting.contains(parent)) continue;
    for (const auto& child : CompositeChildren(ctx.partition, record)) {
      if (deleting.contains(child)) depended_on.insert(child);
    }
  }
  if (!depended_on.empty()) {
    std::string list;
    for (const auto& name : depended_on) list += (list.empty() ? "" : ",") + name;
    return ValidationError("Cannot delete " + list +
                           " as there are composite alarm(s) depending on " +
                           (depended_on.size() == 1 ? "it." : "them."));
  }
  storage::AlarmWrite write;
  for (const auto& name : *names) {
    const json& record = alarms->at(name);
    ordered_json data;
    data["version"] = "1.0";
    data["type"] = "Delete";
    write.delete_alarms.push_back(name);
    write.history.push_back(HistoryItem(name, record.value("_Type", "MetricAlarm"), now,
                                        "ConfigurationUpdate", "Alarm \"" + name + "\" deleted",
                                        data.dump()));
  }
  // Actions already pending for a deleted alarm's past transitions are still delivered.
  if (!ctx.alarms->Write(ctx.partition, write).ok()) return ServiceFault();
  return json::object();
}

ApiResult HandleSetAlarmState(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto name = in.String("AlarmName", true, 1, 255);
  auto state = in.Enum("StateValue", true, {"INSUFFICIENT_DATA", "ALARM", "OK"});
  auto reason = in.String("StateReason", true, 0, 1023);
  auto reason_data = in.String("StateReasonData", false, 0, 4000);
  if (in.failed()) return in.error();
  ordered_json data;  // null = none
  if (reason_data) {
    data = ordered_json::parse(*reason_data, nullptr, false);
    if (data.is_discarded()) {
      return ApiError{"InvalidFormatFault", "StateReasonData must be valid JSON.", 400};
    }
  }
  const int64_t now = ctx.clock.NowMillis();
  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto record = LoadAlarm(*ctx.alarms, ctx.partition, *name);
  if (!record.ok()) return ServiceFault();
  if (!record->has_value()) return AlarmNotFound();
  storage::AlarmWrite write;
  ChangeState(ctx.partition, **record, *state, *reason, data, now, write);
  if (!ctx.alarms->Write(ctx.partition, write).ok()) return ServiceFault();
  // The composite alarms that name it follow at once.
  if (!SettleCompositeAlarms(*ctx.alarms, ctx.partition, now).ok()) return ServiceFault();
  return json::object();
}

ApiResult HandleEnableAlarmActions(const json& request, Context& ctx) {
  return SetActionsEnabled(request, ctx, true);
}

ApiResult HandleDisableAlarmActions(const json& request, Context& ctx) {
  return SetActionsEnabled(request, ctx, false);
}

}  // namespace cwlogd::api::cloudwatch::alarms
