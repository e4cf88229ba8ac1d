#include <algorithm>
#include <tuple>
#include <vector>

#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

constexpr std::string_view kOrderBy[] = {"LogStreamName", "LastEventTime"};

// Sort position of a stream. Streams without events order as lastEventTimestamp 0 (first when
// ascending, last when descending); ties break on the name so the order is total.
struct Position {
  int64_t time = 0;
  std::string name;
  auto operator<=>(const Position&) const = default;
};

Position PositionOf(const storage::LogStreamInfo& s, bool by_time) {
  return {by_time ? s.last_event_timestamp.value_or(0) : 0, s.name};
}

}  // namespace

ApiResult HandleDescribeLogStreams(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  detail::GroupRef ref = detail::ReadGroupRef(in);
  auto prefix = in.String("logStreamNamePrefix", kLogStreamNamePrefixRule);
  auto order_by = in.Enum("orderBy", kOrderBy);
  auto descending = in.Bool("descending");
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  const std::string& group = std::get<std::string>(resolved);

  const bool by_time = order_by == "LastEventTime";
  const bool desc = descending.value_or(false);
  if (by_time && prefix) {
    return ApiError::InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  auto group_info = ctx.store.GetLogGroup(ctx.partition, group);
  if (!group_info.ok()) return FromStorage(group_info.status());

  uint64_t digest =
      detail::HashBytes(group + "\nprefix=" + prefix.value_or("") +
                            (by_time ? "\ntime" : "\nname") + (desc ? "\ndesc" : "\nasc"),
                        group_info->id);
  std::optional<Position> after;
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kDescribeLogStreams, ctx.partition);
    Position p;
    p.time = static_cast<int64_t>(token.U64());
    p.name = token.Str();
    if (token.U64() != digest || !token.Done()) return detail::InvalidNextToken();
    after = std::move(p);
  }

  detail::PageCollector<storage::LogStreamInfo> page(static_cast<size_t>(limit.value_or(50)));
  if (by_time) {
    // The store keeps a (last event time, name) index: a page costs O(page), not O(streams).
    std::optional<storage::StreamTimePosition> from;
    if (after) from = storage::StreamTimePosition{after->time, after->name};
    storage::Status s = ctx.store.ListLogStreamsByLastEventTime(
        ctx.partition, group, desc, from,
        [&](const storage::LogStreamInfo& info) { return page.Offer(info); });
    if (!s.ok()) return FromStorage(s);
  } else if (!desc) {
    // Storage already lists in ascending name order: stop as soon as the page is full.
    storage::Status s = ctx.store.ListLogStreams(
        ctx.partition, group, prefix.value_or(""), after ? after->name : "",
        [&](const storage::LogStreamInfo& info) { return page.Offer(info); });
    if (!s.ok()) return FromStorage(s);
  } else {
    std::vector<storage::LogStreamInfo> all;
    storage::Status s = ctx.store.ListLogStreams(ctx.partition, group, prefix.value_or(""), "",
                                                 [&](const storage::LogStreamInfo& info) {
                                                   all.push_back(info);
                                                   return true;
                                                 });
    if (!s.ok()) return FromStorage(s);
    auto less = [&](const storage::LogStreamInfo& a, const storage::LogStreamInfo& b) {
      return desc ? PositionOf(b, by_time) < PositionOf(a, by_time)
                  : PositionOf(a, by_time) < PositionOf(b, by_time);
    };
    std::sort(all.begin(), all.end(), less);
    for (auto& info : all) {
      if (after) {
        Position p = PositionOf(info, by_time);
        if (desc ? !(p < *after) : !(*after < p)) continue;
      }
      if (!page.Offer(std::move(info))) break;
    }
  }

  nlohmann::json streams = nlohmann::json::array();
  for (const auto& info : page.items())
    streams.push_back(detail::LogStreamJson(ctx.partition, group, info));
  nlohmann::json out = {{"logStreams", std::move(streams)}};
  if (page.more()) {
    Position last = PositionOf(page.items().back(), by_time);
    out["nextToken"] = detail::TokenWriter(detail::token_kind::kDescribeLogStreams, ctx.partition)
                           .U64(static_cast<uint64_t>(last.time))
                           .Str(last.name)
                           .U64(digest)
                           .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
