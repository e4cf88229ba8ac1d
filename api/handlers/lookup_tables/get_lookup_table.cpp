// GetLookupTable: one table with its CSV body.
#include "api/handlers/export_handlers.h"
#include "api/handlers/lookup_tables/lookup_table.h"

namespace cwlogd::api {

ApiResult HandleGetLookupTable(const nlohmann::json& request, Context& ctx) {
  namespace lt = lookup_tables;
  RequestReader in(request);
  auto arn = in.String("lookupTableArn", lt::kArnRule, true);
  if (in.failed()) return in.error();
  auto found = lt::FindTable(ctx, *arn);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  const auto& r = std::get<storage::ResourceRecord>(found);
  nlohmann::json out = lt::TableJson(ctx.partition, r);
  // GetLookupTable's shape: the body, no field list or row count.
  out.erase("tableFields");
  out.erase("recordsCount");
  out["tableBody"] = r.fields.contains("tableBody") ? r.fields.at("tableBody") : "";
  return out;
}

}  // namespace cwlogd::api
