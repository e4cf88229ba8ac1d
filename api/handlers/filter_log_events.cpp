// FilterLogEvents (AWS API reference): matching events of the selected streams, interleaved in
// (timestamp, arrival) order. nextToken = the last EventKey consumed plus a digest of the query,
// so paging returns each event once and a token from another query is refused.
#include <algorithm>
#include <limits>

#include "api/detail/common.h"
#include "api/detail/data_masking.h"
#include "api/detail/json_text.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

uint64_t QueryDigest(const storage::Partition& partition, uint64_t group_id,
                     const std::optional<std::vector<std::string>>& names,
                     const std::optional<std::string>& prefix, std::optional<int64_t> start,
                     std::optional<int64_t> end, const std::optional<std::string>& pattern) {
  detail::TokenWriter w('q', partition);
  w.U64(names ? names->size() + 1 : 0);
  if (names) {
    for (const auto& n : *names) w.Str(n);
  }
  w.Str(prefix ? "p" + *prefix : "");
  w.U64(start ? static_cast<uint64_t>(*start) + 1 : 0);
  w.U64(end ? static_cast<uint64_t>(*end) + 1 : 0);
  w.Str(pattern.value_or(""));
  return detail::HashBytes(w.Finish(), group_id);
}

}  // namespace

ApiResult HandleFilterLogEvents(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  detail::GroupRef ref = detail::ReadGroupRef(in);
  auto stream_names = in.StringList("logStreamNames", ListRule{1, 100}, kLogStreamNameRule);
  auto stream_prefix = in.String("logStreamNamePrefix", kLogStreamNamePrefixRule);
  auto start_time = in.Long("startTime", NumberRule{0});
  auto end_time = in.Long("endTime", NumberRule{0});
  auto filter_pattern = in.String("filterPattern", kFilterPatternRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, detail::kMaxEventsPerPage});
  (void)in.Bool("interleaved");  // deprecated; results are always interleaved
  auto unmask = in.Bool("unmask");
  if (in.failed()) return in.error();
  auto resolved = detail::ResolveGroupRef(ref, ctx);
  if (auto* e = std::get_if<ApiError>(&resolved)) return *e;
  const std::string& group_name = std::get<std::string>(resolved);
  if (stream_names && stream_prefix) {
    // The model forbids the pair; AWS's text is not recorded.
    return ApiError::InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }

  auto group = ctx.store.GetLogGroup(ctx.partition, group_name);
  if (!group.ok()) return FromStorage(group.status());
  // Patterns match the stored text; masking changes only what the page shows.
  detail::EventMasking masking;
  if (!unmask.value_or(false)) {
    auto loaded = detail::EventMasking::Load(ctx, group_name);
    if (auto* e = std::get_if<ApiError>(&loaded)) return *e;
    masking = std::move(std::get<detail::EventMasking>(loaded));
  }
  std::string masked;

  filters::ParseError parse_error;
  auto pattern = filters::ParseFilterPattern(filter_pattern.value_or(""), &parse_error);
  if (!pattern) return detail::InvalidFilterPattern(parse_error);

  const uint64_t digest = QueryDigest(ctx.partition, group->id, stream_names, stream_prefix,
                                      start_time, end_time, filter_pattern);
  storage::GroupScanQuery query;
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kFilterLogEvents, ctx.partition);
    storage::EventKey key;
    key.timestamp = static_cast<int64_t>(token.U64());
    key.sequence = token.U64();
    uint64_t index = token.U64();
    if (token.U64() != digest || !token.Done() || index > std::numeric_limits<uint32_t>::max()) {
      return detail::InvalidNextToken();
    }
    key.index = static_cast<uint32_t>(index);
    query.after = key;
  }
  query.start_time = std::max(start_time.value_or(std::numeric_limits<int64_t>::min()),
                              detail::RetentionFloor(group.value(), ctx.clock.NowMillis()));
  // endTime is inclusive here, unlike GetLogEvents.
  if (end_time && *end_time < std::numeric_limits<int64_t>::max()) query.end_time = *end_time + 1;
  query.stream_names = stream_names;
  query.stream_name_prefix = stream_prefix;
  // A chunk (one stored batch) none of whose messages can match is skipped whole: first from
  // its term sketch in the index (no read at all), then from a substring search of its
  // decompressed body, before any event is decoded. Skipped events do not count toward
  // max_filter_scan_bytes; they cost a fraction as much.
  if (pattern->kind() == filters::PatternKind::kTerms) {
    query.chunk_sketch_filter = [&pattern](const storage::TermSketch& sketch) {
      return pattern->MayMatchIfContains(
          [&sketch](std::string_view term) { return sketch.MayContain(term); });
    };
    query.chunk_body_filter = [&pattern](std::string_view body) {
      return pattern->MayMatchWithin(body);
    };
  }

  const size_t max_events = static_cast<size_t>(limit.value_or(detail::kMaxEventsPerPage));
  // The response is written as text while scanning (members in AWS's order), not as a DOM:
  // a page is up to 10,000 events / 1 MB.
  RenderedJson out;
  out.text += "{\"events\":[";
  size_t page_events = 0;
  size_t page_bytes = 0;
  size_t scanned_bytes = 0;
  bool more = false;
  std::optional<storage::EventKey> consumed;  // the last event fully dealt with
  const bool match_all = pattern->kind() == filters::PatternKind::kMatchAll;
  if (query.start_time < query.end_time) {
    storage::Status s =
        ctx.store.ScanGroup(ctx.partition, group_name, query, [&](const storage::EventView& e) {
          if (scanned_bytes >= ctx.options.max_filter_scan_bytes) {
            more = true;  // work bound reached: resume after `consumed` next time
            return false;
          }
          scanned_bytes += e.message.size() + detail::kEventOverheadBytes;
          if (!match_all && !pattern->Matches(e.message)) {
            consumed = e.key;
            return true;
          }
          size_t size = e.message.size() + detail::kEventOverheadBytes;
          if (page_events == max_events || page_bytes + size > detail::kMaxPageBytes) {
            more = true;  // a match that does not fit: it starts the next page
            return false;
          }
          page_bytes += size;
          out.text += page_events++ == 0 ? "{\"logStreamName\":" : ",{\"logStreamName\":";
          detail::AppendJsonString(out.text, e.stream_name);
          out.text += ',';
          detail::AppendEventMembers(out.text, e.key.timestamp,
                                     masking.Apply(e.message, e.ingestion_time, &masked),
                                     e.ingestion_time);
          out.text += ",\"eventId\":";
          detail::AppendJsonString(out.text, detail::EventId(e.key, group->id));
          out.text += '}';
          consumed = e.key;
          return true;
        });
    if (!s.ok()) return FromStorage(s);
  }

  out.text += "],\"searchedLogStreams\":[]";
  if (more && consumed) {
    out.text += ",\"nextToken\":";
    detail::AppendJsonString(
        out.text, detail::TokenWriter(detail::token_kind::kFilterLogEvents, ctx.partition)
                      .U64(static_cast<uint64_t>(consumed->timestamp))
                      .U64(consumed->sequence)
                      .U64(consumed->index)
                      .U64(digest)
                      .Finish());
  }
  out.text += '}';
  return out;
}

}  // namespace cwlogd::api
