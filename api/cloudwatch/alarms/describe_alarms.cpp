// DescribeAlarms, DescribeAlarmsForMetric and DescribeAlarmHistory.
#include <algorithm>
#include <set>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/alarm_validation.h"
#include "api/cloudwatch/alarms/composite_alarms.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kStates = {"OK", "ALARM", "INSUFFICIENT_DATA"};
const std::vector<std::string_view> kAlarmTypes = {"CompositeAlarm", "MetricAlarm"};
const std::vector<std::string_view> kHistoryTypes = {"ConfigurationUpdate", "StateUpdate", "Action",
                                                     "AlarmContributorStateUpdate",
                                                     "AlarmContributorAction"};

// AlarmTypes: omitted = metric alarms only.
std::optional<std::set<std::string>> ReadAlarmTypes(AlarmInput& in) {
  auto types = in.StringList("AlarmTypes", 2, 0, 1 << 20);
  if (!types) return std::nullopt;
  std::set<std::string> out;
  for (const auto& t : *types) {
    if (std::find(kAlarmTypes.begin(), kAlarmTypes.end(), t) == kAlarmTypes.end()) {
      in.Fail(ValidationError("1 validation error detected: Value '[" + t +
                              "]' at 'alarmTypes' failed to satisfy constraint: Member must "
                              "satisfy constraint: [Member must satisfy enum value set: "
                              "[CompositeAlarm, MetricAlarm]]"));
      return std::nullopt;
    }
    out.insert(t);
  }
  if (out.empty()) out.insert("MetricAlarm");
  return out;
}

bool HasActionWithPrefix(const json& record, const std::string& prefix) {
  for (const char* key : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
    for (const auto& a : record.value(key, json::array())) {
      if (a.is_string() && a.get<std::string>().rfind(prefix, 0) == 0) return true;
    }
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

ApiResult HandleDescribeAlarms(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto names = in.StringList("AlarmNames", kMaxAlarmNamesPerCall, 1, 255);
  auto prefix = in.String("AlarmNamePrefix", false, 1, 255);
  auto types = ReadAlarmTypes(in);
  auto children_of = in.String("ChildrenOfAlarmName", false, 1, 255);
  auto parents_of = in.String("ParentsOfAlarmName", false, 1, 255);
  auto state = in.Enum("StateValue", false, kStates);
  auto action_prefix = in.String("ActionPrefix", false, 1, 1024);
  auto max_records = in.Integer("MaxRecords", false, 1);
  auto token = in.String("NextToken", false, 0, 1 << 16);
  if (in.failed()) return in.error();
  if (max_records && *max_records > kMaxDescribePageSize) {
    return ValidationError("1 validation error detected: Value '" + std::to_string(*max_records) +
                           "' at 'maxRecords' failed to satisfy constraint: Member must have "
                           "value less than or equal to 100");
  }
  if (!names->empty() && prefix) {
    return InvalidParameterCombination(
        "AlarmNamePrefix and AlarmNames cannot be specified together.");
  }
  // ChildrenOfAlarmName / ParentsOfAlarmName: the alarms a composite names, or the composites
  // that name an alarm, with their name, ARN and state only (as AWS answers them).
  const bool family = children_of || parents_of;
  std::vector<std::string> family_names;
  if (family) {
    if ((children_of && parents_of) || !names->empty() || prefix ||
        in.Raw("AlarmTypes") != nullptr || state || action_prefix) {
      return ValidationError(
          std::string(children_of ? "ChildrenOfAlarmName" : "ParentsOfAlarmName") +
          " cannot be specified with other parameters except MaxRecords and "
          "NextToken.");
    }
    auto all = LoadPartitionAlarms(*ctx.alarms, ctx.partition);
    if (!all.ok()) return ServiceFault();
    if (children_of) {
      auto it = all->find(*children_of);
      if (it != all->end()) family_names = CompositeChildren(ctx.partition, it->second);
    } else {
      for (const auto& [name, record] : *all) {
        const auto children = CompositeChildren(ctx.partition, record);
        if (std::find(children.begin(), children.end(), *parents_of) != children.end()) {
          family_names.push_back(name);
        }
      }
    }
    if (family_names.empty()) {
      return json{{"MetricAlarms", json::array()}, {"CompositeAlarms", json::array()}};
    }
    names = std::move(family_names);
    types = std::set<std::string>{"MetricAlarm", "CompositeAlarm"};
  }
  std::string start_after;
  if (token) {
    auto decoded = detail::DecodeToken("DescribeAlarms", ctx.partition, *token);
    if (!decoded || !decoded->is_string()) return InvalidNextToken();
    start_after = decoded->get<std::string>();
  }
  const int64_t page = max_records.value_or(kDefaultDescribePageSize);
  json metric_alarms = json::array();
  json composite_alarms = json::array();
  std::string last;
  bool more = false;
  auto visit = [&](const std::string& name, const json& record) {
    if (static_cast<int64_t>(metric_alarms.size() + composite_alarms.size()) == page) {
      more = true;
      return false;
    }
    const std::string type = record.value("_Type", "MetricAlarm");
    if (types->count(type) == 0) return true;
    if (state && record.value("StateValue", "") != *state) return true;
    if (action_prefix && !HasActionWithPrefix(record, *action_prefix)) return true;
    json view = PublicView(record);
    if (family) {
      view = json{{"AlarmName", record.value("AlarmName", "")},
                  {"AlarmArn", record.value("AlarmArn", "")},
                  {"StateValue", record.value("StateValue", "")},
                  {"StateUpdatedTimestamp", record.value("StateUpdatedTimestamp", json(0))}};
    }
    (type == "MetricAlarm" ? metric_alarms : composite_alarms).push_back(std::move(view));
    last = name;
    return true;
  };
  if (!names->empty()) {
    std::set<std::string> sorted(names->begin(), names->end());
    for (const auto& name : sorted) {
      if (!start_after.empty() && name <= start_after) continue;
      auto record = LoadAlarm(*ctx.alarms, ctx.partition, name);
      if (!record.ok()) return ServiceFault();
      if (record->has_value() && !visit(name, **record)) break;
    }
  } else {
    storage::Status s =
        ctx.alarms->ListAlarms(ctx.partition, prefix.value_or(""), start_after,
                               [&](const std::string& name, const std::string& value) {
                                 json record = json::parse(value, nullptr, false);
                                 if (record.is_discarded() || !record.is_object()) return true;
                                 return visit(name, record);
                               });
    if (!s.ok()) return ServiceFault();
  }
  json out = {{"MetricAlarms", std::move(metric_alarms)},
              {"CompositeAlarms", std::move(composite_alarms)}};
  if (more) out["NextToken"] = detail::EncodeToken("DescribeAlarms", ctx.partition, json(last));
  return out;
}

ApiResult HandleDescribeAlarmsForMetric(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto metric_name = in.String("MetricName", true, 1, 255);
  auto ns = in.String("Namespace", true, 1, 255);
  auto statistic =
      in.Enum("Statistic", false, {"SampleCount", "Average", "Sum", "Minimum", "Maximum"});
  auto extended = in.String("ExtendedStatistic", false, 0, 1 << 20);
  auto period = in.Integer("Period", false, 1);
  auto unit = in.String("Unit", false, 0, 64);
  if (in.failed()) return in.error();
  detail::Reader reader;
  std::optional<json> dims;
  if (in.Raw("Dimensions") != nullptr) {
    auto parsed = reader.Dimensions(request, "", kMaxDimensions);
    if (reader.failed()) return reader.error();
    dims = json::array();
    for (const auto& d : *parsed) dims->push_back({{"Name", d.name}, {"Value", d.value}});
  }
  json alarms = json::array();
  storage::Status s = ctx.alarms->ListAlarms(
      ctx.partition, "", "", [&](const std::string&, const std::string& value) {
        json r = json::parse(value, nullptr, false);
        if (r.is_discarded() || !r.is_object() || r.value("_Type", "") != "MetricAlarm") {
          return true;
        }
        if (r.value("MetricName", "") != *metric_name || r.value("Namespace", "") != *ns) {
          return true;
        }
        if (statistic && r.value("Statistic", "") != *statistic) return true;
        if (extended && r.value("ExtendedStatistic", "") != *extended) return true;
        if (period && r.value("Period", int64_t{0}) != *period) return true;
        if (unit && r.value("Unit", "") != *unit) return true;
        if (dims && r.value("Dimensions", json::array()) != *dims) return true;
        alarms.push_back(PublicView(r));
        return true;
      });
  if (!s.ok()) return ServiceFault();
  return json{{"MetricAlarms", std::move(alarms)}};
}

ApiResult HandleDescribeAlarmHistory(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto name = in.String("AlarmName", false, 1, 255);
  (void)in.String("AlarmContributorId", false, 1, 1024);
  auto types = ReadAlarmTypes(in);
  auto item_type = in.Enum("HistoryItemType", false, kHistoryTypes);
  auto start = in.TimestampMillis("StartDate");
  auto end = in.TimestampMillis("EndDate");
  auto max_records = in.Integer("MaxRecords", false, 1);
  auto token = in.String("NextToken", false, 0, 1 << 16);
  auto scan_by = in.Enum("ScanBy", false, {"TimestampDescending", "TimestampAscending"});
  if (in.failed()) return in.error();
  if (max_records && *max_records > kMaxDescribePageSize) {
    return ValidationError("1 validation error detected: Value '" + std::to_string(*max_records) +
                           "' at 'maxRecords' failed to satisfy constraint: Member must have "
                           "value less than or equal to 100");
  }
  const bool ascending = scan_by && *scan_by == "TimestampAscending";
  std::string cursor;
  if (token) {
    auto decoded = detail::DecodeToken(
        ascending ? "DescribeAlarmHistoryAsc" : "DescribeAlarmHistory", ctx.partition, *token);
    if (!decoded || !decoded->is_string()) return InvalidNextToken();
    cursor = decoded->get<std::string>();
    if (cursor.size() != 32) return InvalidNextToken();
    std::string raw;
    for (size_t i = 0; i < cursor.size(); i += 2) {
      const int hi = HexDigit(cursor[i]);
      const int lo = HexDigit(cursor[i + 1]);
      if (hi < 0 || lo < 0) return InvalidNextToken();
      raw.push_back(static_cast<char>(hi * 16 + lo));
    }
    cursor = raw;
  }
  const int64_t page = max_records.value_or(kMaxDescribePageSize);
  json items = json::array();
  std::string last_id;
  bool more = false;
  storage::Status s = ctx.alarms->ListHistory(
      ctx.partition, ascending, cursor, [&](std::string_view id, const std::string& value) {
        json item = json::parse(value, nullptr, false);
        if (item.is_discarded() || !item.is_object()) return true;
        const int64_t ts = EpochMillis(item.value("Timestamp", json(0)));
        if (start && ts < *start) return true;
        if (end && ts > *end) return true;
        if (name && item.value("AlarmName", "") != *name) return true;
        if (item_type && item.value("HistoryItemType", "") != *item_type) return true;
        if (types->count(item.value("AlarmType", "MetricAlarm")) == 0) return true;
        if (static_cast<int64_t>(items.size()) == page) {
          more = true;
          return false;
        }
        items.push_back(std::move(item));
        last_id.assign(id);
        return true;
      });
  if (!s.ok()) return ServiceFault();
  json out = {{"AlarmHistoryItems", std::move(items)}};
  if (more) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char c : last_id) {
      hex += kHex[c >> 4];
      hex += kHex[c & 15];
    }
    out["NextToken"] = detail::EncodeToken(
        ascending ? "DescribeAlarmHistoryAsc" : "DescribeAlarmHistory", ctx.partition, json(hex));
  }
  return out;
}

// DescribeAlarmContributors: the time series of a multi-time-series alarm (a Metrics Insights
// query alarm with GROUP BY) that are in ALARM. Such alarms are not evaluated here, so an
// existing alarm has none.
ApiResult HandleDescribeAlarmContributors(const json& request, Context& ctx) {
  if (ctx.alarms == nullptr) return ServiceFault();
  AlarmInput in(request);
  auto name = in.String("AlarmName", true, 1, 255);
  auto token = in.String("NextToken", false, 0, 1 << 16);
  if (in.failed()) return in.error();
  if (token && !detail::DecodeToken("DescribeAlarmContributors", ctx.partition, *token)) {
    return InvalidNextToken();
  }
  auto record = LoadAlarm(*ctx.alarms, ctx.partition, *name);
  if (!record.ok()) return ServiceFault();
  if (!record->has_value()) {
    return ApiError{"ResourceNotFoundException", "The alarm " + *name + " does not exist.", 404};
  }
  return json{{"AlarmContributors", json::array()}};
}

}  // namespace cwlogd::api::cloudwatch::alarms
