#include <string>

#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/resources/resource_handlers.h"

namespace cwlogd::api::cloudwatch::resources {

std::optional<ApiError> CheckMaxResults(const std::optional<int64_t>& max, int64_t max_page) {
  if (!max || (*max >= 1 && *max <= max_page)) return std::nullopt;
  return InvalidParameterValue("The parameter MaxResults must be between 1 and " +
                               std::to_string(max_page) + ".");
}

ApiResult ListResourcePage(Context& ctx, storage::ResourceKind kind, std::string_view prefix,
                           std::string_view token_kind, const std::optional<std::string>& token,
                           int64_t page_size, std::string_view list_member,
                           const PageEntryFn& render) {
  std::string after;
  if (token) {
    auto state = detail::DecodeToken(token_kind, ctx.partition, *token);
    if (!state || !state->is_string()) return InvalidNextToken();
    after = state->get<std::string>();
  }
  if (ctx.resources == nullptr) return NoResourceStore();
  const auto page = static_cast<size_t>(page_size);
  nlohmann::json entries = nlohmann::json::array();
  std::string last;
  bool more = false;
  storage::Status s = ctx.resources->List(
      ctx.partition, kind, prefix, after, [&](const storage::ResourceRecord& rec) {
        std::optional<nlohmann::json> entry = render(rec);
        if (!entry) return true;
        if (entries.size() == page) {
          more = true;
          return false;
        }
        entries.push_back(std::move(*entry));
        last = rec.name;
        return true;
      });
  if (!s.ok()) return FromStorage(s);
  nlohmann::json out = {{std::string(list_member), std::move(entries)}};
  if (more) out["NextToken"] = detail::EncodeToken(token_kind, ctx.partition, last);
  return out;
}

}  // namespace cwlogd::api::cloudwatch::resources
