// DeleteLookupTable: removes a table for good.
#include "api/detail/resources.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/lookup_tables/lookup_table.h"

namespace cwlogd::api {

ApiResult HandleDeleteLookupTable(const nlohmann::json& request, Context& ctx) {
  namespace lt = lookup_tables;
  RequestReader in(request);
  auto arn = in.String("lookupTableArn", lt::kArnRule, true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto name = lt::NameFromArn(ctx.partition, *arn);
  if (!name) return lt::TableNotFound();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kLookupTable, *name);
  if (s.IsNotFound()) return lt::TableNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
