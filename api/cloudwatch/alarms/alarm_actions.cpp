#include "api/cloudwatch/alarms/alarm_actions.h"

#include <utility>

#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/math_alarm.h"

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

ordered_json TriggerDimensions(const json& dimensions) {
  ordered_json dims = ordered_json::array();
  if (!dimensions.is_array()) return dims;
  for (const auto& d : dimensions) {
    if (!d.is_object()) continue;
    ordered_json dim;
    dim["value"] = d.value("Value", "");
    dim["name"] = d.value("Name", "");
    dims.push_back(std::move(dim));
  }
  return dims;
}

// A Metrics alarm's queries as AWS's notifications show them: Expression, Id, Label,
// MetricStat{Metric{Dimensions[{value,name}], MetricName, Namespace}, Period, Stat, Unit},
// ReturnData (always), AccountId; members not set are left out. The places of Unit and of an
// expression's Period are our guess [unsure].
ordered_json TriggerMetrics(const json& metrics) {
  ordered_json out = ordered_json::array();
  if (!metrics.is_array()) return out;
  for (const auto& q : metrics) {
    if (!q.is_object()) continue;
    ordered_json t;
    if (q.contains("Expression")) t["Expression"] = q["Expression"];
    t["Id"] = q.value("Id", "");
    if (q.contains("Label")) t["Label"] = q["Label"];
    if (q.contains("MetricStat") && q["MetricStat"].is_object()) {
      const json& ms = q["MetricStat"];
      const json metric = ms.value("Metric", json::object());
      ordered_json m;
      m["Dimensions"] = TriggerDimensions(metric.value("Dimensions", json::array()));
      m["MetricName"] = metric.value("MetricName", "");
      m["Namespace"] = metric.value("Namespace", "");
      ordered_json stat;
      stat["Metric"] = std::move(m);
      stat["Period"] = ms.value("Period", json(0));
      stat["Stat"] = ms.value("Stat", "");
      if (ms.contains("Unit")) stat["Unit"] = ms["Unit"];
      t["MetricStat"] = std::move(stat);
    }
    if (q.contains("Period")) t["Period"] = q["Period"];
    t["ReturnData"] = !q.contains("ReturnData") || q["ReturnData"] != false;
    if (q.contains("AccountId")) t["AccountId"] = q["AccountId"];
    out.push_back(std::move(t));
  }
  return out;
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
    trigger["Dimensions"] = TriggerDimensions(record.value("Dimensions", json::array()));
    trigger["Period"] = record.value("Period", 0);
  } else {
    // A Metrics alarm: the period of its queries.
    trigger["Period"] = MetricsAlarmPeriod(record.value("Metrics", json::array())).value_or(0);
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
  if (record.contains("Metrics")) trigger["Metrics"] = TriggerMetrics(record["Metrics"]);
  m["Trigger"] = std::move(trigger);
  return m;
}

}  // namespace cwlogd::api::cloudwatch::alarms
