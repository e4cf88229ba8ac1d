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

// Actions are held back while the composite's ActionsSuppressor alarm is in ALARM.
bool Suppressed(json& record, const std::map<std::string, json>& alarms) {
  const std::string suppressor = record.value("ActionsSuppressor", "");
  bool suppressed = false;
  if (!suppressor.empty()) {
    auto it = alarms.find(suppressor);
    suppressed = it != alarms.end() && it->second.value("StateValue", "") == "ALARM";
  }
  if (suppressed) {
    record["ActionsSuppressedBy"] = "Alarm";
    record["ActionsSuppressedReason"] = "Alarm " + suppressor + " is in ALARM state";
  } else {
    record["ActionsSuppressedBy"] = "None";
    record["ActionsSuppressedReason"] = "";
  }
  return suppressed;
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
      const bool suppressed = Suppressed(record, alarms);
      ChangeState(p, record, new_state, reason, data, now_ms, write, !suppressed);
      changed = true;
    }
    if (!changed) return;
  }
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
