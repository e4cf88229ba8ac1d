// CloudWatch alarm operations (docs/alarms.md), served through api/cloudwatch's dispatch table
// in the three CloudWatch protocols. Context::alarms must be set. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/cloudwatch/cloudwatch_api.h"

namespace cwlogd::api::cloudwatch::alarms {

ApiResult HandlePutMetricAlarm(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutCompositeAlarm(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAlarms(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAlarmsForMetric(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAlarmHistory(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAlarmContributors(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteAlarms(const nlohmann::json& request, Context& ctx);
ApiResult HandleSetAlarmState(const nlohmann::json& request, Context& ctx);
ApiResult HandleEnableAlarmActions(const nlohmann::json& request, Context& ctx);
ApiResult HandleDisableAlarmActions(const nlohmann::json& request, Context& ctx);
ApiResult HandleListTagsForResource(const nlohmann::json& request, Context& ctx);
ApiResult HandleTagResource(const nlohmann::json& request, Context& ctx);
ApiResult HandleUntagResource(const nlohmann::json& request, Context& ctx);
// Alarm mute rules (mute_rule_handlers.cpp): Context::resources must be set as well.
ApiResult HandlePutAlarmMuteRule(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetAlarmMuteRule(const nlohmann::json& request, Context& ctx);
ApiResult HandleListAlarmMuteRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteAlarmMuteRule(const nlohmann::json& request, Context& ctx);

// Limits (CloudWatch API reference).
inline constexpr size_t kMaxActionsPerState = 5;
inline constexpr size_t kMaxAlarmNamesPerCall = 100;
inline constexpr int64_t kDefaultDescribePageSize = 50;
inline constexpr int64_t kMaxDescribePageSize = 100;
inline constexpr size_t kMaxAlarmTags = 50;

}  // namespace cwlogd::api::cloudwatch::alarms
