// ListLogGroupsForQuery (AWS API reference): the log groups a query covered, as log group ARNs
// (no trailing :*), in the order StartQuery named them; maxResults 50-500, default 50.
#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "api/query_runner.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kDefaultMaxResults = 50;

}  // namespace

ApiResult HandleListLogGroupsForQuery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto query_id = in.String("queryId", detail::kQueryIdRule, true);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto max_results = in.Integer("maxResults", NumberRule{50, 500});
  if (in.failed()) return in.error();
  if (ctx.query_runner == nullptr) return detail::NoQueryRunner();
  auto info = ctx.query_runner->Info(ctx.partition, *query_id);
  if (!info) return detail::QueryNotFound();
  size_t begin = 0;
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kListLogGroupsForQuery,
                              ctx.partition);
    std::string id = token.Str();
    uint64_t offset = token.U64();
    if (!token.Done() || id != *query_id || offset == 0 || offset >= info->groups.size()) {
      return detail::InvalidNextToken();
    }
    begin = static_cast<size_t>(offset);
  }
  const size_t end = std::min(
      info->groups.size(), begin + static_cast<size_t>(max_results.value_or(kDefaultMaxResults)));
  nlohmann::json ids = nlohmann::json::array();
  for (size_t i = begin; i < end; ++i)
    ids.push_back(detail::LogGroupArn(ctx.partition, info->groups[i]));
  nlohmann::json out = {{"logGroupIdentifiers", std::move(ids)}};
  if (end < info->groups.size()) {
    out["nextToken"] =
        detail::TokenWriter(detail::token_kind::kListLogGroupsForQuery, ctx.partition)
            .Str(*query_id)
            .U64(end)
            .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
