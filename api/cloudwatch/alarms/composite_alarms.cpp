#include "api/cloudwatch/alarms/composite_alarms.h"

#include <variant>

#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/alarm_rule.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Enough for composites nested this deep to settle in one call; a cycle stops here.
constexpr int kMaxSettlePasses = 8;

bool IsComposite(const json& record) { return record.value("_Type", "") == "CompositeAlarm"; }

// The child whose state changed last: the one a transition of the composite is ascribed to.
const json* LatestChild(const std::vector<std::string>& children,
                        const std::map<std::string, json>& alarms) {
  const json* latest = nullptr;
  int64_t latest_ms = INT64_MIN;
  for (const auto& name : children) {
    auto it = alarms.find(name);
    if (it == alarms.end()) continue;
    const int64_t ms = EpochMillis(it->second.value("StateUpdatedTimestamp", json(0)));
    if (ms >= latest_ms) {
      latest_ms = ms;
      latest = &it->second;
    }
  }
  return latest;
}

// Action suppression (docs/alarms.md). The actions of a composite's transition are held in its
// record ("_HeldActions": outbox entries) while its ActionsSuppressor alarm is in ALARM, during
// the WaitPeriod after the transition (time for the suppressor to follow) and during the
// ExtensionPeriod after the suppressor left ALARM. They go out when the hold ends; a newer
// transition replaces them. Deadlines ("_HeldUntilMs") are checked when the partition's
// composites settle, at least once a minute while one is pending (AlarmEvaluator).

bool SuppressorInAlarm(const storage::Partition& p, const json& record,
                       const std::map<std::string, json>& alarms) {
  auto name = ChildAlarmName(p, record.value("ActionsSuppressor", ""));
  if (!name) return false;
  auto it = alarms.find(*name);
  return it != alarms.end() && it->second.value("StateValue", "") == "ALARM";
}

int64_t PeriodMs(const json& record, const char* member) {
  const json& seconds = record.value(member, json(60));
  return seconds.is_number_integer() ? seconds.get<int64_t>() * 1000 : 60'000;
}

void SetSuppression(json& record, std::string_view by, std::string reason, int64_t until_ms) {
  record["ActionsSuppressedBy"] = by;
  record["ActionsSuppressedReason"] = std::move(reason);
  if (until_ms > 0) {
    record["_HeldUntilMs"] = until_ms;
  } else {
    record.erase("_HeldUntilMs");
  }
}

void Release(json& record, storage::AlarmWrite& write) {
  for (const json& entry : record.value("_HeldActions", json::array())) {
    if (entry.is_string()) write.outbox.push_back({"", entry.get<std::string>()});
  }
  record.erase("_HeldActions");
  SetSuppression(record, "None", "", 0);
}

// After a transition: holds its actions or sends them.
void HoldOrSend(const storage::Partition& p, json& record, const std::vector<std::string>& actions,
                const std::map<std::string, json>& alarms, int64_t now_ms,
                storage::AlarmWrite& write) {
  const std::string suppressor = record.value("ActionsSuppressor", "");
  record["_HeldActions"] = actions;
  if (suppressor.empty()) {
    Release(record, write);
  } else if (SuppressorInAlarm(p, record, alarms)) {
    SetSuppression(record, "Alarm", "Alarm " + suppressor + " is in ALARM state", 0);
  } else if (const int64_t wait = PeriodMs(record, "ActionsSuppressorWaitPeriod"); wait > 0) {
    // [unsure] AWS's reason text for the two periods is not documented.
    SetSuppression(record, "WaitPeriod",
                   "Waiting for alarm " + suppressor + " to go into ALARM state", now_ms + wait);
  } else {
    Release(record, write);
  }
}

// Moves a hold along as the suppressor's state and the clock change; true if `record` changed.
bool AdvanceHold(const storage::Partition& p, json& record,
                 const std::map<std::string, json>& alarms, int64_t now_ms,
                 storage::AlarmWrite& write) {
  const std::string by = record.value("ActionsSuppressedBy", "None");
  if (by == "None" || !record.contains("_HeldActions")) return false;
  const std::string suppressor = record.value("ActionsSuppressor", "");
  if (SuppressorInAlarm(p, record, alarms)) {
    if (by == "Alarm") return false;
    SetSuppression(record, "Alarm", "Alarm " + suppressor + " is in ALARM state", 0);
    return true;
  }
  if (by == "Alarm") {
    if (const int64_t extension = PeriodMs(record, "ActionsSuppressorExtensionPeriod");
        extension > 0) {
      SetSuppression(record, "ExtensionPeriod",
                     "Alarm " + suppressor + " left ALARM state; extension period running",
                     now_ms + extension);
    } else {
      Release(record, write);
    }
    return true;
  }
  if (now_ms < record.value("_HeldUntilMs", int64_t{0})) return false;
  Release(record, write);
  return true;
}

}  // namespace

storage::Result<std::map<std::string, json>> LoadPartitionAlarms(storage::AlarmStore& store,
                                                                 const storage::Partition& p) {
  std::map<std::string, json> alarms;
  storage::Status s =
      store.ListAlarms(p, "", "", [&](const std::string& name, const std::string& value) {
        json record = json::parse(value, nullptr, false);
        if (!record.is_discarded() && record.is_object()) alarms.emplace(name, std::move(record));
        return true;
      });
  if (!s.ok()) return s;
  return alarms;
}

std::optional<std::string> ChildAlarmName(const storage::Partition& p, std::string_view child) {
  if (!child.starts_with("arn:")) return std::string(child);
  const std::string prefix = AlarmArn(p, "");
  if (!child.starts_with(prefix) || child.size() == prefix.size()) return std::nullopt;
  return std::string(child.substr(prefix.size()));
}

std::vector<std::string> CompositeChildren(const storage::Partition& p, const json& record) {
  std::vector<std::string> names;
  if (!IsComposite(record)) return names;
  auto rule = AlarmRule::Parse(record.value("AlarmRule", ""));
  if (auto* parsed = std::get_if<AlarmRule>(&rule)) {
    for (const auto& child : parsed->Children()) {
      if (auto name = ChildAlarmName(p, child)) names.push_back(std::move(*name));
    }
  }
  return names;
}

void SettleCompositeAlarms(const storage::Partition& p, int64_t now_ms,
                           std::map<std::string, json>& alarms, storage::AlarmWrite& write) {
  for (int pass = 0; pass < kMaxSettlePasses; ++pass) {
    bool changed = false;
    for (auto& [name, record] : alarms) {
      if (!IsComposite(record)) continue;
      auto rule = AlarmRule::Parse(record.value("AlarmRule", ""));
      auto* parsed = std::get_if<AlarmRule>(&rule);
      if (parsed == nullptr) continue;
      const bool fires = parsed->Evaluate([&](const std::string& child) {
        std::optional<AlarmState> state;
        if (auto child_name = ChildAlarmName(p, child)) {
          auto it = alarms.find(*child_name);
          if (it != alarms.end()) state = ParseState(it->second.value("StateValue", ""));
        }
        return state;
      });
      const std::string_view new_state = fires ? "ALARM" : "OK";
      if (record.value("StateValue", "") == new_state) continue;
      // StateReason and StateReasonData name the child that changed last [unsure: AWS's exact
      // wording is not documented].
      std::vector<std::string> children = CompositeChildren(p, record);
      std::string reason = "Composite alarm rule evaluated to " + std::string(new_state);
      ordered_json data;
      if (const json* child = LatestChild(children, alarms)) {
        const std::string child_state = child->value("StateValue", "");
        const std::string when =
            AwsTimestamp(EpochMillis(child->value("StateUpdatedTimestamp", json(0))));
        reason = child->value("AlarmArn", "");
        reason += " transitioned to " + child_state;
        reason += " at " + when;
        ordered_json trigger;
        trigger["arn"] = child->value("AlarmArn", "");
        trigger["state"] = {{"value", child_state}, {"timestamp", when}};
        data["triggeringAlarms"] = ordered_json::array({trigger});
      }
      std::vector<std::string> actions;
      ChangeState(p, record, new_state, reason, data, now_ms, write, &actions);
      HoldOrSend(p, record, actions, alarms, now_ms, write);
      write.put_alarms.push_back({name, record.dump()});  // replaces ChangeState's put
      changed = true;
    }
    if (!changed) break;
  }
  for (auto& [name, record] : alarms) {
    if (IsComposite(record) && AdvanceHold(p, record, alarms, now_ms, write)) {
      write.put_alarms.push_back({name, record.dump()});
    }
  }
}

bool HoldsActionsDue(const json& record, int64_t now_ms) {
  return IsComposite(record) && record.contains("_HeldUntilMs") &&
         record.value("_HeldUntilMs", int64_t{0}) <= now_ms;
}

storage::Status SettleCompositeAlarms(storage::AlarmStore& store, const storage::Partition& p,
                                      int64_t now_ms) {
  auto alarms = LoadPartitionAlarms(store, p);
  if (!alarms.ok()) return alarms.status();
  storage::AlarmWrite write;
  SettleCompositeAlarms(p, now_ms, *alarms, write);
  return store.Write(p, write);
}

}  // namespace cwlogd::api::cloudwatch::alarms
