// The injected sink alarm actions are delivered to (the server wires it to SNS), and the AWS
// alarm notification it is given. Thread-safe: the publisher is called from the evaluator thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "storage/log_store.h"

namespace cwlogd::api::cloudwatch::alarms {

// What became of one action: accepted durably (the outbox entry is deleted and a Succeeded
// Action history item written), to be retried later with backoff, or failed for good (the entry
// is deleted and a Failed Action history item carries `error`, as AWS records an action whose
// target does not exist).
struct ActionOutcome {
  enum class Kind { kAccepted, kRetryLater, kFailed };
  Kind kind = Kind::kAccepted;
  std::string error;  // kFailed: the "Received error" text
};

// Publishes one alarm notification to `action_arn` (an SNS topic ARN). With no publisher set,
// actions stay pending in the outbox.
using AlarmActionPublisher =
    std::function<ActionOutcome(const storage::Partition& partition, std::string_view action_arn,
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
