#include "server/cloudwatch/shapes.h"

namespace cwlogd::server::cloudwatch {
namespace {

// The subset of the botocore model (cloudwatch 2010-08-01) the served operations take.
constexpr Shape kString{ShapeKind::kString};
constexpr Shape kInteger{ShapeKind::kInteger};
constexpr Shape kDouble{ShapeKind::kDouble};
constexpr Shape kBoolean{ShapeKind::kBoolean};
constexpr Shape kTimestamp{ShapeKind::kTimestamp};

constexpr Member kDimensionMembers[] = {{"Name", &kString}, {"Value", &kString}};
constexpr Shape kDimension{ShapeKind::kStructure, kDimensionMembers};
constexpr Shape kDimensions{ShapeKind::kList, {}, &kDimension};

constexpr Member kStatisticSetMembers[] = {
    {"SampleCount", &kDouble}, {"Sum", &kDouble}, {"Minimum", &kDouble}, {"Maximum", &kDouble}};
constexpr Shape kStatisticSet{ShapeKind::kStructure, kStatisticSetMembers};
constexpr Shape kDoubleList{ShapeKind::kList, {}, &kDouble};
constexpr Shape kStringList{ShapeKind::kList, {}, &kString};
constexpr Shape kStringMap{ShapeKind::kMap, {}, &kString};

constexpr Member kMetricDatumMembers[] = {{"MetricName", &kString},
                                          {"Dimensions", &kDimensions},
                                          {"Timestamp", &kTimestamp},
                                          {"Value", &kDouble},
                                          {"StatisticValues", &kStatisticSet},
                                          {"Values", &kDoubleList},
                                          {"Counts", &kDoubleList},
                                          {"Unit", &kString},
                                          {"StorageResolution", &kInteger}};
constexpr Shape kMetricDatum{ShapeKind::kStructure, kMetricDatumMembers};
constexpr Shape kMetricData{ShapeKind::kList, {}, &kMetricDatum};

constexpr Member kEntityMembers[] = {{"KeyAttributes", &kStringMap}, {"Attributes", &kStringMap}};
constexpr Shape kEntity{ShapeKind::kStructure, kEntityMembers};
constexpr Member kEntityMetricDataMembers[] = {{"Entity", &kEntity}, {"MetricData", &kMetricData}};
constexpr Shape kEntityMetricData{ShapeKind::kStructure, kEntityMetricDataMembers};
constexpr Shape kEntityMetricDataList{ShapeKind::kList, {}, &kEntityMetricData};

constexpr Member kPutMetricDataMembers[] = {{"Namespace", &kString},
                                            {"MetricData", &kMetricData},
                                            {"EntityMetricData", &kEntityMetricDataList},
                                            {"StrictEntityValidation", &kBoolean}};
constexpr Shape kPutMetricDataInput{ShapeKind::kStructure, kPutMetricDataMembers};

constexpr Member kGetMetricStatisticsMembers[] = {{"Namespace", &kString},
                                                  {"MetricName", &kString},
                                                  {"Dimensions", &kDimensions},
                                                  {"StartTime", &kTimestamp},
                                                  {"EndTime", &kTimestamp},
                                                  {"Period", &kInteger},
                                                  {"Statistics", &kStringList},
                                                  {"ExtendedStatistics", &kStringList},
                                                  {"Unit", &kString}};
constexpr Shape kGetMetricStatisticsInput{ShapeKind::kStructure, kGetMetricStatisticsMembers};

constexpr Member kMetricMembers[] = {
    {"Namespace", &kString}, {"MetricName", &kString}, {"Dimensions", &kDimensions}};
constexpr Shape kMetric{ShapeKind::kStructure, kMetricMembers};
constexpr Member kMetricStatMembers[] = {
    {"Metric", &kMetric}, {"Period", &kInteger}, {"Stat", &kString}, {"Unit", &kString}};
constexpr Shape kMetricStat{ShapeKind::kStructure, kMetricStatMembers};
constexpr Member kMetricDataQueryMembers[] = {
    {"Id", &kString},       {"MetricStat", &kMetricStat}, {"Expression", &kString},
    {"Label", &kString},    {"ReturnData", &kBoolean},    {"Period", &kInteger},
    {"AccountId", &kString}};
constexpr Shape kMetricDataQuery{ShapeKind::kStructure, kMetricDataQueryMembers};
constexpr Shape kMetricDataQueries{ShapeKind::kList, {}, &kMetricDataQuery};
constexpr Member kLabelOptionsMembers[] = {{"Timezone", &kString}};
constexpr Shape kLabelOptions{ShapeKind::kStructure, kLabelOptionsMembers};
constexpr Member kGetMetricDataMembers[] = {{"MetricDataQueries", &kMetricDataQueries},
                                            {"StartTime", &kTimestamp},
                                            {"EndTime", &kTimestamp},
                                            {"NextToken", &kString},
                                            {"ScanBy", &kString},
                                            {"MaxDatapoints", &kInteger},
                                            {"LabelOptions", &kLabelOptions}};
constexpr Shape kGetMetricDataInput{ShapeKind::kStructure, kGetMetricDataMembers};

constexpr Member kDimensionFilterMembers[] = {{"Name", &kString}, {"Value", &kString}};
constexpr Shape kDimensionFilter{ShapeKind::kStructure, kDimensionFilterMembers};
constexpr Shape kDimensionFilters{ShapeKind::kList, {}, &kDimensionFilter};
constexpr Member kListMetricsMembers[] = {
    {"Namespace", &kString},    {"MetricName", &kString},     {"Dimensions", &kDimensionFilters},
    {"NextToken", &kString},    {"RecentlyActive", &kString}, {"IncludeLinkedAccounts", &kBoolean},
    {"OwningAccount", &kString}};
constexpr Shape kListMetricsInput{ShapeKind::kStructure, kListMetricsMembers};

// Alarms.
constexpr Member kTagMembers[] = {{"Key", &kString}, {"Value", &kString}};
constexpr Shape kTag{ShapeKind::kStructure, kTagMembers};
constexpr Shape kTagList{ShapeKind::kList, {}, &kTag};
constexpr Member kPutMetricAlarmMembers[] = {{"AlarmName", &kString},
                                             {"AlarmDescription", &kString},
                                             {"ActionsEnabled", &kBoolean},
                                             {"OKActions", &kStringList},
                                             {"AlarmActions", &kStringList},
                                             {"InsufficientDataActions", &kStringList},
                                             {"MetricName", &kString},
                                             {"Namespace", &kString},
                                             {"Statistic", &kString},
                                             {"ExtendedStatistic", &kString},
                                             {"Dimensions", &kDimensions},
                                             {"Period", &kInteger},
                                             {"Unit", &kString},
                                             {"EvaluationPeriods", &kInteger},
                                             {"DatapointsToAlarm", &kInteger},
                                             {"Threshold", &kDouble},
                                             {"ComparisonOperator", &kString},
                                             {"TreatMissingData", &kString},
                                             {"EvaluateLowSampleCountPercentile", &kString},
                                             {"Metrics", &kMetricDataQueries},
                                             {"Tags", &kTagList},
                                             {"ThresholdMetricId", &kString}};
constexpr Shape kPutMetricAlarmInput{ShapeKind::kStructure, kPutMetricAlarmMembers};
constexpr Member kPutCompositeAlarmMembers[] = {{"ActionsEnabled", &kBoolean},
                                                {"AlarmActions", &kStringList},
                                                {"AlarmDescription", &kString},
                                                {"AlarmName", &kString},
                                                {"AlarmRule", &kString},
                                                {"InsufficientDataActions", &kStringList},
                                                {"OKActions", &kStringList},
                                                {"Tags", &kTagList},
                                                {"ActionsSuppressor", &kString},
                                                {"ActionsSuppressorWaitPeriod", &kInteger},
                                                {"ActionsSuppressorExtensionPeriod", &kInteger}};
constexpr Shape kPutCompositeAlarmInput{ShapeKind::kStructure, kPutCompositeAlarmMembers};
constexpr Member kDescribeAlarmsMembers[] = {
    {"AlarmNames", &kStringList},     {"AlarmNamePrefix", &kString},
    {"AlarmTypes", &kStringList},     {"ChildrenOfAlarmName", &kString},
    {"ParentsOfAlarmName", &kString}, {"StateValue", &kString},
    {"ActionPrefix", &kString},       {"MaxRecords", &kInteger},
    {"NextToken", &kString}};
constexpr Shape kDescribeAlarmsInput{ShapeKind::kStructure, kDescribeAlarmsMembers};
constexpr Member kDescribeAlarmsForMetricMembers[] = {{"MetricName", &kString},
                                                      {"Namespace", &kString},
                                                      {"Statistic", &kString},
                                                      {"ExtendedStatistic", &kString},
                                                      {"Dimensions", &kDimensions},
                                                      {"Period", &kInteger},
                                                      {"Unit", &kString}};
constexpr Shape kDescribeAlarmsForMetricInput{ShapeKind::kStructure,
                                              kDescribeAlarmsForMetricMembers};
constexpr Member kDescribeAlarmHistoryMembers[] = {
    {"AlarmName", &kString},       {"AlarmContributorId", &kString}, {"AlarmTypes", &kStringList},
    {"HistoryItemType", &kString}, {"StartDate", &kTimestamp},       {"EndDate", &kTimestamp},
    {"MaxRecords", &kInteger},     {"NextToken", &kString},          {"ScanBy", &kString}};
constexpr Shape kDescribeAlarmHistoryInput{ShapeKind::kStructure, kDescribeAlarmHistoryMembers};
constexpr Member kDescribeAlarmContributorsMembers[] = {{"AlarmName", &kString},
                                                        {"NextToken", &kString}};
constexpr Shape kDescribeAlarmContributorsInput{ShapeKind::kStructure,
                                                kDescribeAlarmContributorsMembers};
constexpr Member kAlarmNamesMembers[] = {{"AlarmNames", &kStringList}};
constexpr Shape kAlarmNamesInput{ShapeKind::kStructure, kAlarmNamesMembers};
constexpr Member kSetAlarmStateMembers[] = {{"AlarmName", &kString},
                                            {"StateValue", &kString},
                                            {"StateReason", &kString},
                                            {"StateReasonData", &kString}};
constexpr Shape kSetAlarmStateInput{ShapeKind::kStructure, kSetAlarmStateMembers};

constexpr Member kResourceArnMembers[] = {{"ResourceARN", &kString}};
constexpr Shape kResourceArnInput{ShapeKind::kStructure, kResourceArnMembers};
constexpr Member kTagResourceMembers[] = {{"ResourceARN", &kString}, {"Tags", &kTagList}};
constexpr Shape kTagResourceInput{ShapeKind::kStructure, kTagResourceMembers};
constexpr Member kUntagResourceMembers[] = {{"ResourceARN", &kString}, {"TagKeys", &kStringList}};
constexpr Shape kUntagResourceInput{ShapeKind::kStructure, kUntagResourceMembers};

constexpr OperationModel kOperations[] = {
    {"DeleteAlarms", &kAlarmNamesInput, false},
    {"DescribeAlarmContributors", &kDescribeAlarmContributorsInput, true},
    {"DescribeAlarmHistory", &kDescribeAlarmHistoryInput, true},
    {"DescribeAlarms", &kDescribeAlarmsInput, true},
    {"DescribeAlarmsForMetric", &kDescribeAlarmsForMetricInput, true},
    {"DisableAlarmActions", &kAlarmNamesInput, false},
    {"EnableAlarmActions", &kAlarmNamesInput, false},
    {"ListTagsForResource", &kResourceArnInput, true},
    {"TagResource", &kTagResourceInput, true},
    {"UntagResource", &kUntagResourceInput, true},
    {"PutCompositeAlarm", &kPutCompositeAlarmInput, false},
    {"PutMetricAlarm", &kPutMetricAlarmInput, false},
    {"SetAlarmState", &kSetAlarmStateInput, false},
    {"PutMetricData", &kPutMetricDataInput, false},
    {"GetMetricStatistics", &kGetMetricStatisticsInput, true},
    {"GetMetricData", &kGetMetricDataInput, true},
    {"ListMetrics", &kListMetricsInput, true},
};

}  // namespace

const OperationModel* FindOperationModel(std::string_view name) {
  for (const auto& op : kOperations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

bool IsTimestampMember(std::string_view name) {
  // Alarm outputs: AlarmConfigurationUpdatedTimestamp, StateUpdatedTimestamp, ...
  return name == "Timestamps" || name.ends_with("Timestamp");
}

}  // namespace cwlogd::server::cloudwatch
