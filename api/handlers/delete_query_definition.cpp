// DeleteQueryDefinition (AWS API reference): removes a saved query; unknown id ->
// ResourceNotFoundException "The specified query definition does not exist.".
#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "storage/query_definition_store.h"

namespace cwlogd::api {

ApiResult HandleDeleteQueryDefinition(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto id = in.String("queryDefinitionId", detail::kQueryIdRule, true);
  if (in.failed()) return in.error();
  storage::QueryDefinitionStore* store = ctx.store.query_definition_store();
  if (store == nullptr) {
    return ApiError::ServiceUnavailable("The service cannot complete the request.");
  }
  storage::Status s = store->DeleteQueryDefinition(ctx.partition, *id);
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"success", true}};
}

}  // namespace cwlogd::api
