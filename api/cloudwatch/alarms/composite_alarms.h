// Composite alarms (docs/alarms.md): their state follows their AlarmRule over the current states
// of the alarms it names. The rule is re-evaluated whenever a state of the partition may have
// changed (PutCompositeAlarm, SetAlarmState, a metric alarm's transition), not on a timer.
// Callers hold AlarmMutex(). Thread-safe under that lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/alarm_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// Every alarm record of `p` by name (records that do not parse are left out).
storage::Result<std::map<std::string, nlohmann::json>> LoadPartitionAlarms(
    storage::AlarmStore& store, const storage::Partition& p);

// The alarm name a rule's child names: the name itself, or the name in an alarm ARN of `p`;
// nullopt for an ARN of another account or region.
std::optional<std::string> ChildAlarmName(const storage::Partition& p, std::string_view child);

// The alarm names a composite record's rule names (empty when it is no composite or its rule
// does not parse).
std::vector<std::string> CompositeChildren(const storage::Partition& p,
                                           const nlohmann::json& record);

// Re-evaluates every composite alarm of `p` against `alarms` (LoadPartitionAlarms; updated in
// place) and adds each transition to `write`, holding or sending the actions of each as its
// ActionsSuppressor decides. Several passes, so that a composite of composites
// settles in the same call; a cycle stops after the pass limit.
void SettleCompositeAlarms(const storage::Partition& p, int64_t now_ms,
                           std::map<std::string, nlohmann::json>& alarms,
                           storage::AlarmWrite& write);

// A composite alarm whose held actions' WaitPeriod or ExtensionPeriod has ended by `now_ms`:
// settling its partition sends them.
bool HoldsActionsDue(const nlohmann::json& record, int64_t now_ms);

// LoadPartitionAlarms + SettleCompositeAlarms + one write: for callers that changed a state.
storage::Status SettleCompositeAlarms(storage::AlarmStore& store, const storage::Partition& p,
                                      int64_t now_ms);

}  // namespace cwlogd::api::cloudwatch::alarms
