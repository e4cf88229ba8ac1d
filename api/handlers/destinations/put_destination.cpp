// PutDestination: creates a destination or changes its target and role (its access policy and
// creation time stay).
#include "api/detail/arn.h"
#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/destinations/destination.h"

namespace cwlogd::api {

namespace destinations {

nlohmann::json DestinationJson(const Context& ctx, const storage::ResourceRecord& r) {
  nlohmann::json out = {{"destinationName", r.name}};
  for (const char* member : {"targetArn", "roleArn", "accessPolicy"}) {
    if (auto it = r.fields.find(member); it != r.fields.end()) out[member] = it->second;
  }
  out["arn"] = detail::DestinationArn(ctx.partition, r.name);
  out["creationTime"] = r.creation_time_ms;
  return out;
}

ApiError DestinationNotFound() {
  return ApiError::ResourceNotFound("The specified destination does not exist.");
}

}  // namespace destinations

ApiResult HandlePutDestination(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("destinationName", detail::kDestinationNameRule, /*required=*/true);
  auto target = in.String("targetArn", detail::kNonEmptyRule, /*required=*/true);
  auto role = in.String("roleArn", detail::kNonEmptyRule, /*required=*/true);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kDestination, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) *out = *current;
        out->fields["targetArn"] = *target;
        out->fields["roleArn"] = *role;
        // Tags are taken when the destination is created (TagResource changes them later).
        if (current == nullptr && tags) out->tags = *tags;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kDestination, *name);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"destination", destinations::DestinationJson(ctx, *r)}};
}

}  // namespace cwlogd::api
