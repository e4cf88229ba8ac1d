// StartLiveTail (AWS API reference, docs/live.md): validates the request, resolves the groups,
// and registers a session with the live-tail hub; server/ then streams the session.
// Checks in this order: members' types and constraints, the two stream filters' rules, the
// groups' existence, the filter pattern, the session cap.
#include <nlohmann/json.hpp>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/data_masking.h"
#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "api/live_tail/live_tail_hub.h"

namespace cwlogd::api {
namespace {

std::string_view LiveTailTrimBlanks(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

ApiResult HandleStartLiveTail(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifiers = in.StringList("logGroupIdentifiers", ListRule{1, 10}, kLogGroupIdentifierRule,
                                   /*required=*/true);
  auto stream_names = in.StringList("logStreamNames", ListRule{1, 100}, kLogStreamNameRule);
  auto stream_prefixes =
      in.StringList("logStreamNamePrefixes", ListRule{1, 100}, kLogStreamNamePrefixRule);
  auto pattern_text = in.String("logEventFilterPattern", kFilterPatternRule);
  if (in.failed()) return in.error();
  // AWS's texts for these two are not recorded; moto's are used (spec/live-tail.md §1).
  if (stream_names && stream_prefixes) {
    return ApiError::InvalidParameter(
        "Only one of logStreamNames or logStreamNamePrefixes can be provided.");
  }
  if ((stream_names || stream_prefixes) && identifiers->size() != 1) {
    return ApiError::InvalidParameter(
        "logStreamNames and logStreamNamePrefixes can only be used with a single log group.");
  }

  live_tail::SessionFilter filter;
  filter.partition = ctx.partition;
  for (const std::string& identifier : *identifiers) {
    // Names or ARNs; an ARN ending in :* names no group here (the model's doc).
    auto name = detail::ResolveLogGroupIdentifier(ctx.partition, identifier, /*allow_star=*/false);
    if (!name) return detail::LogGroupNotFound();
    auto group = ctx.store.GetLogGroup(ctx.partition, *name);
    if (!group.ok()) return FromStorage(group.status());
    auto masking = detail::EventMasking::Load(ctx, *name);
    if (auto* e = std::get_if<ApiError>(&masking)) return *e;
    filter.masking.push_back(std::move(std::get<detail::EventMasking>(masking)));
    filter.group_names.push_back(std::move(*name));
    filter.identifiers.push_back(identifier);
  }
  if (pattern_text) {
    filters::ParseError parse_error;
    auto pattern = filters::ParseFilterPattern(*pattern_text, &parse_error);
    if (!pattern) return detail::InvalidFilterPattern(parse_error);
    // Observed (2025): StartLiveTail refuses a pattern of only empty quoted terms (`""`), which
    // FilterLogEvents reads as "match everything".
    const std::string_view trimmed = LiveTailTrimBlanks(*pattern_text);
    if (pattern->kind() == filters::PatternKind::kMatchAll && !trimmed.empty()) {
      return ApiError::InvalidParameter("Invalid filter pattern: Invalid character(s) in term '" +
                                        std::string(trimmed) + "'");
    }
    filter.pattern = std::move(pattern);
  }
  filter.stream_names = stream_names;
  filter.stream_prefixes = stream_prefixes;
  if (ctx.live_tail == nullptr) {
    return ApiError::ServiceUnavailable("Live tail is not available on this server.");
  }

  // LiveTailSessionStart, members in the model's order.
  nlohmann::ordered_json start;
  start["requestId"] = detail::NewUuid();
  start["sessionId"] = detail::NewUuid();
  start["logGroupIdentifiers"] = *identifiers;
  if (stream_names) start["logStreamNames"] = *stream_names;
  if (stream_prefixes) start["logStreamNamePrefixes"] = *stream_prefixes;
  if (pattern_text) start["logEventFilterPattern"] = *pattern_text;
  auto session = std::make_shared<live_tail::LiveTailSession>(
      std::move(filter), start.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
      ctx.clock);
  if (!ctx.live_tail->Add(session)) return ApiError::LimitExceeded("Rate exceeded");
  return EventStreamResult{std::move(session)};
}

}  // namespace cwlogd::api
