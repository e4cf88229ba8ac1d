#include <vector>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

bool IsNameChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '/' || c == '#';
}

// logGroupNamePattern of ListLogGroups (AWS API reference): up to 5 alternatives separated by
// '|', each an optional '^' (prefix anchor) and 3-24 name characters; otherwise a substring.
struct Alternative {
  bool anchored = false;
  std::string text;
};

std::optional<std::vector<Alternative>> ParseAlternatives(std::string_view s) {
  std::vector<Alternative> out;
  size_t start = 0;
  while (true) {
    size_t bar = s.find('|', start);
    std::string_view part =
        s.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    Alternative alt;
    if (part.starts_with('^')) {
      alt.anchored = true;
      part.remove_prefix(1);
    }
    if (part.size() < 3 || part.size() > 24) return std::nullopt;
    for (unsigned char c : part) {
      if (!IsNameChar(c)) return std::nullopt;
    }
    alt.text = std::string(part);
    out.push_back(std::move(alt));
    if (out.size() > 5) return std::nullopt;
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

bool MatchesListPattern(std::string_view s) { return ParseAlternatives(s).has_value(); }

const StringRule kListPatternRule{
    3, 129, R"((\^?[\.\-_\/#A-Za-z0-9]{3,24})(\|\^?[\.\-_\/#A-Za-z0-9]{3,24}){0,4})",
    &MatchesListPattern, false};

}  // namespace

ApiResult HandleListLogGroups(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto pattern = in.String("logGroupNamePattern", kListPatternRule);
  auto log_group_class = in.Enum("logGroupClass", detail::kLogGroupClasses);
  (void)in.Bool("includeLinkedAccounts");
  (void)in.StringList("accountIdentifiers", ListRule{0, 20}, kAccountIdRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 1000});
  if (in.failed()) return in.error();

  std::vector<Alternative> alternatives;
  if (pattern) alternatives = *ParseAlternatives(*pattern);
  uint64_t digest = detail::HashBytes(
      "pattern=" + pattern.value_or("") + "\nclass=" + log_group_class.value_or(""), 0x6c697374);
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
        if (!alternatives.empty()) {
          bool hit = false;
          for (const auto& alt : alternatives) {
            if (alt.anchored ? g.name.starts_with(alt.text)
                             : g.name.find(alt.text) != std::string::npos) {
              hit = true;
              break;
            }
          }
          if (!hit) return true;
        }
        if (log_group_class && g.log_group_class != *log_group_class) return true;
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
