// StopQuery (AWS API reference): cancels a Scheduled or Running query; it ends as Cancelled
// within one chunk of its scan.
#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "api/query_runner.h"

namespace cwlogd::api {

ApiResult HandleStopQuery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto query_id = in.String("queryId", detail::kQueryIdRule, true);
  if (in.failed()) return in.error();
  if (ctx.query_runner == nullptr) return detail::NoQueryRunner();
  switch (ctx.query_runner->Stop(ctx.partition, *query_id)) {
    case QueryRunner::StopOutcome::kStopped:
      return nlohmann::json{{"success", true}};
    case QueryRunner::StopOutcome::kNotFound:
      return detail::QueryNotFound();
    case QueryRunner::StopOutcome::kNotRunning:
      break;
  }
  // The model documents the case, not its text; this one is ours.
  return ApiError::InvalidParameter("Query " + *query_id + " is not running.");
}

}  // namespace cwlogd::api
