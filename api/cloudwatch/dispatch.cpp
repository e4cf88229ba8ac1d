// Operation name -> CloudWatch metrics handler, behind the API's one exception guard.
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/dashboards/dashboard_handlers.h"
#include "api/cloudwatch/handlers.h"
#include "api/cloudwatch/resources/resource_handlers.h"
#include "api/detail/request_body.h"

namespace cwlogd::api::cloudwatch {
namespace {

struct Operation {
  std::string_view name;
  Handler handle;
};

// Operation name -> handler. New operation = one new file + one line here.
constexpr Operation kOperations[] = {
    {"PutMetricData", &HandlePutMetricData},
    {"GetMetricStatistics", &HandleGetMetricStatistics},
    {"GetMetricData", &HandleGetMetricData},
    {"ListMetrics", &HandleListMetrics},
    // Alarms (alarms/alarm_handlers.h).
    {"DeleteAlarms", &alarms::HandleDeleteAlarms},
    {"DescribeAlarmContributors", &alarms::HandleDescribeAlarmContributors},
    {"DescribeAlarmHistory", &alarms::HandleDescribeAlarmHistory},
    {"DescribeAlarms", &alarms::HandleDescribeAlarms},
    {"DescribeAlarmsForMetric", &alarms::HandleDescribeAlarmsForMetric},
    {"DisableAlarmActions", &alarms::HandleDisableAlarmActions},
    {"EnableAlarmActions", &alarms::HandleEnableAlarmActions},
    {"ListTagsForResource", &alarms::HandleListTagsForResource},
    {"PutCompositeAlarm", &alarms::HandlePutCompositeAlarm},
    {"PutMetricAlarm", &alarms::HandlePutMetricAlarm},
    {"SetAlarmState", &alarms::HandleSetAlarmState},
    {"TagResource", &alarms::HandleTagResource},
    {"UntagResource", &alarms::HandleUntagResource},
    {"PutAlarmMuteRule", &alarms::HandlePutAlarmMuteRule},
    {"GetAlarmMuteRule", &alarms::HandleGetAlarmMuteRule},
    {"ListAlarmMuteRules", &alarms::HandleListAlarmMuteRules},
    {"DeleteAlarmMuteRule", &alarms::HandleDeleteAlarmMuteRule},
    // Dashboards and widget images (dashboards/dashboard_handlers.h).
    {"DeleteDashboards", &dashboards::HandleDeleteDashboards},
    {"GetDashboard", &dashboards::HandleGetDashboard},
    {"GetMetricWidgetImage", &dashboards::HandleGetMetricWidgetImage},
    {"ListDashboards", &dashboards::HandleListDashboards},
    {"PutDashboard", &dashboards::HandlePutDashboard},
    // Stored resources without computation (resources/resource_handlers.h).
    {"DeleteAnomalyDetector", &resources::HandleDeleteAnomalyDetector},
    {"DescribeAnomalyDetectors", &resources::HandleDescribeAnomalyDetectors},
    {"PutAnomalyDetector", &resources::HandlePutAnomalyDetector},
    {"DeleteInsightRules", &resources::HandleDeleteInsightRules},
    {"DescribeInsightRules", &resources::HandleDescribeInsightRules},
    {"DisableInsightRules", &resources::HandleDisableInsightRules},
    {"EnableInsightRules", &resources::HandleEnableInsightRules},
    {"GetInsightRuleReport", &resources::HandleGetInsightRuleReport},
    {"PutInsightRule", &resources::HandlePutInsightRule},
    {"ListManagedInsightRules", &resources::HandleListManagedInsightRules},
    {"PutManagedInsightRules", &resources::HandlePutManagedInsightRules},
    {"DeleteMetricStream", &resources::HandleDeleteMetricStream},
    {"GetMetricStream", &resources::HandleGetMetricStream},
    {"ListMetricStreams", &resources::HandleListMetricStreams},
    {"PutMetricStream", &resources::HandlePutMetricStream},
    {"StartMetricStreams", &resources::HandleStartMetricStreams},
    {"StopMetricStreams", &resources::HandleStopMetricStreams},
    {"GetOTelEnrichment", &resources::HandleGetOTelEnrichment},
    {"StartOTelEnrichment", &resources::HandleStartOTelEnrichment},
    {"StopOTelEnrichment", &resources::HandleStopOTelEnrichment},
};

}  // namespace

bool IsKnownOperation(std::string_view operation) {
  for (const auto& op : kOperations) {
    if (op.name == operation) return true;
  }
  return false;
}

std::variant<nlohmann::json, ApiError> ParseJsonInput(std::string_view body) {
  std::optional<std::string> duplicate;
  nlohmann::json parsed = api::detail::ParseJson(body, &duplicate);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return ApiError::Serialization("The request body is not a valid JSON object.");
  }
  if (duplicate) return DuplicateMember(*duplicate);
  return parsed;
}

ApiError DuplicateMember(std::string_view name) {
  return ApiError::Serialization(api::detail::DuplicateMemberMessage(name));
}

ApiResult Dispatch(std::string_view operation, const nlohmann::json& request, Context& ctx) {
  for (const auto& op : kOperations) {
    if (op.name != operation) continue;
    if (!request.is_object()) {
      return ApiError::Serialization("The request body must be a structure.");
    }
    // The one exception guard of the metrics API: handlers never throw on request data, so
    // this only turns a bug or an exhausted resource into CloudWatch's internal-error shape.
    try {
      return op.handle(request, ctx);
    } catch (const std::bad_alloc&) {
      return InternalServiceFault("Internal error: out of memory");
    } catch (const std::exception&) {
      // what() may name files or carry library text: never shown to a client.
      return InternalServiceFault("The service cannot complete the request.");
    }
  }
  return ApiError::UnknownOperation("Operation " + std::string(operation) +
                                    " is not supported by this server.");
}

}  // namespace cwlogd::api::cloudwatch
