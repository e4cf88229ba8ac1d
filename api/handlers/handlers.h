// One handler per Logs operation (api/handlers/<operation>.cpp), wired up in api/dispatch.cpp.
// A handler validates its request, calls the store and shapes the JSON; nothing else.
// Thread-safe: handlers keep no state.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

// Log groups
ApiResult HandleCreateLogGroup(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteLogGroup(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeLogGroups(const nlohmann::json& request, Context& ctx);
ApiResult HandleListLogGroups(const nlohmann::json& request, Context& ctx);
// Log streams
ApiResult HandleCreateLogStream(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteLogStream(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeLogStreams(const nlohmann::json& request, Context& ctx);
// Events
// Takes the raw body: its one parse is simdjson's (api/detail/put_log_events_parser.h).
ApiResult HandlePutLogEvents(std::string_view body, Context& ctx);
ApiResult HandleGetLogEvents(const nlohmann::json& request, Context& ctx);
ApiResult HandleFilterLogEvents(const nlohmann::json& request, Context& ctx);
// Log group settings: retention, tags, deletion protection, KMS key
ApiResult HandlePutRetentionPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteRetentionPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleTagResource(const nlohmann::json& request, Context& ctx);
ApiResult HandleUntagResource(const nlohmann::json& request, Context& ctx);
ApiResult HandleListTagsForResource(const nlohmann::json& request, Context& ctx);
ApiResult HandleTagLogGroup(const nlohmann::json& request, Context& ctx);
ApiResult HandleUntagLogGroup(const nlohmann::json& request, Context& ctx);
ApiResult HandleListTagsLogGroup(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutLogGroupDeletionProtection(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutBearerTokenAuthentication(const nlohmann::json& request, Context& ctx);
ApiResult HandleAssociateKmsKey(const nlohmann::json& request, Context& ctx);
ApiResult HandleDisassociateKmsKey(const nlohmann::json& request, Context& ctx);
ApiResult HandleTestMetricFilter(const nlohmann::json& request, Context& ctx);
// Logs Insights (docs/insights-api.md): queries run on ctx.query_runner, definitions in the store
ApiResult HandleStartQuery(const nlohmann::json& request, Context& ctx);
// Live tail (docs/live.md): a streamed answer (EventStreamResult) served by ctx.live_tail
ApiResult HandleStartLiveTail(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetQueryResults(const nlohmann::json& request, Context& ctx);
ApiResult HandleStopQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeQueries(const nlohmann::json& request, Context& ctx);
ApiResult HandleListLogGroupsForQuery(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetLogRecord(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetLogGroupFields(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutQueryDefinition(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeQueryDefinitions(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteQueryDefinition(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
