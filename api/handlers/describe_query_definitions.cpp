// DescribeQueryDefinitions (AWS API reference): the partition's saved queries ordered by name
// (then id), filtered by a name prefix and language, paged by maxResults (default 1000).
// nextToken = the last (name, id) returned, bound to the prefix.
#include <algorithm>

#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "storage/query_definition_store.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kMaxDefinitionsPerPage = 1000;
const StringRule kPrefixRule{1, 255, "", nullptr, false};

nlohmann::json DefinitionJson(const storage::QueryDefinition& d) {
  nlohmann::json e = {{"queryLanguage", d.query_language},
                      {"queryDefinitionId", d.id},
                      {"name", d.name},
                      {"queryString", d.query_string},
                      {"lastModified", d.last_modified_ms}};
  if (!d.log_group_names.empty()) e["logGroupNames"] = d.log_group_names;
  if (!d.parameters.empty()) {
    nlohmann::json params = nlohmann::json::array();
    for (const auto& p : d.parameters) {
      nlohmann::json j = {{"name", p.name}};
      if (p.default_value) j["defaultValue"] = *p.default_value;
      if (p.description) j["description"] = *p.description;
      params.push_back(std::move(j));
    }
    e["parameters"] = std::move(params);
  }
  return e;
}

}  // namespace

ApiResult HandleDescribeQueryDefinitions(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto language = in.Enum("queryLanguage", detail::kQueryLanguages);
  auto prefix = in.String("queryDefinitionNamePrefix", kPrefixRule);
  auto max_results = in.Integer("maxResults", NumberRule{1, kMaxDefinitionsPerPage});
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  storage::QueryDefinitionStore* store = ctx.store.query_definition_store();
  if (store == nullptr) {
    return ApiError::ServiceUnavailable("The service cannot complete the request.");
  }
  const uint64_t digest = detail::HashBytes(prefix.value_or(""), prefix ? 1 : 0);
  std::optional<std::pair<std::string, std::string>> after;  // (name, id)
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kDescribeQueryDefinitions,
                              ctx.partition);
    std::string name = token.Str();
    std::string id = token.Str();
    if (token.U64() != digest || !token.Done() || id.empty()) return detail::InvalidNextToken();
    after.emplace(std::move(name), std::move(id));
  }
  // At most 1000 per partition: read them all, then order and page.
  std::vector<storage::QueryDefinition> defs;
  storage::Status s =
      store->ListQueryDefinitions(ctx.partition, [&](const storage::QueryDefinition& d) {
        if (prefix && !d.name.starts_with(*prefix)) return true;
        if (language && d.query_language != *language) return true;
        if (after && std::tie(d.name, d.id) <= std::tie(after->first, after->second)) return true;
        defs.push_back(d);
        return true;
      });
  if (!s.ok()) return FromStorage(s);
  std::sort(defs.begin(), defs.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.id) < std::tie(b.name, b.id);
  });
  const size_t max = static_cast<size_t>(max_results.value_or(kMaxDefinitionsPerPage));
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < defs.size() && i < max; ++i) list.push_back(DefinitionJson(defs[i]));
  nlohmann::json out = {{"queryDefinitions", std::move(list)}};
  if (defs.size() > max) {
    const auto& last = defs[max - 1];
    out["nextToken"] =
        detail::TokenWriter(detail::token_kind::kDescribeQueryDefinitions, ctx.partition)
            .Str(last.name)
            .Str(last.id)
            .U64(digest)
            .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
