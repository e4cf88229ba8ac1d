#include "api/cloudwatch/alarms/alarm_actions.h"

#include <utility>

#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/alarms/alarm_record.h"

namespace cwlogd::api::cloudwatch::alarms {

using nlohmann::json;
using nlohmann::ordered_json;

std::string RegionDisplayName(std::string_view region) {
  // CloudWatch keeps the older "EU (...)" names in alarm messages (docs/alarms.md).
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"us-east-1", "US East (N. Virginia)"},
      {"us-east-2", "US East (Ohio)"},
      {"us-west-1", "US West (N. California)"},
      {"us-west-2", "US West (Oregon)"},
      {"ca-central-1", "Canada (Central)"},
      {"sa-east-1", "South America (Sao Paulo)"},
      {"eu-west-1", "EU (Ireland)"},
      {"eu-west-2", "EU (London)"},
      {"eu-west-3", "EU (Paris)"},
      {"eu-central-1", "EU (Frankfurt)"},
      {"eu-north-1", "EU (Stockholm)"},
      {"ap-south-1", "Asia Pacific (Mumbai)"},
      {"ap-northeast-1", "Asia Pacific (Tokyo)"},
      {"ap-northeast-2", "Asia Pacific (Seoul)"},
      {"ap-northeast-3", "Asia Pacific (Osaka)"},
      {"ap-southeast-1", "Asia Pacific (Singapore)"},
      {"ap-southeast-2", "Asia Pacific (Sydney)"},
      {"ap-east-1", "Asia Pacific (Hong Kong)"},
      {"me-south-1", "Middle East (Bahrain)"},
      {"af-south-1", "Africa (Cape Town)"},
  };
  for (const auto& [code, name] : kNames) {
    if (code == region) return std::string(name);
  }
  return std::string(region);
}

std::string NotificationSubject(std::string_view state, std::string_view alarm_name,
                                std::string_view region) {
  return std::string(state) + ": \"" + std::string(alarm_name) + "\" in " +
         RegionDisplayName(region);
}

namespace {

// "SampleCount" -> "SAMPLE_COUNT", "Average" -> "AVERAGE".
std::string UpperSnake(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i > 0 && c >= 'A' && c <= 'Z') out += '_';
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

json OrNull(const json& record, const char* key) {
  auto it = record.find(key);
  return it == record.end() ? json(nullptr) : *it;
}

}  // namespace

ordered_json NotificationMessage(const json& record, const storage::Partition& partition,
                                 std::string_view old_state) {
  ordered_json m;
  m["AlarmName"] = record.value("AlarmName", "");
  m["AlarmDescription"] = OrNull(record, "AlarmDescription");
  m["AWSAccountId"] = partition.account;
  // True only for an action that a mute rule held back until its window ended.
  m["ActionExecutedAfterMuteWindow"] = false;
  m["AlarmConfigurationUpdatedTimestamp"] =
      AwsTimestamp(EpochMillis(record.value("AlarmConfigurationUpdatedTimestamp", json(0))));
  m["NewStateValue"] = record.value("StateValue", "");
  m["NewStateReason"] = record.value("StateReason", "");
  m["StateChangeTime"] = AwsTimestamp(EpochMillis(record.value("StateUpdatedTimestamp", json(0))));
  m["Region"] = RegionDisplayName(partition.region);
  m["AlarmArn"] = record.value("AlarmArn", "");
  m["OldStateValue"] = old_state;
  m["OKActions"] = record.value("OKActions", json::array());
  m["AlarmActions"] = record.value("AlarmActions", json::array());
  m["InsufficientDataActions"] = record.value("InsufficientDataActions", json::array());
  if (record.value("_Type", "") == "CompositeAlarm") {
    // A composite alarm has a rule where a metric alarm has a trigger [unsure: AWS's composite
    // notification is not documented member by member].
    m["AlarmRule"] = record.value("AlarmRule", "");
    return m;
  }
  ordered_json trigger;
  if (record.contains("MetricName")) {
    trigger["MetricName"] = record.value("MetricName", "");
    trigger["Namespace"] = record.value("Namespace", "");
    if (record.contains("ExtendedStatistic")) {
      trigger["StatisticType"] = "ExtendedStatistic";
      trigger["ExtendedStatistic"] = record.value("ExtendedStatistic", "");
    } else {
      trigger["StatisticType"] = "Statistic";
      trigger["Statistic"] = UpperSnake(record.value("Statistic", ""));
    }
    trigger["Unit"] = OrNull(record, "Unit");
    ordered_json dims = ordered_json::array();
    for (const auto& d : record.value("Dimensions", json::array())) {
      ordered_json dim;
      dim["value"] = d.value("Value", "");
      dim["name"] = d.value("Name", "");
      dims.push_back(std::move(dim));
    }
    trigger["Dimensions"] = std::move(dims);
    trigger["Period"] = record.value("Period", 0);
  } else {
    trigger["Period"] = record.value("Period", 0);
  }
  trigger["EvaluationPeriods"] = record.value("EvaluationPeriods", 1);
  if (record.contains("DatapointsToAlarm")) {
    trigger["DatapointsToAlarm"] = record["DatapointsToAlarm"];
  }
  trigger["ComparisonOperator"] = record.value("ComparisonOperator", "");
  trigger["Threshold"] = record.value("Threshold", 0.0);
  trigger["TreatMissingData"] = record.value("TreatMissingData", "missing");
  trigger["EvaluateLowSampleCountPercentile"] =
      record.value("EvaluateLowSampleCountPercentile", "");
  if (record.contains("Metrics")) trigger["Metrics"] = record["Metrics"];
  m["Trigger"] = std::move(trigger);
  return m;
}

}  // namespace cwlogd::api::cloudwatch::alarms
