// GetTransformer: the transformer of a log group as it was put.
#include "api/detail/resources.h"
#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetTransformer(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = detail::FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  storage::ResourceStore* store = std::get<detail::GroupResourceTarget>(target).store;
  const std::string& name = std::get<detail::GroupResourceTarget>(target).group;
  auto r = store->Get(ctx.partition, storage::ResourceKind::kTransformer, name);
  if (!r.ok()) {
    // AWS's text for a group without a transformer is unknown.
    if (r.status().IsNotFound()) {
      return ApiError::ResourceNotFound("The specified log group has no transformer.");
    }
    return FromStorage(r.status());
  }
  nlohmann::json config = nlohmann::json::parse(r->fields["transformerConfig"], nullptr, false);
  if (config.is_discarded()) config = nlohmann::json::array();
  return nlohmann::json{{"logGroupIdentifier", name},
                        {"creationTime", r->creation_time_ms},
                        {"lastModifiedTime", r->last_updated_ms},
                        {"transformerConfig", std::move(config)}};
}

}  // namespace cwlogd::api
