// GetLogEvents (AWS API reference). Tokens name a position in the stream's EventKey order
// (api/detail/tokens.h): "f/K" = the events after K, "b/K" = the events before K. A page holds
// at most `limit` events and 1 MB, always in ascending order.
#include <algorithm>
#include <limits>
#include <vector>

#include "api/detail/common.h"
#include "api/detail/data_masking.h"
#include "api/detail/json_text.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

struct PageEvent {
  storage::EventKey key;
  int64_t ingestion_time = 0;
  std::string message;
};

}  // namespace

ApiResult HandleGetLogEvents(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  detail::GroupRef ref = detail::ReadGroupRef(in);
  auto stream_name = in.String("logStreamName", kLogStreamNameRule, /*required=*/true);
  auto start_time = in.Long("startTime", NumberRule{0});
  auto end_time = in.Long("endTime", NumberRule{0});
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, detail::kMaxEventsPerPage});
  auto start_from_head = in.Bool("startFromHead");
  auto unmask = in.Bool("unmask");
  if (in.failed()) return in.error();
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  const std::string& group_name = std::get<std::string>(resolved);

  auto group = ctx.store.GetLogGroup(ctx.partition, group_name);
  if (!group.ok()) return FromStorage(group.status());
  auto stream = ctx.store.GetLogStream(ctx.partition, group_name, *stream_name);
  if (!stream.ok()) return FromStorage(stream.status());
  detail::EventMasking masking;
  if (!unmask.value_or(false)) {
    auto loaded = detail::EventMasking::Load(ctx, group_name);
    if (auto* e = std::get_if<ApiError>(&loaded)) return *e;
    masking = std::move(std::get<detail::EventMasking>(loaded));
  }

  std::optional<detail::StreamToken> token;
  if (next_token) {
    token = detail::DecodeStreamToken(*next_token, ctx.partition, group->id, stream->id);
    if (!token) return detail::InvalidNextToken();
  }
  // The token's direction wins over startFromHead: AWS asks for startFromHead=true with a
  // forward token and documents no other combination.
  const bool forward = token ? token->forward : start_from_head.value_or(false);

  storage::StreamScanQuery query;
  query.start_time = std::max(start_time.value_or(std::numeric_limits<int64_t>::min()),
                              detail::RetentionFloor(group.value(), ctx.clock.NowMillis()));
  query.end_time = end_time.value_or(std::numeric_limits<int64_t>::max());
  query.forward = forward;
  if (token) query.cursor = token->key;

  const size_t max_events = static_cast<size_t>(limit.value_or(detail::kMaxEventsPerPage));
  std::vector<PageEvent> page;
  size_t page_bytes = 0;
  // A backward token at the origin has nothing before it.
  const bool nothing_to_read =
      (token && !token->forward && !token->key) || query.start_time >= query.end_time;
  if (!nothing_to_read) {
    storage::Status s = ctx.store.ScanStream(
        ctx.partition, group_name, *stream_name, query, [&](const storage::EventView& e) {
          size_t size = e.message.size() + detail::kEventOverheadBytes;
          if (page.size() == max_events ||
              (page_bytes + size > detail::kMaxPageBytes && !page.empty())) {
            return false;
          }
          page_bytes += size;
          page.push_back({e.key, e.ingestion_time, std::string(e.message)});
          return true;
        });
    if (!s.ok()) return FromStorage(s);
  }
  if (!forward) std::reverse(page.begin(), page.end());

  auto encode = [&](bool fwd, std::optional<storage::EventKey> key) {
    return detail::EncodeStreamToken({fwd, key}, ctx.partition, group->id, stream->id);
  };
  std::string next_forward, next_backward;
  if (!page.empty()) {
    next_forward = encode(true, page.back().key);
    next_backward = encode(false, page.front().key);
  } else if (token && token->forward) {
    // End of the stream: the same token again, so clients see it repeat and stop; new events
    // arriving later are found with it.
    next_forward = *next_token;
    std::optional<storage::EventKey> just_after = token->key;
    if (just_after) ++just_after->index;  // "before K+1" = up to and including K
    next_backward = encode(false, just_after);
  } else if (token) {
    // Beginning of the stream going backward: nothing lies before the token, so "forward from
    // the origin" is exactly "from the token on".
    next_backward = *next_token;
    next_forward = encode(true, std::nullopt);
  } else {
    next_forward = encode(true, std::nullopt);
    next_backward = encode(false, std::nullopt);
  }

  // Written as text, members in AWS's order: a page is up to 10,000 events / 1 MB.
  RenderedJson out;
  out.text.reserve(page_bytes + 128);
  out.text += "{\"events\":[";
  std::string masked;
  for (size_t i = 0; i < page.size(); ++i) {
    const PageEvent& e = page[i];
    out.text += i == 0 ? "{" : ",{";
    detail::AppendEventMembers(out.text, e.key.timestamp,
                               masking.Apply(e.message, e.ingestion_time, &masked),
                               e.ingestion_time);
    out.text += '}';
  }
  out.text += "],\"nextForwardToken\":";
  detail::AppendJsonString(out.text, next_forward);
  out.text += ",\"nextBackwardToken\":";
  detail::AppendJsonString(out.text, next_backward);
  out.text += '}';
  return out;
}

}  // namespace cwlogd::api
