// Stored alarm records (the DescribeAlarms MetricAlarm shape, JSON 1.0 form, plus internal
// members whose names start with '_'), their history items and outbox entries, and the one way
// a state changes (ChangeState: record + history + pending actions in one AlarmWrite).
// Alarm read-modify-writes are serialized by AlarmMutex(). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/alarm_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// Held around every read-modify-write of alarm records (handlers and the evaluator).
std::mutex& AlarmMutex();

std::string AlarmArn(const storage::Partition& p, std::string_view name);
double EpochSeconds(int64_t ms);
int64_t EpochMillis(const nlohmann::json& seconds);  // a stored timestamp member

// The record as DescribeAlarms shows it (internal members removed).
nlohmann::json PublicView(const nlohmann::json& record);
// The stored record of `name`, or nullopt (a record that does not parse counts as absent).
storage::Result<std::optional<nlohmann::json>> LoadAlarm(storage::AlarmStore& store,
                                                         const storage::Partition& p,
                                                         std::string_view name);

// What Put{Metric,Composite}Alarm keep: an update replaces the configuration of `record` but
// keeps the state of `old` (its suppression too, for a composite alarm) and its tags; a new
// alarm starts INSUFFICIENT_DATA at `now_ms` with `tags`.
void KeepStateAndTags(const nlohmann::json& old, nlohmann::json& record);
void SetInitialState(nlohmann::json& record, int64_t now_ms, nlohmann::json tags);

// A history item (stored as the DescribeAlarmHistory AlarmHistoryItem shape).
storage::AlarmWrite::HistoryItem HistoryItem(std::string_view alarm_name,
                                             std::string_view alarm_type, int64_t timestamp_ms,
                                             std::string_view type, std::string summary,
                                             std::string data);

// Moves `record` to `new_state` at `now_ms` and adds to `write`: the updated record, the
// StateUpdate history item and, when actions are enabled, one outbox entry per action of the
// new state (none when the state is unchanged). With `held_actions`, the entries go there
// instead of the outbox: a composite alarm's actions that its suppressor may hold back.
// `reason_data` is the StateReasonData object (null = none).
void ChangeState(const storage::Partition& p, nlohmann::json& record, std::string_view new_state,
                 const std::string& reason, const nlohmann::ordered_json& reason_data,
                 int64_t now_ms, storage::AlarmWrite& write,
                 std::vector<std::string>* held_actions = nullptr);

}  // namespace cwlogd::api::cloudwatch::alarms
