// ListScheduledQueries: the account's scheduled queries in name order, optionally only those in
// one state, maxResults per page.
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"
#include "api/scheduled_query_runner.h"

namespace cwlogd::api {

ApiResult HandleListScheduledQueries(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  static constexpr std::string_view kStates[] = {"ENABLED", "DISABLED"};
  RequestReader in(request);
  auto max_results = in.Integer("maxResults", NumberRule{1, 1000});
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto state = in.Enum("state", kStates);
  if (in.failed()) return sq::AsValidation(in.error());
  // AWS's default page size is not recorded: ours is 50.
  const size_t limit = max_results ? static_cast<size_t>(*max_results) : 50;
  const uint64_t digest = detail::HashBytes(state.value_or(""), 0x736371);
  auto page = detail::ListResourcePage(ctx, storage::ResourceKind::kScheduledQuery, "", next_token,
                                       limit, detail::token_kind::kListScheduledQueries, digest,
                                       [&](const storage::ResourceRecord& r) {
                                         if (!state) return true;
                                         auto it = r.fields.find(scheduled_fields::kState);
                                         return it != r.fields.end() && it->second == *state;
                                       });
  if (auto* e = std::get_if<ApiError>(&page)) return sq::AsValidation(*e);
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) list.push_back(sq::SummaryJson(ctx.partition, r));
  nlohmann::json out = {{"scheduledQueries", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
