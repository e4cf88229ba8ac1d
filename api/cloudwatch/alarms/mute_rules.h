// Alarm mute rules (PutAlarmMuteRule, GetAlarmMuteRule, ListAlarmMuteRules,
// DeleteAlarmMuteRule; docs/alarms.md): named schedules, kept in the ResourceStore (kind
// kAlarmMuteRule), during whose windows the actions of the alarms they target are held back.
// The schedule functions are pure; MuteWindowEnd reads the store. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "storage/log_store.h"
#include "storage/resource_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// A parsed Rule.Schedule: at(...) (one time) or a five-field cron(...) (recurring), in UTC.
struct MuteSchedule {
  bool one_time = false;
  int64_t at_ms = 0;  // one_time: when the window opens
  // Recurring: allowed values as bit masks (minute 0-59, hour 0-23, day of month 1-31,
  // month 1-12, day of week 0-6 with 0 = Sunday).
  uint64_t minutes = 0;
  uint32_t hours = 0;
  uint32_t days_of_month = 0;
  uint32_t months = 0;
  uint32_t days_of_week = 0;
  bool any_day_of_month = true;
  bool any_day_of_week = true;
  int64_t duration_ms = 0;
};

// The schedule of `expression` and `duration`, or the InvalidParameterValue message.
std::variant<MuteSchedule, std::string> ParseMuteSchedule(std::string_view expression,
                                                          std::string_view duration);

// When the window of `schedule` that holds `now_ms` closes, or nullopt when no window holds it.
std::optional<int64_t> OpenWindowEnd(const MuteSchedule& s, int64_t now_ms);

// SCHEDULED, ACTIVE or EXPIRED for a stored rule at `now_ms` (EXPIRED for a record that does
// not parse).
std::string MuteRuleStatus(const storage::ResourceRecord& rule, int64_t now_ms);

// The latest end of the ACTIVE windows of the partition's mute rules that target `alarm_name`
// at `now_ms`, or nullopt when none mutes it (or the store cannot be read).
std::optional<int64_t> MuteWindowEnd(storage::ResourceStore& store, const storage::Partition& p,
                                     std::string_view alarm_name, int64_t now_ms);

std::string MuteRuleArn(const storage::Partition& p, std::string_view name);

}  // namespace cwlogd::api::cloudwatch::alarms
