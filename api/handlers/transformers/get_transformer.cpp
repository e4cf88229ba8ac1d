// GetTransformer: the transformer of a log group as it was put.
#include "api/detail/resources.h"
#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetTransformer(const nlohmann::json& request, Context& ctx) {
  auto found = detail::GetGroupResource(request, ctx, storage::ResourceKind::kTransformer);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  const detail::GroupResource& resource = std::get<detail::GroupResource>(found);
  // AWS's text for a group without a transformer is unknown.
  if (!resource.record)
    return ApiError::ResourceNotFound("The specified log group has no transformer.");
  nlohmann::json config =
      nlohmann::json::parse(resource.record->FieldOrEmpty("transformerConfig"), nullptr, false);
  if (config.is_discarded()) config = nlohmann::json::array();
  return nlohmann::json{{"logGroupIdentifier", resource.group},
                        {"creationTime", resource.record->creation_time_ms},
                        {"lastModifiedTime", resource.record->last_updated_ms},
                        {"transformerConfig", std::move(config)}};
}

}  // namespace cwlogd::api
