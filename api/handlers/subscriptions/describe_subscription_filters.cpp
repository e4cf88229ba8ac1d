// DescribeSubscriptionFilters: the filters of a group in name order, by prefix, `limit` per page.
#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/subscription_handlers.h"
#include "api/handlers/subscriptions/subscription_filter.h"
#include "api/request_reader.h"

namespace cwlogd::api {

ApiResult HandleDescribeSubscriptionFilters(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, true);
  auto prefix = in.String("filterNamePrefix", kFilterNameRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();
  storage::SubscriptionStore* store = ctx.store.subscription_store();
  if (store == nullptr) return subscriptions::NoSubscriptionStore();
  // The token holds the last name returned, bound to the group and prefix.
  const uint64_t digest = detail::HashBytes(*group + '\n' + prefix.value_or(""), 0x7362);  // "sb"
  std::string start_after;
  if (next_token) {
    auto last = detail::ReadNameToken(*next_token, detail::token_kind::kDescribeSubscriptionFilters,
                                      ctx.partition, digest);
    if (!last) return detail::InvalidNextToken();
    start_after = std::move(*last);
  }
  detail::PageCollector<storage::ResourceRecord> page(static_cast<size_t>(limit.value_or(50)));
  storage::Status s =
      store->ListFilters(ctx.partition, *group, prefix.value_or(""), start_after,
                         [&](const storage::ResourceRecord& r) { return page.Offer(r); });
  if (!s.ok()) return FromStorage(s);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : page.items()) list.push_back(subscriptions::FilterJson(*group, r));
  nlohmann::json out = {{"subscriptionFilters", std::move(list)}};
  if (page.more()) {
    out["nextToken"] = detail::NameToken(detail::token_kind::kDescribeSubscriptionFilters,
                                         ctx.partition, page.items().back().name, digest);
  }
  return out;
}

}  // namespace cwlogd::api
