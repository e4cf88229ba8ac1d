#include <algorithm>
#include <set>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

bool MatchesGroupPattern(std::string_view s) {  // [\.\-_/#A-Za-z0-9]*
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
    if (!ok) return false;
  }
  return true;
}

const StringRule kPatternRule{0, 512, R"([\.\-_/#A-Za-z0-9]*)", &MatchesGroupPattern, false};
constexpr int64_t kDefaultLimit = 50;

}  // namespace

ApiResult HandleDescribeLogGroups(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  (void)in.StringList("accountIdentifiers", ListRule{0, 20}, kAccountIdRule);
  auto prefix = in.String("logGroupNamePrefix", kLogGroupNamePrefixRule);
  auto pattern = in.String("logGroupNamePattern", kPatternRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  (void)in.Bool("includeLinkedAccounts");  // no linked accounts here: nothing to include
  auto log_group_class = in.Enum("logGroupClass", detail::kLogGroupClasses);
  auto identifiers = in.StringList("logGroupIdentifiers", ListRule{1, 50}, kLogGroupIdentifierRule);
  if (in.failed()) return in.error();

  if (prefix && pattern) {
    return ApiError::InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (identifiers && (prefix || pattern || log_group_class)) {
    // The model allows only includeLinkedAccounts next to logGroupIdentifiers; text is ours.
    return ApiError::InvalidParameter(
        "logGroupIdentifiers cannot be combined with logGroupNamePrefix, logGroupNamePattern or "
        "logGroupClass.");
  }

  // A token is bound to the query that produced it.
  std::string query = "prefix=" + prefix.value_or("") + "\npattern=" + pattern.value_or("") +
                      "\nclass=" + log_group_class.value_or("") + "\nids=";
  if (identifiers) {
    for (const auto& id : *identifiers) query += id + ",";
  }
  uint64_t digest = detail::HashBytes(query, 0x64657363);
  std::string start_after;
  if (next_token) {
    auto resumed = detail::ReadNameToken(*next_token, detail::token_kind::kDescribeLogGroups,
                                         ctx.partition, digest);
    if (!resumed) return detail::InvalidNextToken();
    start_after = std::move(*resumed);
  }

  detail::PageCollector<storage::LogGroupInfo> page(
      static_cast<size_t>(limit.value_or(kDefaultLimit)));
  if (identifiers) {
    std::set<std::string> names;
    for (const auto& id : *identifiers) {
      if (auto name = detail::ResolveLogGroupIdentifier(ctx.partition, id)) names.insert(*name);
    }
    for (auto it = names.upper_bound(start_after); it != names.end(); ++it) {
      auto group = ctx.store.GetLogGroup(ctx.partition, *it);
      if (!group.ok()) {
        if (group.status().IsNotFound()) continue;  // unknown identifiers are simply absent
        return FromStorage(group.status());
      }
      if (!page.Offer(std::move(group.value()))) break;
    }
  } else {
    storage::Status s = ctx.store.ListLogGroups(
        ctx.partition, prefix.value_or(""), start_after, [&](const storage::LogGroupInfo& g) {
          if (pattern && g.name.find(*pattern) == std::string::npos) return true;
          if (log_group_class && g.log_group_class != *log_group_class) return true;
          return page.Offer(g);
        });
    if (!s.ok()) return FromStorage(s);
  }

  const bool slim = pattern.has_value();
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : page.items()) {
    groups.push_back(detail::LogGroupJson(ctx.partition, g, slim));
  }
  nlohmann::json out = {{"logGroups", std::move(groups)}};
  // With logGroupNamePattern AWS hands out a nextToken with every page that holds a group, even
  // one short of `limit` (recorded answers: a single match comes with a token); the page after
  // the last match is empty and has none, so paginators stop there.
  if (page.more() || (pattern && !page.items().empty())) {
    out["nextToken"] = detail::NameToken(detail::token_kind::kDescribeLogGroups, ctx.partition,
                                         page.items().back().name, digest);
  }
  return out;
}

}  // namespace cwlogd::api
