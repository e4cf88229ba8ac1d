// UpdateScheduledQuery: replaces a scheduled query's settings (PUT semantics: an optional member
// left out is removed; a left-out state keeps the current one) and answers the query as stored.
#include "api/detail/resources.h"
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"

namespace cwlogd::api {

ApiResult HandleUpdateScheduledQuery(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  RequestReader in(request);
  auto identifier = in.String("identifier", sq::kIdentifierRule, true);
  sq::Settings settings = sq::ReadSettings(in);
  if (in.failed()) return sq::AsValidation(in.error());
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto name = sq::NameFromIdentifier(ctx.partition, *identifier);
  if (!name) return sq::QueryNotFound();
  if (auto e = sq::CheckSettings(ctx, settings)) return *e;
  const int64_t now = ctx.clock.NowMillis();
  bool missing = false;
  storage::ResourceRecord stored;
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kScheduledQuery, *name, now, {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      missing = current == nullptr;
                      if (missing)
                        return storage::Status::NotFound(storage::Status::Resource::kResource);
                      *out = *current;
                      sq::Apply(settings, now, out);
                      stored = *out;
                      return storage::Status::OK();
                    });
  if (missing) return sq::QueryNotFound();
  if (!s.ok()) return FromStorage(s);
  stored.name = *name;
  stored.last_updated_ms = now;
  return sq::QueryJson(ctx.partition, stored);
}

}  // namespace cwlogd::api
