// DeleteDestination.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/destinations/destination.h"

namespace cwlogd::api {

ApiResult HandleDeleteDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("destinationName", detail::kDestinationNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kDestination, *name);
  if (s.IsNotFound()) return destinations::DestinationNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
