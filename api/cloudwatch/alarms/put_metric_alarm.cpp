// PutMetricAlarm: creates or replaces (whole configuration; state and tags kept) a metric alarm.
#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/alarms/math_alarm.h"
#include "api/cloudwatch/detail/extended_statistic.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const std::vector<std::string_view> kStatistics = {"SampleCount", "Average", "Sum", "Minimum",
                                                   "Maximum"};
const std::vector<std::string_view> kComparisons = {"GreaterThanOrEqualToThreshold",
                                                    "GreaterThanThreshold",
                                                    "LessThanThreshold",
                                                    "LessThanOrEqualToThreshold",
                                                    "LessThanLowerOrGreaterThanUpperThreshold",
                                                    "LessThanLowerThreshold",
                                                    "GreaterThanUpperThreshold"};

// The ConfigurationUpdate history form of a record (camelCase keys, AWS's order).
ordered_json HistoryAlarm(const json& r) {
  ordered_json a;
  a["alarmName"] = r.value("AlarmName", "");
  if (r.contains("AlarmDescription")) a["alarmDescription"] = r["AlarmDescription"];
  a["alarmArn"] = r.value("AlarmArn", "");
  a["alarmConfigurationUpdatedTimestamp"] =
      AwsTimestamp(EpochMillis(r.value("AlarmConfigurationUpdatedTimestamp", json(0))));
  if (r.contains("Namespace")) a["namespace"] = r["Namespace"];
  if (r.contains("MetricName")) a["metricName"] = r["MetricName"];
  if (r.contains("Statistic")) a["statistic"] = r["Statistic"];
  if (r.contains("ExtendedStatistic")) a["extendedStatistic"] = r["ExtendedStatistic"];
  if (r.contains("Period")) a["period"] = r["Period"];
  ordered_json dims = ordered_json::array();
  for (const auto& d : r.value("Dimensions", json::array())) {
    ordered_json o;
    o["value"] = d.value("Value", "");
    o["name"] = d.value("Name", "");
    dims.push_back(std::move(o));
  }
  a["dimensions"] = std::move(dims);
  if (r.contains("Threshold")) a["threshold"] = r["Threshold"];
  a["comparisonOperator"] = r.value("ComparisonOperator", "");
  a["evaluationPeriods"] = r.value("EvaluationPeriods", 1);
  if (r.contains("DatapointsToAlarm")) a["datapointsToAlarm"] = r["DatapointsToAlarm"];
  if (r.contains("TreatMissingData")) a["treatMissingData"] = r["TreatMissingData"];
  if (r.contains("Unit")) a["unit"] = r["Unit"];
  if (r.contains("Metrics")) a["metrics"] = r["Metrics"];
  a["stateValue"] = r.value("StateValue", "");
  a["stateUpdatedTimestamp"] = AwsTimestamp(EpochMillis(r.value("StateUpdatedTimestamp", json(0))));
  a["actionsEnabled"] = r.value("ActionsEnabled", true);
  a["alarmActions"] = r.value("AlarmActions", json::array());
  a["insufficientDataActions"] = r.value("InsufficientDataActions", json::array());
  a["okactions"] = r.value("OKActions", json::array());
  return a;
}

}  // namespace

ApiResult HandlePutMetricAlarm(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return InternalServiceFault("This store keeps no alarms.");
  AlarmInput in(request);
  auto name = in.String("AlarmName", true, 1, 255);
  auto description = in.String("AlarmDescription", false, 0, 1024);
  auto actions_enabled = in.Bool("ActionsEnabled");
  auto ok_actions = in.StringList("OKActions", kMaxActionsPerState, 1, 1024);
  auto alarm_actions = in.StringList("AlarmActions", kMaxActionsPerState, 1, 1024);
  auto insufficient_actions =
      in.StringList("InsufficientDataActions", kMaxActionsPerState, 1, 1024);
  auto metric_name = in.String("MetricName", false, 1, 255);
  auto ns = in.String("Namespace", false, 1, 255);
  auto statistic = in.Enum("Statistic", false, kStatistics);
  auto extended = in.String("ExtendedStatistic", false, 0, 1 << 20);
  auto period = in.Integer("Period", false, 1);
  auto unit = in.String("Unit", false, 0, 64);
  auto evaluation_periods = in.Integer("EvaluationPeriods", true, 1);
  auto datapoints = in.Integer("DatapointsToAlarm", false, 1);
  auto threshold = in.Double("Threshold", false);
  auto comparison = in.Enum("ComparisonOperator", true, kComparisons);
  auto missing = in.String("TreatMissingData", false, 1, 255);
  auto low_sample = in.String("EvaluateLowSampleCountPercentile", false, 1, 255);
  auto threshold_metric = in.String("ThresholdMetricId", false, 1, 255);
  if (in.failed()) return in.error();
  for (char c : *name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return ValidationError("AlarmName must not contain control characters.");
    }
  }
  if (!CheckActionArns(in, "OKActions", *ok_actions) ||
      !CheckActionArns(in, "AlarmActions", *alarm_actions) ||
      !CheckActionArns(in, "InsufficientDataActions", *insufficient_actions)) {
    return in.error();
  }
  detail::Reader reader;
  std::vector<storage::MetricDimension> dimensions;
  if (const json* d = in.Raw("Dimensions")) {
    (void)d;
    auto parsed = reader.Dimensions(request, "", kMaxDimensions);
    if (reader.failed()) return reader.error();
    dimensions = std::move(*parsed);
  }
  if (unit && !detail::IsStandardUnit(*unit)) {
    return ValidationError("1 validation error detected: Value '" + *unit +
                           "' at 'unit' failed to satisfy constraint: Member must satisfy enum "
                           "value set: [Seconds, Microseconds, Milliseconds, Bytes, Kilobytes, "
                           "Megabytes, Gigabytes, Terabytes, Bits, Kilobits, Megabits, Gigabits, "
                           "Terabits, Percent, Count, Bytes/Second, Kilobytes/Second, "
                           "Megabytes/Second, Gigabytes/Second, Terabytes/Second, Bits/Second, "
                           "Kilobits/Second, Megabits/Second, Gigabits/Second, Terabits/Second, "
                           "Count/Second, None]");
  }
  std::optional<json> metrics;
  std::optional<int64_t> alarm_period = period;
  if (const json* m = in.Raw("Metrics")) {
    // AWS names the first member that must not come with Metrics.
    const std::pair<std::string_view, bool> excluded[] = {
        {"MetricName", metric_name.has_value()},
        {"Namespace", ns.has_value()},
        {"Dimensions", !dimensions.empty()},
        {"Period", period.has_value()},
        {"Unit", unit.has_value()},
        {"Statistic", statistic.has_value()},
        {"ExtendedStatistic", extended.has_value()}};
    for (const auto& [member, given] : excluded) {
      if (given) {
        return ValidationError(std::string(member) +
                               " should not be set if list of Metrics is set.");
      }
    }
    auto read = ReadAlarmMetrics(*m);
    if (auto* e = std::get_if<ApiError>(&read)) return *e;
    metrics = std::move(std::get<json>(read));
    alarm_period = MetricsAlarmPeriod(*metrics);
  }
  if (!metrics) {
    if (!metric_name || !ns) {
      return ValidationError("Either MetricName and Namespace, or Metrics must be specified.");
    }
    if (statistic.has_value() == extended.has_value()) {
      return ValidationError(
          "Exactly one of Statistic or ExtendedStatistic must be specified when MetricName is "
          "used.");
    }
    if (extended && !detail::ParseExtendedStatistic(*extended)) {
      return InvalidParameterValue("The value " + *extended +
                                   " for parameter ExtendedStatistic is not a valid extended "
                                   "statistic (p99, tm99, wm99, tc99, ts99, IQM, TM(a:b), ...).");
    }
    if (!period) return MissingParameter("The parameter Period is required.");
  }
  if (period) {
    if (*period == 10 || *period == 20 || *period == 30) {
      return InvalidParameterValue(
          "Periods of 10, 20 and 30 seconds (high-resolution alarms) are not supported: this "
          "server keeps metrics per minute.");
    }
    if (*period % 60 != 0) return ValidationError("Period must be 10, 20, 30 or a multiple of 60");
  }
  if (alarm_period) {
    const int64_t span = *alarm_period * *evaluation_periods;
    if (*alarm_period < 3600 && span > 86'400) {
      return ValidationError(
          "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be "
          "<= 86400).");
    }
    if (span > 604'800) {
      return ValidationError(
          "Metrics cannot be checked across more than a week (EvaluationPeriods * Period must be "
          "<= 604800).");
    }
  }
  if (datapoints && *datapoints > *evaluation_periods) {
    return ValidationError("DatapointsToAlarm must be less than or equal to EvaluationPeriods");
  }
  if (!ParseComparison(*comparison)) {
    return InvalidParameterValue("Anomaly detection alarms (" + *comparison +
                                 ") are not supported by this server.");
  }
  if (threshold_metric) {
    return InvalidParameterValue(
        "ThresholdMetricId (anomaly detection alarms) is not supported by this server.");
  }
  if (!threshold) return ValidationError("Threshold must be specified for this alarm.");
  if (missing && !ParseMissingData(*missing)) {
    return ValidationError("Option " + *missing +
                           " is not supported. Supported options for parameter TreatMissingData "
                           "are: missing, ignore, breaching, notBreaching.");
  }
  if (low_sample && *low_sample != "evaluate" && *low_sample != "ignore") {
    return ValidationError("Option " + *low_sample +
                           " is not supported. Supported options for parameter "
                           "EvaluateLowSampleCountPercentile are: evaluate, ignore.");
  }
  auto read_tags = ReadPutAlarmTags(in);
  if (auto* e = std::get_if<ApiError>(&read_tags)) return *e;
  json tags = std::move(std::get<json>(read_tags));

  const int64_t now = ctx.clock.NowMillis();
  json record = json::object();
  record["_Type"] = "MetricAlarm";
  record["AlarmName"] = *name;
  record["AlarmArn"] = AlarmArn(ctx.partition, *name);
  if (description) record["AlarmDescription"] = *description;
  record["AlarmConfigurationUpdatedTimestamp"] = EpochSeconds(now);
  record["ActionsEnabled"] = actions_enabled.value_or(true);
  record["OKActions"] = *ok_actions;
  record["AlarmActions"] = *alarm_actions;
  record["InsufficientDataActions"] = *insufficient_actions;
  if (metric_name) record["MetricName"] = *metric_name;
  if (ns) record["Namespace"] = *ns;
  if (statistic) record["Statistic"] = *statistic;
  if (extended) record["ExtendedStatistic"] = *extended;
  json dims = json::array();
  for (const auto& d : dimensions) dims.push_back({{"Name", d.name}, {"Value", d.value}});
  record["Dimensions"] = std::move(dims);
  if (period) record["Period"] = *period;
  if (unit) record["Unit"] = *unit;
  record["EvaluationPeriods"] = *evaluation_periods;
  if (datapoints) record["DatapointsToAlarm"] = *datapoints;
  record["Threshold"] = static_cast<double>(*threshold);
  record["ComparisonOperator"] = *comparison;
  if (missing) record["TreatMissingData"] = *missing;
  if (low_sample) record["EvaluateLowSampleCountPercentile"] = *low_sample;
  if (metrics) record["Metrics"] = *metrics;

  std::lock_guard<std::mutex> lock(AlarmMutex());
  auto existing = LoadAlarm(*ctx.alarms, ctx.partition, *name);
  if (!existing.ok()) return InternalServiceFault("The service cannot complete the request.");
  storage::AlarmWrite write;
  ordered_json history;
  history["version"] = "1.0";
  std::string summary;
  if (existing->has_value()) {
    const json& old = **existing;
    if (old.value("_Type", "MetricAlarm") != "MetricAlarm") {
      return ValidationError("The alarm " + *name + " is a composite alarm.");
    }
    KeepStateAndTags(old, record);
    history["type"] = "Update";
    history["updatedAlarm"] = HistoryAlarm(record);
    history["originalAlarm"] = HistoryAlarm(old);
    summary = "Alarm \"" + *name + "\" updated";
  } else {
    SetInitialState(record, now, std::move(tags));
    history["type"] = "Create";
    history["createdAlarm"] = HistoryAlarm(record);
    summary = "Alarm \"" + *name + "\" created";
  }
  write.put_alarms.push_back({*name, record.dump()});
  write.history.push_back(HistoryItem(*name, "MetricAlarm", now, "ConfigurationUpdate",
                                      std::move(summary), history.dump()));
  if (!ctx.alarms->Write(ctx.partition, write).ok()) {
    return InternalServiceFault("The service cannot complete the request.");
  }
  return json::object();
}

}  // namespace cwlogd::api::cloudwatch::alarms
