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

constexpr Member kScheduleMembers[] = {
    {"Expression", &kString}, {"Duration", &kString}, {"Timezone", &kString}};
constexpr Shape kSchedule{ShapeKind::kStructure, kScheduleMembers};
constexpr Member kMuteRuleMembers[] = {{"Schedule", &kSchedule}};
constexpr Shape kMuteRule{ShapeKind::kStructure, kMuteRuleMembers};
constexpr Member kMuteTargetsMembers[] = {{"AlarmNames", &kStringList}};
constexpr Shape kMuteTargets{ShapeKind::kStructure, kMuteTargetsMembers};
constexpr Member kPutAlarmMuteRuleMembers[] = {
    {"Name", &kString},         {"Description", &kString},
    {"Rule", &kMuteRule},       {"MuteTargets", &kMuteTargets},
    {"Tags", &kTagList},        {"StartDate", &kTimestamp},
    {"ExpireDate", &kTimestamp}};
constexpr Shape kPutAlarmMuteRuleInput{ShapeKind::kStructure, kPutAlarmMuteRuleMembers};
constexpr Member kAlarmMuteRuleNameMembers[] = {{"AlarmMuteRuleName", &kString}};
constexpr Shape kAlarmMuteRuleNameInput{ShapeKind::kStructure, kAlarmMuteRuleNameMembers};
constexpr Member kListAlarmMuteRulesMembers[] = {{"AlarmName", &kString},
                                                 {"Statuses", &kStringList},
                                                 {"MaxRecords", &kInteger},
                                                 {"NextToken", &kString}};
constexpr Shape kListAlarmMuteRulesInput{ShapeKind::kStructure, kListAlarmMuteRulesMembers};

constexpr Member kResourceArnMembers[] = {{"ResourceARN", &kString}};
constexpr Shape kResourceArnInput{ShapeKind::kStructure, kResourceArnMembers};
constexpr Member kTagResourceMembers[] = {{"ResourceARN", &kString}, {"Tags", &kTagList}};
constexpr Shape kTagResourceInput{ShapeKind::kStructure, kTagResourceMembers};
constexpr Member kUntagResourceMembers[] = {{"ResourceARN", &kString}, {"TagKeys", &kStringList}};
constexpr Shape kUntagResourceInput{ShapeKind::kStructure, kUntagResourceMembers};

// Dashboards and GetMetricWidgetImage (api/cloudwatch/dashboards).
constexpr Member kPutDashboardMembers[] = {{"DashboardName", &kString},
                                           {"DashboardBody", &kString}};
constexpr Shape kPutDashboardInput{ShapeKind::kStructure, kPutDashboardMembers};
constexpr Member kGetDashboardMembers[] = {{"DashboardName", &kString}};
constexpr Shape kGetDashboardInput{ShapeKind::kStructure, kGetDashboardMembers};
constexpr Member kListDashboardsMembers[] = {{"DashboardNamePrefix", &kString},
                                             {"NextToken", &kString}};
constexpr Shape kListDashboardsInput{ShapeKind::kStructure, kListDashboardsMembers};
constexpr Member kDeleteDashboardsMembers[] = {{"DashboardNames", &kStringList}};
constexpr Shape kDeleteDashboardsInput{ShapeKind::kStructure, kDeleteDashboardsMembers};
constexpr Member kGetMetricWidgetImageMembers[] = {{"MetricWidget", &kString},
                                                   {"OutputFormat", &kString}};
constexpr Shape kGetMetricWidgetImageInput{ShapeKind::kStructure, kGetMetricWidgetImageMembers};

// Anomaly detectors, insight rules, metric streams, OTel enrichment (api/cloudwatch/resources).
constexpr Member kRangeMembers[] = {{"StartTime", &kTimestamp}, {"EndTime", &kTimestamp}};
constexpr Shape kRange{ShapeKind::kStructure, kRangeMembers};
constexpr Shape kRanges{ShapeKind::kList, {}, &kRange};
constexpr Member kAnomalyConfigurationMembers[] = {{"ExcludedTimeRanges", &kRanges},
                                                   {"MetricTimezone", &kString}};
constexpr Shape kAnomalyConfiguration{ShapeKind::kStructure, kAnomalyConfigurationMembers};
constexpr Member kMetricCharacteristicsMembers[] = {{"PeriodicSpikes", &kBoolean}};
constexpr Shape kMetricCharacteristics{ShapeKind::kStructure, kMetricCharacteristicsMembers};
constexpr Member kSingleMetricAnomalyDetectorMembers[] = {{"AccountId", &kString},
                                                          {"Namespace", &kString},
                                                          {"MetricName", &kString},
                                                          {"Dimensions", &kDimensions},
                                                          {"Stat", &kString}};
constexpr Shape kSingleMetricAnomalyDetector{ShapeKind::kStructure,
                                             kSingleMetricAnomalyDetectorMembers};
constexpr Member kMetricMathAnomalyDetectorMembers[] = {{"MetricDataQueries", &kMetricDataQueries}};
constexpr Shape kMetricMathAnomalyDetector{ShapeKind::kStructure,
                                           kMetricMathAnomalyDetectorMembers};
constexpr Member kPutAnomalyDetectorMembers[] = {
    {"Namespace", &kString},
    {"MetricName", &kString},
    {"Dimensions", &kDimensions},
    {"Stat", &kString},
    {"Configuration", &kAnomalyConfiguration},
    {"MetricCharacteristics", &kMetricCharacteristics},
    {"SingleMetricAnomalyDetector", &kSingleMetricAnomalyDetector},
    {"MetricMathAnomalyDetector", &kMetricMathAnomalyDetector}};
constexpr Shape kPutAnomalyDetectorInput{ShapeKind::kStructure, kPutAnomalyDetectorMembers};
constexpr Member kDescribeAnomalyDetectorsMembers[] = {
    {"NextToken", &kString},  {"MaxResults", &kInteger},    {"Namespace", &kString},
    {"MetricName", &kString}, {"Dimensions", &kDimensions}, {"AnomalyDetectorTypes", &kStringList}};
constexpr Shape kDescribeAnomalyDetectorsInput{ShapeKind::kStructure,
                                               kDescribeAnomalyDetectorsMembers};
constexpr Member kPutInsightRuleMembers[] = {{"RuleName", &kString},
                                             {"RuleState", &kString},
                                             {"RuleDefinition", &kString},
                                             {"Tags", &kTagList},
                                             {"ApplyOnTransformedLogs", &kBoolean}};
constexpr Shape kPutInsightRuleInput{ShapeKind::kStructure, kPutInsightRuleMembers};
constexpr Member kPageMembers[] = {{"NextToken", &kString}, {"MaxResults", &kInteger}};
constexpr Shape kPageInput{ShapeKind::kStructure, kPageMembers};
constexpr Member kRuleNamesMembers[] = {{"RuleNames", &kStringList}};
constexpr Shape kRuleNamesInput{ShapeKind::kStructure, kRuleNamesMembers};
constexpr Member kGetInsightRuleReportMembers[] = {
    {"RuleName", &kString}, {"StartTime", &kTimestamp},         {"EndTime", &kTimestamp},
    {"Period", &kInteger},  {"MaxContributorCount", &kInteger}, {"Metrics", &kStringList},
    {"OrderBy", &kString}};
constexpr Shape kGetInsightRuleReportInput{ShapeKind::kStructure, kGetInsightRuleReportMembers};
constexpr Member kManagedRuleMembers[] = {
    {"TemplateName", &kString}, {"ResourceARN", &kString}, {"Tags", &kTagList}};
constexpr Shape kManagedRule{ShapeKind::kStructure, kManagedRuleMembers};
constexpr Shape kManagedRules{ShapeKind::kList, {}, &kManagedRule};
constexpr Member kPutManagedInsightRulesMembers[] = {{"ManagedRules", &kManagedRules}};
constexpr Shape kPutManagedInsightRulesInput{ShapeKind::kStructure, kPutManagedInsightRulesMembers};
constexpr Member kListManagedInsightRulesMembers[] = {
    {"ResourceARN", &kString}, {"NextToken", &kString}, {"MaxResults", &kInteger}};
constexpr Shape kListManagedInsightRulesInput{ShapeKind::kStructure,
                                              kListManagedInsightRulesMembers};
constexpr Member kMetricStreamFilterMembers[] = {{"Namespace", &kString},
                                                 {"MetricNames", &kStringList}};
constexpr Shape kMetricStreamFilter{ShapeKind::kStructure, kMetricStreamFilterMembers};
constexpr Shape kMetricStreamFilters{ShapeKind::kList, {}, &kMetricStreamFilter};
constexpr Member kStreamStatisticsMetricMembers[] = {{"Namespace", &kString},
                                                     {"MetricName", &kString}};
constexpr Shape kStreamStatisticsMetric{ShapeKind::kStructure, kStreamStatisticsMetricMembers};
constexpr Shape kStreamStatisticsMetrics{ShapeKind::kList, {}, &kStreamStatisticsMetric};
constexpr Member kStreamStatisticsConfigurationMembers[] = {
    {"IncludeMetrics", &kStreamStatisticsMetrics}, {"AdditionalStatistics", &kStringList}};
constexpr Shape kStreamStatisticsConfiguration{ShapeKind::kStructure,
                                               kStreamStatisticsConfigurationMembers};
constexpr Shape kStreamStatisticsConfigurations{
    ShapeKind::kList, {}, &kStreamStatisticsConfiguration};
constexpr Member kPutMetricStreamMembers[] = {
    {"Name", &kString},
    {"IncludeFilters", &kMetricStreamFilters},
    {"ExcludeFilters", &kMetricStreamFilters},
    {"FirehoseArn", &kString},
    {"RoleArn", &kString},
    {"OutputFormat", &kString},
    {"Tags", &kTagList},
    {"StatisticsConfigurations", &kStreamStatisticsConfigurations},
    {"IncludeLinkedAccountsMetrics", &kBoolean}};
constexpr Shape kPutMetricStreamInput{ShapeKind::kStructure, kPutMetricStreamMembers};
constexpr Member kNameMembers[] = {{"Name", &kString}};
constexpr Shape kNameInput{ShapeKind::kStructure, kNameMembers};
constexpr Member kNamesMembers[] = {{"Names", &kStringList}};
constexpr Shape kNamesInput{ShapeKind::kStructure, kNamesMembers};
constexpr Shape kEmptyInput{ShapeKind::kStructure};

constexpr OperationModel kOperations[] = {
    {"PutDashboard", &kPutDashboardInput, true},
    {"GetDashboard", &kGetDashboardInput, true},
    {"ListDashboards", &kListDashboardsInput, true},
    {"DeleteDashboards", &kDeleteDashboardsInput, true},
    {"GetMetricWidgetImage", &kGetMetricWidgetImageInput, true},
    {"PutAnomalyDetector", &kPutAnomalyDetectorInput, true},
    {"DescribeAnomalyDetectors", &kDescribeAnomalyDetectorsInput, true},
    {"DeleteAnomalyDetector", &kPutAnomalyDetectorInput, true},
    {"PutInsightRule", &kPutInsightRuleInput, true},
    {"DescribeInsightRules", &kPageInput, true},
    {"DeleteInsightRules", &kRuleNamesInput, true},
    {"EnableInsightRules", &kRuleNamesInput, true},
    {"DisableInsightRules", &kRuleNamesInput, true},
    {"GetInsightRuleReport", &kGetInsightRuleReportInput, true},
    {"PutManagedInsightRules", &kPutManagedInsightRulesInput, true},
    {"ListManagedInsightRules", &kListManagedInsightRulesInput, true},
    {"PutMetricStream", &kPutMetricStreamInput, true},
    {"GetMetricStream", &kNameInput, true},
    {"ListMetricStreams", &kPageInput, true},
    {"DeleteMetricStream", &kNameInput, true},
    {"StartMetricStreams", &kNamesInput, true},
    {"StopMetricStreams", &kNamesInput, true},
    {"GetOTelEnrichment", &kEmptyInput, true},
    {"StartOTelEnrichment", &kEmptyInput, true},
    {"StopOTelEnrichment", &kEmptyInput, true},
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
    {"PutAlarmMuteRule", &kPutAlarmMuteRuleInput, false},
    {"GetAlarmMuteRule", &kAlarmMuteRuleNameInput, true},
    {"ListAlarmMuteRules", &kListAlarmMuteRulesInput, true},
    {"DeleteAlarmMuteRule", &kAlarmMuteRuleNameInput, false},
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
  // Dashboards: LastModified; metric streams: CreationDate, LastUpdateDate; anomaly detector
  // ExcludedTimeRanges: StartTime, EndTime; alarm mute rules: StartDate, ExpireDate.
  return name == "Timestamps" || name.ends_with("Timestamp") || name == "LastModified" ||
         name == "CreationDate" || name == "LastUpdateDate" || name == "StartTime" ||
         name == "EndTime" || name == "StartDate" || name == "ExpireDate";
}

}  // namespace cwlogd::server::cloudwatch
