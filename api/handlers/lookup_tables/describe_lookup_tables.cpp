// DescribeLookupTables: tables in ascending name order (the model), optionally those whose
// names start with a prefix, maxResults per page.
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/export_handlers.h"
#include "api/handlers/lookup_tables/lookup_table.h"

namespace cwlogd::api {

ApiResult HandleDescribeLookupTables(const nlohmann::json& request, Context& ctx) {
  namespace lt = lookup_tables;
  RequestReader in(request);
  auto prefix = in.String("lookupTableNamePrefix", lt::kNameRule);
  // Model: at most 100, no minimum; 0 or less is taken as the default 50 (our choice).
  auto max_results = in.Integer("maxResults", NumberRule{.max = 100});
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  const size_t limit = max_results && *max_results > 0 ? static_cast<size_t>(*max_results) : 50;
  const uint64_t digest = detail::HashBytes(prefix.value_or(""), 0x6c6b70);
  auto page = detail::ListResourcePage(ctx, storage::ResourceKind::kLookupTable,
                                       prefix.value_or(""), next_token, limit,
                                       detail::token_kind::kDescribeLookupTables, digest);
  if (auto* e = std::get_if<ApiError>(&page)) return *e;
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) list.push_back(lt::TableJson(ctx.partition, r));
  nlohmann::json out = {{"lookupTables", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
