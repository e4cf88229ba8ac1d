// CreateScheduledQuery: stores a query to run on a schedule (the name is unique in the account
// and region); the ScheduledQueryRunner fires it.
#include <string>

#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"
#include "api/scheduled_query_runner.h"

namespace cwlogd::api {

ApiResult HandleCreateScheduledQuery(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  RequestReader in(request);
  auto name = in.String("name", sq::kNameRule, true);
  sq::Settings settings = sq::ReadSettings(in);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return sq::AsValidation(in.error());
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  if (auto e = sq::CheckSettings(ctx, settings)) return *e;
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  const int64_t now = ctx.clock.NowMillis();
  bool exists = false;
  std::string state;
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kScheduledQuery, *name, now, {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      exists = current != nullptr;
                      if (exists)
                        return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
                      sq::Apply(settings, now, out);
                      state = out->fields[scheduled_fields::kState];
                      if (tags) out->tags = *tags;
                      return storage::Status::OK();
                    });
  if (exists) {
    // Our text: AWS's is not recorded.
    return ApiError{"ConflictException",
                    "A scheduled query with the name '" + *name + "' already exists.", 400};
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"scheduledQueryArn", sq::QueryArn(ctx.partition, *name)},
                        {"state", state}};
}

}  // namespace cwlogd::api
