#include "api/sns/sns_alarm_email.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace cwlogd::api::sns {

namespace {

using nlohmann::json;

std::string Text(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// A number as Java's Double.toString writes the usual ones: "3.0", "0.5", "1234.0".
std::string JavaDouble(const json& v) {
  if (!v.is_number()) return v.is_string() ? v.get<std::string>() : std::string("null");
  const double d = v.get<double>();
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e7) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", d);
    return buf;
  }
  json copy = d;
  return copy.dump();
}

// "2022-08-26T03:46:29.897+0000" -> "Friday 26 August, 2022 03:46:29 UTC".
std::string LongDate(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || strptime(iso.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return iso;
  }
  const time_t t = timegm(&tm);
  gmtime_r(&t, &tm);  // fills in the weekday
  char buf[64];
  std::strftime(buf, sizeof buf, "%A %d %B, %Y %H:%M:%S UTC", &tm);
  return buf;
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The JSON's "SUM" / "SAMPLE_COUNT" as the API spells it ("Sum", "SampleCount").
std::string StatisticName(const std::string& upper) {
  if (upper == "SAMPLE_COUNT") return "SampleCount";
  std::string out;
  for (size_t i = 0; i < upper.size(); ++i) {
    out.push_back(i == 0 ? upper[i] : static_cast<char>(std::tolower(upper[i])));
  }
  return out;
}

// Java's List.toString: "[a, b]"; nothing for an empty list.
std::string ActionList(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array() || it->empty()) return {};
  std::string out = " [";
  for (size_t i = 0; i < it->size(); ++i) {
    if (i > 0) out += ", ";
    out += (*it)[i].is_string() ? (*it)[i].get<std::string>() : (*it)[i].dump();
  }
  return out + "]";
}

std::string Pad(std::string label, size_t width) {
  if (label.size() < width) label.append(width - label.size(), ' ');
  return label;
}

}  // namespace

std::optional<std::string> AlarmEmailText(std::string_view message,
                                          std::string_view /*subscription_arn*/) {
  json doc = json::parse(message, nullptr, false);
  if (!doc.is_object() || !doc.contains("AlarmName") || !doc.contains("NewStateValue")) {
    return std::nullopt;
  }
  auto trigger_it = doc.find("Trigger");
  if (trigger_it == doc.end() || !trigger_it->is_object()) return std::nullopt;
  const json& trigger = *trigger_it;
  const std::string name = Text(doc, "AlarmName");
  const std::string state = Text(doc, "NewStateValue");
  const std::string reason = Text(doc, "NewStateReason");
  const std::string when = LongDate(Text(doc, "StateChangeTime"));
  const std::string arn = Text(doc, "AlarmArn");
  // arn:aws:cloudwatch:<region>:...
  std::string region;
  if (size_t a = arn.find(":cloudwatch:"); a != std::string::npos) {
    const size_t start = a + 12;
    region = arn.substr(start, arn.find(':', start) - start);
  }
  std::string out = "You are receiving this email because your Amazon CloudWatch Alarm \"" + name +
                    "\" in the " + Text(doc, "Region") + " region has entered the " + state +
                    " state, because \"" + reason + "\" at \"" + when + "\".\n\n";
  out += "View this alarm in the AWS Management Console:\nhttps://" + region +
         ".console.aws.amazon.com/cloudwatch/deeplink.js?region=" + region + "#alarmsV2:alarm/" +
         UrlEncode(name) + "\n\n";
  out += "Alarm Details:\n";
  out += Pad("- Name:", 30) + name + "\n";
  out += Pad("- Description:", 30) + Text(doc, "AlarmDescription") + "\n";
  out += Pad("- State Change:", 30) + Text(doc, "OldStateValue") + " -> " + state + "\n";
  out += Pad("- Reason for State Change:", 30) + reason + "\n";
  out += Pad("- Timestamp:", 30) + when + "\n";
  out += Pad("- AWS Account:", 30) + Text(doc, "AWSAccountId") + "\n";
  out += Pad("- Alarm Arn:", 30) + arn + "\n\n";
  const json periods = trigger.value("EvaluationPeriods", json(1));
  const json needed =
      trigger.contains("DatapointsToAlarm") ? trigger["DatapointsToAlarm"] : periods;
  out += "Threshold:\n- The alarm is in the ALARM state when the metric is " +
         Text(trigger, "ComparisonOperator") + " " +
         JavaDouble(trigger.value("Threshold", json())) + " for at least " + needed.dump() +
         " of the last " + periods.dump() + " period(s) of " + Text(trigger, "Period") +
         " seconds.\n\n";
  std::string dimensions;
  if (auto d = trigger.find("Dimensions"); d != trigger.end() && d->is_array()) {
    for (const json& dim : *d) {
      if (!dim.is_object()) continue;
      if (!dimensions.empty()) dimensions += " ";
      dimensions += "[" + Text(dim, "name") + " = " + Text(dim, "value") + "]";
    }
  }
  std::string statistic = Text(trigger, "ExtendedStatistic");
  if (statistic.empty()) statistic = StatisticName(Text(trigger, "Statistic"));
  std::string unit = Text(trigger, "Unit");
  std::string missing = Text(trigger, "TreatMissingData");
  // Older messages carried "- TreatMissingData:   missing" as the value.
  if (size_t space = missing.rfind(' '); space != std::string::npos) {
    missing = missing.substr(space + 1);
  }
  out += "Monitored Metric:\n";
  out += Pad("- MetricNamespace:", 39) + Text(trigger, "Namespace") + "\n";
  out += Pad("- MetricName:", 39) + Text(trigger, "MetricName") + "\n";
  out += Pad("- Dimensions:", 39) + dimensions + "\n";
  out += Pad("- Period:", 39) + Text(trigger, "Period") + " seconds\n";
  out += Pad("- Statistic:", 39) + statistic + "\n";
  out += Pad("- Unit:", 39) + (unit.empty() ? std::string("not specified") : unit) + "\n";
  out += Pad("- TreatMissingData:", 39) + missing + "\n\n\n";
  out += "State Change Actions:\n- OK:" + ActionList(doc, "OKActions") +
         "\n- ALARM:" + ActionList(doc, "AlarmActions") +
         "\n- INSUFFICIENT_DATA:" + ActionList(doc, "InsufficientDataActions") + "\n";
  return out;
}

}  // namespace cwlogd::api::sns
