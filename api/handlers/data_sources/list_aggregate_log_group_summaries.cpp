// ListAggregateLogGroupSummaries: the count of log groups per data source (name and type; the
// format too for DATA_SOURCE_NAME_TYPE_AND_FORMAT), over the groups the optional class, name
// pattern and dataSources filters select. Groups that belong to no data source are not counted.
// Summaries come in (name, type) order, `limit` (1-50, default 50) to a page.
#include <map>
#include <utility>

#include "api/detail/common.h"
#include "api/detail/log_group_selection.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/data_source_handlers.h"

namespace cwlogd::api {
namespace {

constexpr std::string_view kGroupByValues[] = {"DATA_SOURCE_NAME_TYPE_AND_FORMAT",
                                               "DATA_SOURCE_NAME_AND_TYPE"};

// The key a summary sorts and resumes by: name, then type ("" = none), NUL-separated.
std::string SummaryKey(const detail::DataSource& source) {
  return source.name + '\0' + source.type.value_or("");
}

}  // namespace

ApiResult HandleListAggregateLogGroupSummaries(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  (void)in.StringList("accountIdentifiers", ListRule{0, 20}, kAccountIdRule);
  (void)in.Bool("includeLinkedAccounts");
  auto log_group_class = in.Enum("logGroupClass", detail::kLogGroupClasses);
  auto pattern = in.String("logGroupNamePattern", detail::kLogGroupNameRegexPatternRule);
  auto data_sources = detail::DataSourceFilters::Read(in);
  auto group_by = in.Enum("groupBy", kGroupByValues, true);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();

  std::optional<detail::LogGroupNamePattern> name_pattern;
  if (pattern) name_pattern = detail::LogGroupNamePattern::Parse(*pattern);
  const uint64_t digest = detail::HashBytes(
      "pattern=" + pattern.value_or("") + "\nclass=" + log_group_class.value_or("") +
          "\nsources=" + data_sources.Digest() + "\ngroupBy=" + *group_by,
      0x61676772);
  std::string start_after;
  if (next_token) {
    auto resumed = detail::ReadNameToken(
        *next_token, detail::token_kind::kListAggregateLogGroupSummaries, ctx.partition, digest);
    if (!resumed) return detail::InvalidNextToken();
    start_after = std::move(*resumed);
  }

  // Every group is visited: the count of a data source needs all its groups.
  std::map<std::string, std::pair<detail::DataSource, int64_t>> summaries;
  storage::Status s =
      ctx.store.ListLogGroups(ctx.partition, "", "", [&](const storage::LogGroupInfo& g) {
        if (name_pattern && !name_pattern->Matches(g.name)) return true;
        if (log_group_class && g.log_group_class != *log_group_class) return true;
        if (!data_sources.Selects(g)) return true;
        auto source = detail::DataSourceOf(g);
        if (!source) return true;
        std::string key = SummaryKey(*source);
        if (!start_after.empty() && key <= start_after) return true;
        auto [it, inserted] = summaries.try_emplace(std::move(key), std::move(*source), 0);
        ++it->second.second;
        return true;
      });
  if (!s.ok()) return FromStorage(s);

  const size_t page_size = static_cast<size_t>(limit.value_or(50));
  nlohmann::json list = nlohmann::json::array();
  std::string last_key;
  for (const auto& [key, entry] : summaries) {
    if (list.size() == page_size) {
      nlohmann::json out = {{"aggregateLogGroupSummaries", std::move(list)}};
      out["nextToken"] = detail::NameToken(detail::token_kind::kListAggregateLogGroupSummaries,
                                           ctx.partition, last_key, digest);
      return out;
    }
    const auto& [source, count] = entry;
    nlohmann::json identifiers = nlohmann::json::array();
    identifiers.push_back({{"key", "dataSource.Name"}, {"value", source.name}});
    if (source.type) identifiers.push_back({{"key", "dataSource.Type"}, {"value", *source.type}});
    list.push_back({{"logGroupCount", count}, {"groupingIdentifiers", std::move(identifiers)}});
    last_key = key;
  }
  return nlohmann::json{{"aggregateLogGroupSummaries", std::move(list)}};
}

}  // namespace cwlogd::api
