// PutLogEvents (AWS API reference). Checks in this order: schema, group then stream existence,
// batch size, single event size, chronological order, per-event classification (too old /
// expired / too new: dropped, still 200), 24-hour span of the accepted events, then one atomic
// store write.
#include <fmt/format.h>

#include <vector>

#include "api/detail/common.h"
#include "api/detail/put_log_events_fast.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "api/metric_filter_eval.h"

namespace cwlogd::api {
namespace {

constexpr size_t kMaxEvents = 10'000;
constexpr size_t kMaxBatchBytes = 1'048'576;
constexpr size_t kMaxEventBytes = 1'048'576;  // 1 MiB since April 2025, message + 26
constexpr int64_t kTooNewMs = 2 * 3'600'000;  // now + 2 h
constexpr int64_t kTooOldMs = 14 * detail::kDayMs;
constexpr int64_t kMaxSpanMs = detail::kDayMs;

// Java toString of an InputLogEvent, as Coral prints list values in violation messages.
std::string DescribeInputEvent(const nlohmann::json& e) {
  auto field = [&](const char* name) -> std::string {
    auto it = e.find(name);
    if (it == e.end() || it->is_null()) return "null";
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  return fmt::format("InputLogEvent(timestamp={}, message={})", field("timestamp"),
                     field("message"));
}

// Reads logEvents[i] into `out`, recording problems under 'logEvents.<i+1>.member.*'.
void ReadEvent(RequestReader& in, const nlohmann::json& e, size_t i,
               std::vector<storage::InputEvent>& out) {
  if (e.is_null()) {
    in.AddViolation(fmt::format("logEvents.{}.member", i + 1), std::nullopt,
                    "Member must not be null");
    return;
  }
  storage::InputEvent event;
  std::string message;
  auto ts = e.find("timestamp");
  if (ts == e.end() || ts->is_null()) {
    in.AddViolation(fmt::format("logEvents.{}.member.timestamp", i + 1), std::nullopt,
                    "Member must not be null");
  } else if (auto v = JsonToLong(*ts, &message)) {
    event.timestamp = *v;
    if (*v < 0) {
      in.CheckNumber(fmt::format("logEvents.{}.member.timestamp", i + 1), *v, NumberRule{0});
    }
  } else {
    in.SerializationError(std::move(message));
  }
  auto msg = e.find("message");
  if (msg == e.end() || msg->is_null()) {
    in.AddViolation(fmt::format("logEvents.{}.member.message", i + 1), std::nullopt,
                    "Member must not be null");
  } else if (msg->is_string()) {
    const auto& text = msg->get_ref<const std::string&>();
    if (text.empty()) {
      in.AddViolation(fmt::format("logEvents.{}.member.message", i + 1), text,
                      "Member must have length greater than or equal to 1");
    }
    event.message = text;
  } else {
    (void)JsonToString(*msg, &message);
    in.SerializationError(std::move(message));
  }
  out.push_back(std::move(event));
}

}  // namespace

ApiResult HandlePutLogEvents(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group_name = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto stream_name = in.String("logStreamName", kLogStreamNameRule, /*required=*/true);
  const nlohmann::json* list =
      in.StructureList("logEvents", ListRule{1, kMaxEvents}, &DescribeInputEvent, true);
  (void)in.String("sequenceToken", kNextTokenRule);  // ignored since 2023, as AWS does
  if (auto it = request.find("entity"); it != request.end() && !it->is_null() && !it->is_object()) {
    // Any well-formed entity is accepted and not stored; rejectedEntityInfo is never sent.
    in.SerializationError("Expected structure for entity");
  }
  std::vector<storage::InputEvent> events;
  if (list) {
    events.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) ReadEvent(in, (*list)[i], i, events);
  }
  if (in.failed()) return in.error();

  detail::PutLogEventsInput input{std::move(*group_name), std::move(*stream_name),
                                  std::move(events)};
  return detail::PutValidatedLogEvents(input, ctx);
}

namespace detail {

ApiResult PutValidatedLogEvents(PutLogEventsInput& input, Context& ctx) {
  const std::string& group_name = input.group;
  const std::string& stream_name = input.stream;
  std::vector<storage::InputEvent>& events = input.events;
  auto group = ctx.store.GetLogGroup(ctx.partition, group_name);
  if (!group.ok()) return FromStorage(group.status());
  auto stream = ctx.store.GetLogStream(ctx.partition, group_name, stream_name);
  if (!stream.ok()) return FromStorage(stream.status());

  size_t batch_bytes = 0;
  size_t largest = 0;
  for (const auto& e : events) {
    size_t size = e.message.size() + kEventOverheadBytes;
    batch_bytes += size;
    largest = std::max(largest, size);
  }
  if (batch_bytes > kMaxBatchBytes) {
    return ApiError::InvalidParameter(
        fmt::format("Upload too large: {} bytes exceeds limit of {}", batch_bytes, kMaxBatchBytes));
  }
  if (largest > kMaxEventBytes) {
    return ApiError::InvalidParameter(
        fmt::format("Log event too large: {} bytes exceeds limit of {}", largest, kMaxEventBytes));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return ApiError::InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
  }

  // Events are in order, so the too-old, then expired events form a prefix and the too-new
  // events a suffix. An event older than both limits counts as too old. End indexes are
  // exclusive; the too-new index is the first too-new event.
  const int64_t now = ctx.clock.NowMillis();
  const int64_t too_old_before = now - kTooOldMs;
  const int64_t expired_before = RetentionFloor(group.value(), now);
  const int64_t too_new_after = now + kTooNewMs;
  size_t too_old_end = 0;
  while (too_old_end < events.size() && events[too_old_end].timestamp < too_old_before) {
    ++too_old_end;
  }
  size_t expired_end = too_old_end;
  while (expired_end < events.size() && events[expired_end].timestamp < expired_before) {
    ++expired_end;
  }
  size_t too_new_start = events.size();
  while (too_new_start > expired_end && events[too_new_start - 1].timestamp > too_new_after) {
    --too_new_start;
  }

  nlohmann::json rejected = nlohmann::json::object();
  if (too_new_start < events.size()) rejected["tooNewLogEventStartIndex"] = too_new_start;
  if (too_old_end > 0) rejected["tooOldLogEventEndIndex"] = too_old_end;
  if (expired_end > too_old_end) rejected["expiredLogEventEndIndex"] = expired_end;

  const size_t first = expired_end;
  const size_t count = too_new_start - expired_end;
  if (count > 0 && events[first + count - 1].timestamp - events[first].timestamp > kMaxSpanMs) {
    return ApiError::InvalidParameter(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours.");
  }

  uint64_t upload_sequence = stream->upload_sequence;
  if (count > 0) {
    storage::PutEventsRequest put;
    put.group = group_name;
    put.stream = stream_name;
    put.events = std::span<const storage::InputEvent>(events).subspan(first, count);
    put.ingestion_time = now;
    // Metric filters of the group run on the accepted events; their data goes into the same
    // atomic write as the events (api/metric_filter_eval.h).
    std::vector<storage::MetricAggregateDelta> metrics;
    if (storage::MetricStore* metric_store = ctx.store.metric_store()) {
      auto evaluated = EvaluateMetricFilters(*metric_store, ctx.partition, put.group, put.events,
                                             MetricFilterCache::Shared());
      if (!evaluated.ok()) return FromStorage(evaluated.status());
      metrics = std::move(*evaluated);
      put.metrics = metrics;
    }
    auto result = ctx.store.PutLogEvents(ctx.partition, put);
    if (!result.ok()) return FromStorage(result.status());
    upload_sequence = result->upload_sequence;
  }

  nlohmann::json out = {{"nextSequenceToken", SequenceToken(stream->id, upload_sequence)}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  return out;
}

}  // namespace detail
}  // namespace cwlogd::api
