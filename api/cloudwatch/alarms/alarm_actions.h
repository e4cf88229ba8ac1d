// The injected sink alarm actions are delivered to (the server wires it to SNS), and the AWS
// alarm notification it is given. Thread-safe: the publisher is called from the evaluator thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/log_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// Publishes one alarm notification to `action_arn` (an SNS topic ARN). Returns true when the
// message was accepted durably (the outbox entry is then deleted); false to retry later with
// backoff. With no publisher set, actions stay pending in the outbox.
using AlarmActionPublisher =
    std::function<bool(const storage::Partition& partition, std::string_view action_arn,
                       std::string_view subject, std::string_view message_json)>;

// "US East (N. Virginia)" for "us-east-1"; CloudWatch's display names (the region code itself
// when unknown).
std::string RegionDisplayName(std::string_view region);

// `ALARM: "<name>" in US East (N. Virginia)`.
std::string NotificationSubject(std::string_view state, std::string_view alarm_name,
                                std::string_view region);

// AWS's alarm notification JSON (keys in AWS's order) for a metric alarm `record` (the stored
// record, DescribeAlarms shape) that moved from `old_state` to its current state.
nlohmann::ordered_json NotificationMessage(const nlohmann::json& record,
                                           const storage::Partition& partition,
                                           std::string_view old_state);

}  // namespace cwlogd::api::cloudwatch::alarms
