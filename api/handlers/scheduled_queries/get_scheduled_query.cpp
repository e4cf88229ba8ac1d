// GetScheduledQuery: a scheduled query's settings and its last run, by name or ARN.
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetScheduledQuery(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  RequestReader in(request);
  auto identifier = in.String("identifier", sq::kIdentifierRule, true);
  if (in.failed()) return sq::AsValidation(in.error());
  auto found = sq::FindQuery(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  return sq::QueryJson(ctx.partition, std::get<storage::ResourceRecord>(found));
}

}  // namespace cwlogd::api
