#include "api/cloudwatch/alarms/alarm_record.h"

#include <cmath>

#include "api/cloudwatch/alarms/alarm_actions.h"
#include "api/cloudwatch/alarms/alarm_evaluation.h"

namespace cwlogd::api::cloudwatch::alarms {

using nlohmann::json;
using nlohmann::ordered_json;

std::mutex& AlarmMutex() {
  static std::mutex mu;
  return mu;
}

std::string AlarmArn(const storage::Partition& p, std::string_view name) {
  return "arn:aws:cloudwatch:" + p.region + ":" + p.account + ":alarm:" + std::string(name);
}

double EpochSeconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

void KeepStateAndTags(const json& old, json& record) {
  for (const char* key : {"StateValue", "StateReason", "StateReasonData", "StateUpdatedTimestamp",
                          "StateTransitionedTimestamp", "ActionsSuppressedBy",
                          "ActionsSuppressedReason", "_HeldActions", "_HeldUntilMs", "_Tags"}) {
    if (old.contains(key)) record[key] = old[key];
  }
}

void SetInitialState(json& record, int64_t now_ms, json tags) {
  record["StateValue"] = "INSUFFICIENT_DATA";
  record["StateReason"] = "Unchecked: Initial alarm creation";
  record["StateUpdatedTimestamp"] = EpochSeconds(now_ms);
  record["StateTransitionedTimestamp"] = EpochSeconds(now_ms);
  record["_Tags"] = std::move(tags);
}

int64_t EpochMillis(const json& seconds) {
  if (!seconds.is_number()) return 0;
  return static_cast<int64_t>(std::llround(seconds.get<double>() * 1000.0));
}

json PublicView(const json& record) {
  json out = json::object();
  for (const auto& [key, value] : record.items()) {
    if (!key.empty() && key[0] != '_') out[key] = value;
  }
  return out;
}

storage::Result<std::optional<json>> LoadAlarm(storage::AlarmStore& store,
                                               const storage::Partition& p, std::string_view name) {
  auto raw = store.GetAlarm(p, name);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<json>();
  json record = json::parse(**raw, nullptr, false);
  if (record.is_discarded() || !record.is_object()) return std::optional<json>();
  return std::optional<json>(std::move(record));
}

storage::AlarmWrite::HistoryItem HistoryItem(std::string_view alarm_name,
                                             std::string_view alarm_type, int64_t timestamp_ms,
                                             std::string_view type, std::string summary,
                                             std::string data) {
  ordered_json item;
  item["AlarmName"] = alarm_name;
  item["AlarmType"] = alarm_type;
  item["Timestamp"] = EpochSeconds(timestamp_ms);
  item["HistoryItemType"] = type;
  item["HistorySummary"] = std::move(summary);
  item["HistoryData"] = std::move(data);
  return {timestamp_ms, item.dump()};
}

namespace {

ordered_json StateJson(const json& record) {
  ordered_json state;
  state["stateValue"] = record.value("StateValue", "INSUFFICIENT_DATA");
  state["stateReason"] = record.value("StateReason", "");
  if (record.contains("StateReasonData") && record["StateReasonData"].is_string()) {
    ordered_json data =
        ordered_json::parse(record["StateReasonData"].get<std::string>(), nullptr, false);
    if (!data.is_discarded()) state["stateReasonData"] = std::move(data);
  }
  return state;
}

std::string_view ActionsMember(std::string_view state) {
  if (state == "ALARM") return "AlarmActions";
  if (state == "OK") return "OKActions";
  return "InsufficientDataActions";
}

}  // namespace

void ChangeState(const storage::Partition& p, json& record, std::string_view new_state,
                 const std::string& reason, const ordered_json& reason_data, int64_t now_ms,
                 storage::AlarmWrite& write, std::vector<std::string>* held_actions) {
  const std::string name = record.value("AlarmName", "");
  const std::string old_state = record.value("StateValue", "INSUFFICIENT_DATA");
  ordered_json history;
  history["version"] = "1.0";
  history["oldState"] = StateJson(record);

  record["StateValue"] = new_state;
  record["StateReason"] = reason;
  if (reason_data.is_null()) {
    record.erase("StateReasonData");
  } else {
    record["StateReasonData"] = reason_data.dump();
  }
  record["StateUpdatedTimestamp"] = EpochSeconds(now_ms);
  const bool transition = old_state != new_state;
  if (transition) record["StateTransitionedTimestamp"] = EpochSeconds(now_ms);
  history["newState"] = StateJson(record);

  write.put_alarms.push_back({name, record.dump()});
  write.history.push_back(HistoryItem(
      name, record.value("_Type", "MetricAlarm"), now_ms, "StateUpdate",
      "Alarm updated from " + old_state + " to " + std::string(new_state), history.dump()));
  if (!transition || !record.value("ActionsEnabled", true)) return;
  const json& actions = record.value(std::string(ActionsMember(new_state)), json::array());
  if (!actions.is_array() || actions.empty()) return;
  const std::string subject = NotificationSubject(new_state, name, p.region);
  const std::string message = NotificationMessage(record, p, old_state).dump();
  for (const auto& action : actions) {
    if (!action.is_string()) continue;
    ordered_json entry;
    entry["AlarmName"] = name;
    entry["AlarmType"] = record.value("_Type", "MetricAlarm");
    entry["ActionArn"] = action;
    entry["Subject"] = subject;
    entry["Message"] = message;
    entry["StateUpdateMs"] = now_ms;
    entry["StateValue"] = new_state;  // a muted action runs later only in this state
    entry["Attempts"] = 0;
    entry["NextAttemptMs"] = 0;
    if (held_actions != nullptr) {
      held_actions->push_back(entry.dump());
    } else {
      write.outbox.push_back({"", entry.dump()});
    }
  }
}

}  // namespace cwlogd::api::cloudwatch::alarms
