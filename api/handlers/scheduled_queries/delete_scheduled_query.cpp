// DeleteScheduledQuery: deletes a scheduled query and then its run history.
#include <string>
#include <vector>

#include "api/detail/resources.h"
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"
#include "api/scheduled_query_runner.h"

namespace cwlogd::api {

ApiResult HandleDeleteScheduledQuery(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  RequestReader in(request);
  auto identifier = in.String("identifier", sq::kIdentifierRule, true);
  if (in.failed()) return sq::AsValidation(in.error());
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto name = sq::NameFromIdentifier(ctx.partition, *identifier);
  if (!name) return sq::QueryNotFound();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kScheduledQuery, *name);
  if (s.IsNotFound()) return sq::QueryNotFound();
  if (!s.ok()) return FromStorage(s);
  // The runs go after the query: a crash in between leaves runs no query lists (a query created
  // again under the name sees them; our choice over a second batch API).
  std::vector<std::string> runs;
  s = store->List(ctx.partition, storage::ResourceKind::kScheduledQueryRun, RunRecordPrefix(*name),
                  "", [&](const storage::ResourceRecord& r) {
                    runs.push_back(r.name);
                    return true;
                  });
  if (!s.ok()) return FromStorage(s);
  for (const std::string& run : runs) {
    s = store->Delete(ctx.partition, storage::ResourceKind::kScheduledQueryRun, run);
    if (!s.ok() && !s.IsNotFound()) return FromStorage(s);
  }
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
