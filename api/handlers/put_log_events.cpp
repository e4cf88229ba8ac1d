// PutLogEvents (AWS API reference). Checks in this order: schema (put_log_events_parser.h), group
// then stream existence, batch size, single event size, chronological order, per-event
// classification (too old / expired / too new: dropped, still 200), 24-hour span of the accepted
// events, then one atomic store write.
#include <vector>

#include <fmt/format.h>

#include "api/detail/common.h"
#include "api/detail/put_log_events_parser.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "api/handlers/transformers/transformer_handlers.h"
#include "api/live_tail/live_tail_hub.h"
#include "api/metric_filter_eval.h"

namespace cwlogd::api {
namespace {

constexpr size_t kMaxBatchBytes = 1'048'576;
constexpr size_t kMaxEventBytes = 1'048'576;           // 1 MiB since April 2025, message + 26
constexpr int64_t kTooNewMs = int64_t{2} * 3'600'000;  // now + 2 h
constexpr int64_t kTooOldMs = 14 * detail::kDayMs;
constexpr int64_t kMaxSpanMs = detail::kDayMs;

}  // namespace

// The body is parsed and validated once, with simdjson (api/detail/put_log_events_parser.h).
ApiResult HandlePutLogEvents(std::string_view body, Context& ctx) {
  auto parsed = detail::ParsePutLogEvents(body, ctx.options.max_json_depth);
  if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
  return detail::PutValidatedLogEvents(std::get<detail::PutLogEventsInput>(parsed), ctx);
}

namespace detail {

namespace {

// The checks and per-event classification that need the group record, with the batch they accept.
// Runs inside the store's PutLogEvents (storage::PutEventsPlanner): the store reads the group and
// stream once and answers for their existence first. `rejected` receives rejectedLogEventsInfo,
// `metrics` the metric-filter data the plan points at.
storage::Result<storage::PutEventsPlan> PlanBatch(
    std::span<const storage::InputEvent> events, const storage::LogGroupInfo& group, int64_t now,
    Context& ctx, nlohmann::json* rejected, std::vector<storage::MetricAggregateDelta>* metrics,
    std::span<const std::optional<std::string>> transformed) {
  size_t batch_bytes = 0;
  size_t largest = 0;
  for (const auto& e : events) {
    size_t size = e.message.size() + kEventOverheadBytes;
    batch_bytes += size;
    largest = std::max(largest, size);
  }
  if (batch_bytes > kMaxBatchBytes) {
    return storage::Status::InvalidArgument(
        fmt::format("Upload too large: {} bytes exceeds limit of {}", batch_bytes, kMaxBatchBytes));
  }
  if (largest > kMaxEventBytes) {
    return storage::Status::InvalidArgument(
        fmt::format("Log event too large: {} bytes exceeds limit of {}", largest, kMaxEventBytes));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      return storage::Status::InvalidArgument(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
  }

  // Events are in order, so the too-old, then expired events form a prefix and the too-new
  // events a suffix. An event older than both limits counts as too old. End indexes are
  // exclusive; the too-new index is the first too-new event.
  const int64_t too_old_before = now - kTooOldMs;
  const int64_t expired_before = RetentionFloor(group, now);
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

  *rejected = nlohmann::json::object();
  if (too_new_start < events.size()) (*rejected)["tooNewLogEventStartIndex"] = too_new_start;
  if (too_old_end > 0) (*rejected)["tooOldLogEventEndIndex"] = too_old_end;
  if (expired_end > too_old_end) (*rejected)["expiredLogEventEndIndex"] = expired_end;

  storage::PutEventsPlan plan;
  plan.events = events.subspan(expired_end, too_new_start - expired_end);
  if (!plan.events.empty() &&
      plan.events.back().timestamp - plan.events.front().timestamp > kMaxSpanMs) {
    return storage::Status::InvalidArgument(
        "The batch of log events in a single PutLogEvents request cannot span more than 24 "
        "hours.");
  }
  // Metric filters of the group run on the accepted events; their data goes into the same
  // atomic write as the events (api/metric_filter_eval.h).
  storage::MetricStore* metric_store = ctx.store.metric_store();
  if (metric_store != nullptr && !plan.events.empty()) {
    if (!transformed.empty()) {
      transformed = transformed.subspan(expired_end, plan.events.size());
    }
    auto evaluated = EvaluateMetricFilters(*metric_store, ctx.partition, group.name, plan.events,
                                           ctx.metric_filter_cache, transformed);
    if (!evaluated.ok()) return evaluated.status();
    *metrics = std::move(*evaluated);
    plan.metrics = *metrics;
  }
  return plan;
}

// The transformed JSON of each event of the batch (nullopt: stored as sent), computed before
// the store call so the transformation does not run under the store's locks.
std::vector<std::optional<std::string>> TransformBatch(const transformers::Transformer& transformer,
                                                       const PutLogEventsInput& input,
                                                       const Context& ctx) {
  const transformers::EventMetadata metadata{input.group, input.stream, ctx.partition.account,
                                             ctx.partition.region};
  std::vector<std::optional<std::string>> out(input.events.size());
  for (size_t i = 0; i < input.events.size(); ++i) {
    transformers::ApplyOutcome applied = transformer.Apply(input.events[i].message, metadata);
    if (applied.ok) out[i] = std::move(applied.text);
  }
  return out;
}

}  // namespace

// One store call: the store reads the group and stream, PlanBatch decides the batch.
ApiResult PutValidatedLogEvents(PutLogEventsInput& input, Context& ctx) {
  const int64_t now = ctx.clock.NowMillis();
  nlohmann::json rejected;
  std::vector<storage::MetricAggregateDelta> metrics;
  storage::PutEventsRequest put;
  put.group = input.group;
  put.stream = input.stream;
  put.ingestion_time = now;
  std::span<const storage::InputEvent> accepted;  // what the plan writes, for live tail
  // The group's transformer (docs/transformers.md): one point read per batch when there is none.
  auto transformer = transformer_detail::GroupTransformer(ctx, input.group);
  if (!transformer.ok()) return FromStorage(transformer.status());
  std::vector<std::optional<std::string>> transformed;
  if (*transformer != nullptr) transformed = TransformBatch(**transformer, input, ctx);
  put.plan = [&](const storage::LogGroupInfo& group, const storage::LogStreamInfo&) {
    auto plan = PlanBatch(input.events, group, now, ctx, &rejected, &metrics, transformed);
    if (plan.ok() && !transformed.empty()) {
      // Limits and metric filters saw the events as sent (AWS's metric filters read the
      // original events unless applyOnTransformedLogs: those read `transformed`); what is stored is
      // the transformed event, or the original when it cannot be transformed. plan->events is a
      // span of input.events.
      const size_t first = static_cast<size_t>(plan->events.data() - input.events.data());
      for (size_t i = first; i < first + plan->events.size(); ++i) {
        if (transformed[i]) input.events[i].message = std::move(*transformed[i]);
      }
    }
    if (plan.ok()) accepted = plan->events;
    return plan;
  };
  auto result = ctx.store.PutLogEvents(ctx.partition, put);
  if (!result.ok()) return FromStorage(result.status());
  // Committed: live-tail sessions see the batch now (one atomic load when none is open).
  if (ctx.live_tail != nullptr) {
    ctx.live_tail->Publish(ctx.partition, input.group, input.stream, accepted, now);
  }

  nlohmann::json out = {
      {"nextSequenceToken", SequenceToken(result->stream_id, result->upload_sequence)}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = std::move(rejected);
  return out;
}

}  // namespace detail
}  // namespace cwlogd::api
