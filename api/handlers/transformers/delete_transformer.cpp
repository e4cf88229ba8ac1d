// DeleteTransformer: events ingested afterwards are stored as sent.
#include "api/detail/resources.h"
#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteTransformer(const nlohmann::json& request, Context& ctx) {
  // AWS's text for a group without a transformer is unknown.
  return detail::DeleteGroupResource(request, ctx, storage::ResourceKind::kTransformer,
                                     "The specified log group has no transformer.");
}

}  // namespace cwlogd::api
