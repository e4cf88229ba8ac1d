// DeleteSubscriptionFilter: remove one filter of a group, with its delivery cursor (events not
// delivered yet are not delivered).
#include "api/handlers/subscription_handlers.h"
#include "api/handlers/subscriptions/subscription_filter.h"
#include "api/request_reader.h"

namespace cwlogd::api {

ApiResult HandleDeleteSubscriptionFilter(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, true);
  auto name = in.String("filterName", kFilterNameRule, true);
  if (in.failed()) return in.error();
  storage::SubscriptionStore* store = ctx.store.subscription_store();
  if (store == nullptr) return subscriptions::NoSubscriptionStore();
  storage::Status s = store->DeleteFilter(ctx.partition, *group, *name);
  if (s.IsNotFound() && s.resource() == storage::Status::Resource::kResource) {
    return subscriptions::FilterNotFound();
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
