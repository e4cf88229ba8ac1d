// DescribeDestinations: destinations in name order, by prefix, `limit` per page.
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/destinations/destination.h"

namespace cwlogd::api {

ApiResult HandleDescribeDestinations(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  // The model spells this member with a capital D.
  auto prefix = in.String("DestinationNamePrefix", detail::kDestinationNameRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();
  const uint64_t digest = detail::HashBytes(prefix.value_or(""), 0x6473);
  auto page = detail::ListResourcePage(
      ctx, storage::ResourceKind::kDestination, prefix.value_or(""), next_token,
      static_cast<size_t>(limit.value_or(50)), detail::token_kind::kDescribeDestinations, digest);
  if (auto* e = std::get_if<ApiError>(&page)) return *e;
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) list.push_back(destinations::DestinationJson(ctx, r));
  nlohmann::json out = {{"destinations", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
