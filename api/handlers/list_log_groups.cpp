#include <vector>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/log_group_selection.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleListLogGroups(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto pattern = in.String("logGroupNamePattern", detail::kLogGroupNameRegexPatternRule);
  auto log_group_class = in.Enum("logGroupClass", detail::kLogGroupClasses);
  auto data_sources = detail::DataSourceFilters::Read(in);
  (void)in.Bool("includeLinkedAccounts");
  (void)in.StringList("accountIdentifiers", ListRule{0, 20}, kAccountIdRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 1000});
  if (in.failed()) return in.error();

  std::optional<detail::LogGroupNamePattern> name_pattern;
  if (pattern) name_pattern = detail::LogGroupNamePattern::Parse(*pattern);
  // Tokens issued before dataSources was read carry no "sources" part: they stay valid.
  std::string selection =
      "pattern=" + pattern.value_or("") + "\nclass=" + log_group_class.value_or("");
  if (std::string sources = data_sources.Digest(); !sources.empty()) {
    selection += "\nsources=" + sources;
  }
  uint64_t digest = detail::HashBytes(selection, 0x6c697374);
  std::string start_after;
  if (next_token) {
    auto resumed = detail::ReadNameToken(*next_token, detail::token_kind::kListLogGroups,
                                         ctx.partition, digest);
    if (!resumed) return detail::InvalidNextToken();
    start_after = std::move(*resumed);
  }

  detail::PageCollector<storage::LogGroupInfo> page(static_cast<size_t>(limit.value_or(50)));
  storage::Status s =
      ctx.store.ListLogGroups(ctx.partition, "", start_after, [&](const storage::LogGroupInfo& g) {
        if (name_pattern && !name_pattern->Matches(g.name)) return true;
        if (log_group_class && g.log_group_class != *log_group_class) return true;
        if (!data_sources.Selects(g)) return true;
        return page.Offer(g);
      });
  if (!s.ok()) return FromStorage(s);

  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : page.items()) {
    groups.push_back({{"logGroupName", g.name},
                      {"logGroupArn", detail::LogGroupArn(ctx.partition, g.name)},
                      {"logGroupClass", g.log_group_class}});
  }
  nlohmann::json out = {{"logGroups", std::move(groups)}};
  if (page.more()) {
    out["nextToken"] = detail::NameToken(detail::token_kind::kListLogGroups, ctx.partition,
                                         page.items().back().name, digest);
  }
  return out;
}

}  // namespace cwlogd::api
