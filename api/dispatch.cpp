// X-Amz-Target -> handler. A new operation is one new file in api/handlers/ plus one line in
// kOperations.
#include "api/dispatch.h"

#include <algorithm>
#include <exception>
#include <new>
#include <string>

#include "api/detail/request_body.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/data_source_handlers.h"
#include "api/handlers/delivery_handlers.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/handlers.h"
#include "api/handlers/import_task_handlers.h"
#include "api/handlers/metric_filter_handlers.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"
#include "api/handlers/subscription_handlers.h"
#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {
namespace {

// Most handlers take the request as an nlohmann DOM built here; a handler that reads the raw
// body itself (PutLogEvents: the ingest path parses it once, with simdjson) takes the body and
// must refuse and repair bodies as DispatchUnguarded does (api/detail/request_body.h).
using Handler = ApiResult (*)(const nlohmann::json& request, Context& ctx);
using BodyHandler = ApiResult (*)(std::string_view body, Context& ctx);
struct Operation {
  std::string_view name;  // the part of X-Amz-Target after "Logs_20140328."
  Handler handle = nullptr;
  BodyHandler handle_body = nullptr;
};

constexpr std::string_view kTargetPrefix = "Logs_20140328.";

constexpr Operation kOperations[] = {
    {"AssociateKmsKey", &HandleAssociateKmsKey},
    {"AssociateSourceToS3TableIntegration", &HandleAssociateSourceToS3TableIntegration},
    {"CancelExportTask", &HandleCancelExportTask},
    {"CancelImportTask", &HandleCancelImportTask},
    {"CreateDelivery", &HandleCreateDelivery},
    {"CreateExportTask", &HandleCreateExportTask},
    {"CreateImportTask", &HandleCreateImportTask},
    {"CreateLogAnomalyDetector", &HandleCreateLogAnomalyDetector},
    {"CreateLogGroup", &HandleCreateLogGroup},
    {"CreateLogStream", &HandleCreateLogStream},
    {"CreateLookupTable", &HandleCreateLookupTable},
    {"CreateScheduledQuery", &HandleCreateScheduledQuery},
    {"DeleteAccountPolicy", &HandleDeleteAccountPolicy},
    {"DeleteDataProtectionPolicy", &HandleDeleteDataProtectionPolicy},
    {"DeleteDelivery", &HandleDeleteDelivery},
    {"DeleteDeliveryDestination", &HandleDeleteDeliveryDestination},
    {"DeleteDeliveryDestinationPolicy", &HandleDeleteDeliveryDestinationPolicy},
    {"DeleteDeliverySource", &HandleDeleteDeliverySource},
    {"DeleteDestination", &HandleDeleteDestination},
    {"DeleteIndexPolicy", &HandleDeleteIndexPolicy},
    {"DeleteIntegration", &HandleDeleteIntegration},
    {"DeleteLogAnomalyDetector", &HandleDeleteLogAnomalyDetector},
    {"DeleteLogGroup", &HandleDeleteLogGroup},
    {"DeleteLogStream", &HandleDeleteLogStream},
    {"DeleteLookupTable", &HandleDeleteLookupTable},
    {"DeleteMetricFilter", &HandleDeleteMetricFilter},
    {"DeleteQueryDefinition", &HandleDeleteQueryDefinition},
    {"DeleteResourcePolicy", &HandleDeleteResourcePolicy},
    {"DeleteRetentionPolicy", &HandleDeleteRetentionPolicy},
    {"DeleteScheduledQuery", &HandleDeleteScheduledQuery},
    {"DeleteSubscriptionFilter", &HandleDeleteSubscriptionFilter},
    {"DeleteTransformer", &HandleDeleteTransformer},
    {"DescribeAccountPolicies", &HandleDescribeAccountPolicies},
    {"DescribeConfigurationTemplates", &HandleDescribeConfigurationTemplates},
    {"DescribeDeliveries", &HandleDescribeDeliveries},
    {"DescribeDeliveryDestinations", &HandleDescribeDeliveryDestinations},
    {"DescribeDeliverySources", &HandleDescribeDeliverySources},
    {"DescribeDestinations", &HandleDescribeDestinations},
    {"DescribeExportTasks", &HandleDescribeExportTasks},
    {"DescribeFieldIndexes", &HandleDescribeFieldIndexes},
    {"DescribeImportTaskBatches", &HandleDescribeImportTaskBatches},
    {"DescribeImportTasks", &HandleDescribeImportTasks},
    {"DescribeIndexPolicies", &HandleDescribeIndexPolicies},
    {"DescribeLogGroups", &HandleDescribeLogGroups},
    {"DescribeLogStreams", &HandleDescribeLogStreams},
    {"DescribeLookupTables", &HandleDescribeLookupTables},
    {"DescribeMetricFilters", &HandleDescribeMetricFilters},
    {"DescribeQueries", &HandleDescribeQueries},
    {"DescribeQueryDefinitions", &HandleDescribeQueryDefinitions},
    {"DescribeResourcePolicies", &HandleDescribeResourcePolicies},
    {"DescribeSubscriptionFilters", &HandleDescribeSubscriptionFilters},
    {"DisassociateKmsKey", &HandleDisassociateKmsKey},
    {"DisassociateSourceFromS3TableIntegration", &HandleDisassociateSourceFromS3TableIntegration},
    {"FilterLogEvents", &HandleFilterLogEvents},
    {"GetDataProtectionPolicy", &HandleGetDataProtectionPolicy},
    {"GetDelivery", &HandleGetDelivery},
    {"GetDeliveryDestination", &HandleGetDeliveryDestination},
    {"GetDeliveryDestinationPolicy", &HandleGetDeliveryDestinationPolicy},
    {"GetDeliverySource", &HandleGetDeliverySource},
    {"GetIntegration", &HandleGetIntegration},
    {"GetLogAnomalyDetector", &HandleGetLogAnomalyDetector},
    {"GetLogEvents", &HandleGetLogEvents},
    {"GetLogFields", &HandleGetLogFields},
    {"GetLogGroupFields", &HandleGetLogGroupFields},
    {"GetLogObject", &HandleGetLogObject},
    {"GetLogRecord", &HandleGetLogRecord},
    {"GetLookupTable", &HandleGetLookupTable},
    {"GetQueryResults", &HandleGetQueryResults},
    {"GetScheduledQuery", &HandleGetScheduledQuery},
    {"GetScheduledQueryHistory", &HandleGetScheduledQueryHistory},
    {"GetTransformer", &HandleGetTransformer},
    {"ListAggregateLogGroupSummaries", &HandleListAggregateLogGroupSummaries},
    {"ListAnomalies", &HandleListAnomalies},
    {"ListIntegrations", &HandleListIntegrations},
    {"ListLogAnomalyDetectors", &HandleListLogAnomalyDetectors},
    {"ListLogGroups", &HandleListLogGroups},
    {"ListLogGroupsForQuery", &HandleListLogGroupsForQuery},
    {"ListScheduledQueries", &HandleListScheduledQueries},
    {"ListSourcesForS3TableIntegration", &HandleListSourcesForS3TableIntegration},
    {"ListTagsForResource", &HandleListTagsForResource},
    {"ListTagsLogGroup", &HandleListTagsLogGroup},
    {"PutAccountPolicy", &HandlePutAccountPolicy},
    {"PutBearerTokenAuthentication", &HandlePutBearerTokenAuthentication},
    {"PutDataProtectionPolicy", &HandlePutDataProtectionPolicy},
    {"PutDeliveryDestination", &HandlePutDeliveryDestination},
    {"PutDeliveryDestinationPolicy", &HandlePutDeliveryDestinationPolicy},
    {"PutDeliverySource", &HandlePutDeliverySource},
    {"PutDestination", &HandlePutDestination},
    {"PutDestinationPolicy", &HandlePutDestinationPolicy},
    {"PutIndexPolicy", &HandlePutIndexPolicy},
    {"PutIntegration", &HandlePutIntegration},
    {"PutLogEvents", nullptr, &HandlePutLogEvents},
    {"PutLogGroupDeletionProtection", &HandlePutLogGroupDeletionProtection},
    {"PutMetricFilter", &HandlePutMetricFilter},
    {"PutQueryDefinition", &HandlePutQueryDefinition},
    {"PutResourcePolicy", &HandlePutResourcePolicy},
    {"PutRetentionPolicy", &HandlePutRetentionPolicy},
    {"PutSubscriptionFilter", &HandlePutSubscriptionFilter},
    {"PutTransformer", &HandlePutTransformer},
    {"StartLiveTail", &HandleStartLiveTail},
    {"StartQuery", &HandleStartQuery},
    {"StopQuery", &HandleStopQuery},
    {"TagLogGroup", &HandleTagLogGroup},
    {"TagResource", &HandleTagResource},
    {"TestMetricFilter", &HandleTestMetricFilter},
    {"TestTransformer", &HandleTestTransformer},
    {"UntagLogGroup", &HandleUntagLogGroup},
    {"UntagResource", &HandleUntagResource},
    {"UpdateAnomaly", &HandleUpdateAnomaly},
    {"UpdateDeliveryConfiguration", &HandleUpdateDeliveryConfiguration},
    {"UpdateLogAnomalyDetector", &HandleUpdateLogAnomalyDetector},
    {"UpdateLookupTable", &HandleUpdateLookupTable},
    {"UpdateScheduledQuery", &HandleUpdateScheduledQuery},
};

const Operation* FindOperation(std::string_view target) {
  if (!target.starts_with(kTargetPrefix)) return nullptr;
  std::string_view name = target.substr(kTargetPrefix.size());
  for (const Operation& op : kOperations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

// Dispatch without the exception guard: everything that can be decided from the request.
ApiResult DispatchUnguarded(std::string_view target, std::string_view body, Context& ctx) {
  const Operation* op = FindOperation(target);
  if (!op) return ApiError::UnknownOperation("Unknown operation: " + std::string(target));
  if (op->handle_body) return op->handle_body(body, ctx);
  if (!detail::DepthWithin(body, ctx.options.max_json_depth)) {
    return ApiError::Serialization("The request body is nested too deeply.");
  }
  std::optional<std::string> repaired = detail::ReplaceInvalidUtf8(body);
  if (repaired) body = *repaired;
  std::optional<std::string> duplicate;
  nlohmann::json request = detail::ParseJson(body, &duplicate);
  if (request.is_discarded() || !request.is_object()) {
    return ApiError::Serialization("Unable to parse the request body as a JSON object.");
  }
  if (duplicate) return ApiError::Serialization(detail::DuplicateMemberMessage(*duplicate));
  return op->handle(request, ctx);
}

}  // namespace

// Error texts chosen here (AWS does not document its exact wording; clients use only __type):
//   unknown target: UnknownOperationException "Unknown operation: <target>"
//   body not a JSON object: SerializationException "Unable to parse the request body as a JSON
//     object."
//   nested deeper than ApiOptions::max_json_depth: SerializationException "The request body is
//     nested too deeply."
//   member of wrong type: SerializationException, Coral/Jackson wording (request_reader.cpp)
//   a member named twice in one object: SerializationException "Duplicate field '<name>'"
//     (api/detail/request_body.h)
ApiResult Dispatch(std::string_view target, std::string_view body, Context& ctx) {
  // The one exception guard of the Logs API. Handlers never throw on request data; this only
  // turns a bug or an exhausted resource (e.g. std::bad_alloc on a huge page) into a 500
  // instead of tearing down the server's session.
  try {
    return DispatchUnguarded(target, body, ctx);
  } catch (const std::bad_alloc&) {
    return ApiError::ServiceUnavailable("Internal error: out of memory");
  } catch (const std::exception&) {
    // what() may name files or carry library text: never shown to a client.
    return ApiError::ServiceUnavailable("The service cannot complete the request.");
  }
}

}  // namespace cwlogd::api
