// PutDestinationPolicy: sets the access policy of an existing destination.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/destinations/destination.h"

namespace cwlogd::api {

ApiResult HandlePutDestinationPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("destinationName", detail::kDestinationNameRule, /*required=*/true);
  auto policy = in.String("accessPolicy", detail::kNonEmptyRule, /*required=*/true);
  (void)in.Bool("forceUpdate");  // no organization-wide checks here: nothing to force
  if (in.failed()) return in.error();
  if (auto e = detail::CheckJsonObject(*policy, "accessPolicy")) return *e;
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDestination, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr)
          return storage::Status::NotFound(storage::Status::Resource::kDestination);
        *out = *current;
        out->fields["accessPolicy"] = *policy;
        return storage::Status::OK();
      });
  if (s.IsNotFound()) return destinations::DestinationNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
