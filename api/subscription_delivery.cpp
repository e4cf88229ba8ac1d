#include "api/subscription_delivery.h"

#include <algorithm>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <zlib.h>

#include "api/detail/arn.h"
#include "api/detail/data_masking.h"
#include "api/detail/json_text.h"
#include "api/detail/put_log_events_parser.h"
#include "api/detail/tokens.h"
#include "api/metric_filter_eval.h"
#include "filters/filter_pattern.h"
#include "storage/resource_store.h"

namespace cwlogd::api {

namespace subscription_detail {

// One entry of a document's logEvents.
struct PayloadEvent {
  std::string id;
  int64_t timestamp = 0;
  std::string_view message;
};

// The document, in AWS's key order: messageType, owner, logGroup, logStream,
// subscriptionFilters, logEvents. Written directly (not through a JSON tree): delivery
// serializes every event it sends, and the tree cost as much as the gzip.
std::string Document(std::string_view type, std::string_view owner, std::string_view group,
                     std::string_view stream, std::span<const std::string_view> filters,
                     std::span<const PayloadEvent> events) {
  std::string out;
  size_t bytes = 128 + group.size() + stream.size();
  for (const PayloadEvent& e : events) bytes += e.message.size() + e.id.size() + 48;
  out.reserve(bytes);
  out += R"({"messageType":)";
  detail::AppendJsonString(out, type);
  out += R"(,"owner":)";
  detail::AppendJsonString(out, owner);
  out += R"(,"logGroup":)";
  detail::AppendJsonString(out, group);
  out += R"(,"logStream":)";
  detail::AppendJsonString(out, stream);
  out += R"(,"subscriptionFilters":[)";
  for (size_t i = 0; i < filters.size(); ++i) {
    if (i > 0) out += ',';
    detail::AppendJsonString(out, filters[i]);
  }
  out += R"(],"logEvents":[)";
  for (size_t i = 0; i < events.size(); ++i) {
    out += i > 0 ? R"(,{"id":)" : R"({"id":)";
    detail::AppendJsonString(out, events[i].id);
    out += R"(,"timestamp":)";
    detail::AppendJsonInt(out, events[i].timestamp);
    out += R"(,"message":)";
    detail::AppendJsonString(out, events[i].message);
    out += '}';
  }
  out += "]}";
  return out;
}

// What a Lambda receives: {"awslogs":{"data":"<base64(gzip(document))>"}}.
std::string LambdaEvent(std::string_view document) {
  return R"({"awslogs":{"data":")" + Base64(GzipBytes(document)) + R"("}})";
}

// The destination kind as the CONTROL_MESSAGE names it (the Firehose and Kinesis texts are
// observed; the Lambda one is our wording).
std::string_view ControlTarget(std::string_view arn) {
  if (arn.find(":firehose:") != std::string_view::npos) return "Firehose.";
  if (arn.find(":kinesis:") != std::string_view::npos) return "Kinesis stream.";
  return "Lambda function.";
}

// The target stream of a log-group target: "<source group>/<source stream>", its last 512
// bytes when longer (stream names are at most 512).
std::string TargetStreamName(std::string_view group, std::string_view stream) {
  std::string name = std::string(group) + "/" + std::string(stream);
  if (name.size() > 512) name.erase(0, name.size() - 512);
  return name;
}

}  // namespace subscription_detail

namespace sd = subscription_detail;

std::string GzipBytes(std::string_view data) {
  z_stream zs{};
  // 15 + 16: a gzip header and trailer around the deflate stream. Level 1, as the export
  // runner's objects: a consumer sees the same bytes after gunzip whatever the level (AWS
  // documents level 6 for Firehose), and level 6 cost four times the CPU, which held one
  // delivery thread to ~90,000 events/s (docs/performance.md).
  if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(data[i]) << 16) |
                       (static_cast<uint8_t>(data[i + 1]) << 8) | static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < data.size()) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

struct SubscriptionDeliverer::FilterState {
  uint32_t failures = 0;
  int64_t retry_at_ms = 0;  // steady clock
  bool unmapped_logged = false;
  std::string pattern_text;
  std::optional<filters::FilterPattern> pattern;  // nullopt: does not compile (skips events)
};

namespace {

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string StateKey(const storage::ActiveSubscription& sub) {
  return sub.partition.account + '\n' + sub.partition.region + '\n' + sub.group + '\0' +
         sub.record.name;
}

}  // namespace

SubscriptionDeliverer::SubscriptionDeliverer(storage::LogStore& store, const storage::Clock& clock,
                                             const ApiOptions& api_options,
                                             MetricFilterCache& cache, SubscriptionSender& sender,
                                             SubscriptionDeliveryOptions options,
                                             std::function<void(const std::string&)> log)
    : store_(store),
      subscriptions_(store.subscription_store()),
      clock_(clock),
      api_options_(api_options),
      cache_(cache),
      sender_(sender),
      options_(std::move(options)),
      log_(std::move(log)) {}

SubscriptionDeliverer::~SubscriptionDeliverer() { Stop(); }

void SubscriptionDeliverer::Start() {
  if (subscriptions_ == nullptr || thread_.joinable()) return;
  subscriptions_->SetOutboxListener([this] { Wake(); });
  thread_ = std::thread([this] { Run(); });
}

void SubscriptionDeliverer::Stop() {
  if (!thread_.joinable()) return;
  subscriptions_->SetOutboxListener(nullptr);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SubscriptionDeliverer::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void SubscriptionDeliverer::Run() {
  std::vector<storage::ActiveSubscription> subs;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      woken_ = false;
    }
    if (storage::Status s = subscriptions_->ListActive(&subs); !s.ok()) {
      log_("subscription delivery: cannot list the filters: " + s.message());
      subs.clear();
    }
    bool progress = false;
    int64_t next_due = SteadyNowMs() + 60'000;
    std::set<std::string> live;
    // Per group id: the least cursor sequence of its filters (the outbox before it is done).
    std::map<uint64_t, uint64_t> trim_before;
    for (auto& sub : subs) {
      const std::string key = StateKey(sub);
      live.insert(key);
      auto& state = states_[key];
      if (!state) state = std::make_unique<FilterState>();
      const int64_t now = SteadyNowMs();
      StepResult result = StepResult::kIdle;
      if (state->retry_at_ms <= now) {
        result = Step(sub, *state);
        if (result == StepResult::kFailed) {
          ++state->failures;
          const int64_t backoff = std::min<int64_t>(
              options_.max_backoff.count(), options_.initial_backoff.count()
                                                << std::min<uint32_t>(state->failures - 1, 20));
          state->retry_at_ms = now + backoff;
        } else {
          state->failures = 0;
          state->retry_at_ms = 0;
        }
      }
      if (result == StepResult::kProgress) progress = true;
      if (state->retry_at_ms > 0) next_due = std::min(next_due, state->retry_at_ms);
      auto [it, inserted] = trim_before.emplace(sub.group_id, sub.cursor.sequence);
      if (!inserted) it->second = std::min(it->second, sub.cursor.sequence);
    }
    for (const auto& [gid, before] : trim_before) {
      if (storage::Status s = subscriptions_->TrimOutbox(gid, before); !s.ok()) {
        log_("subscription delivery: cannot trim an outbox: " + s.message());
      }
    }
    std::erase_if(states_, [&](const auto& entry) { return !live.contains(entry.first); });
    if (progress) continue;
    std::unique_lock lock(mu_);
    const auto wait = std::chrono::milliseconds(std::max<int64_t>(0, next_due - SteadyNowMs()));
    cv_.wait_for(lock, wait, [&] { return stop_ || woken_; });
  }
}

const SubscriptionTarget* SubscriptionDeliverer::Resolve(const storage::ActiveSubscription& sub) {
  const std::string arn = sub.record.FieldOrEmpty("destinationArn");
  if (auto it = options_.targets.find(arn); it != options_.targets.end()) return &it->second;
  // A Logs destination: its own target.
  if (auto name = detail::NameFromLogsResourceArn(sub.partition, "destination", arn)) {
    if (storage::ResourceStore* resources = store_.resource_store()) {
      auto d = resources->Get(sub.partition, storage::ResourceKind::kDestination, *name);
      if (d.ok()) {
        if (auto it = options_.targets.find(d->FieldOrEmpty("targetArn"));
            it != options_.targets.end()) {
          return &it->second;
        }
      }
    }
  }
  return nullptr;
}

bool SubscriptionDeliverer::SendControl(const storage::ActiveSubscription& sub,
                                        const SubscriptionTarget& target, std::string* error) {
  if (target.url.empty()) return true;  // log-group targets get events only
  const std::string message =
      fmt::format("CWL CONTROL MESSAGE: Checking health of destination {}",
                  sd::ControlTarget(sub.record.FieldOrEmpty("destinationArn")));
  const sd::PayloadEvent event{"", clock_.NowMillis(), message};
  const std::string doc = sd::Document("CONTROL_MESSAGE", "CloudwatchLogs", "", "", {},
                                       std::span<const sd::PayloadEvent>(&event, 1));
  return sender_.Post(target.url, sd::LambdaEvent(doc), error);
}

bool SubscriptionDeliverer::SendEvents(const storage::ActiveSubscription& sub,
                                       const SubscriptionTarget& target, const std::string& stream,
                                       const std::vector<storage::EventKey>& keys,
                                       const std::vector<const std::string*>& messages,
                                       std::string* error) {
  if (!target.url.empty()) {
    std::vector<sd::PayloadEvent> events;
    events.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      events.push_back({detail::EventId(keys[i], sub.group_id), keys[i].timestamp, *messages[i]});
    }
    const std::string_view filter = sub.record.name;
    const std::string doc = sd::Document("DATA_MESSAGE", sub.partition.account, sub.group, stream,
                                         std::span<const std::string_view>(&filter, 1), events);
    return sender_.Post(target.url, sd::LambdaEvent(doc), error);
  }
  // Another log group of the partition, with PutLogEvents' rules (events too old for it are
  // dropped as PutLogEvents drops them).
  if (target.log_group == sub.group) {
    *error = "a log group cannot be its own subscription target";
    return false;
  }
  detail::PutLogEventsInput input;
  input.group = target.log_group;
  input.stream = sd::TargetStreamName(sub.group, stream);
  input.events.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    input.events.push_back({keys[i].timestamp, *messages[i]});
  Context ctx{store_, clock_, api_options_, cache_, sub.partition};
  for (int attempt = 0; attempt < 2; ++attempt) {
    detail::PutLogEventsInput copy = input;
    ApiResult result = detail::PutValidatedLogEvents(copy, ctx);
    const ApiError* e = std::get_if<ApiError>(&result);
    if (e == nullptr) return true;
    if (attempt == 0 && e->message == "The specified log stream does not exist.") {
      storage::Status created =
          store_.CreateLogStream(sub.partition, input.group, input.stream, clock_.NowMillis());
      if (created.ok() || created.IsAlreadyExists()) continue;
    }
    *error = fmt::format("log group {}: {}: {}", target.log_group, e->type, e->message);
    return false;
  }
  *error = fmt::format("log group {}: cannot create stream {}", target.log_group, input.stream);
  return false;
}

SubscriptionDeliverer::StepResult SubscriptionDeliverer::Step(
    const storage::ActiveSubscription& sub, FilterState& state) {
  storage::SubscriptionCursor cursor = sub.cursor;
  const std::string arn = sub.record.FieldOrEmpty("destinationArn");
  const SubscriptionTarget* target = Resolve(sub);
  std::string error;
  auto fail = [&](const std::string& why) {
    if (state.failures == 0 || state.failures % 10 == 0) {
      log_(fmt::format("subscription filter {} of {}: delivery to {} failed ({}); retrying",
                       sub.record.name, sub.group, arn, why));
    }
    return StepResult::kFailed;
  };
  bool progress = false;
  if (target != nullptr && cursor.control_pending) {
    if (!SendControl(sub, *target, &error)) return fail(error);
    cursor.control_pending = false;
    if (storage::Status s = subscriptions_->SaveCursor(sub, cursor); !s.ok()) {
      return fail(s.message());
    }
    progress = true;
  }
  if (target == nullptr && !state.unmapped_logged) {
    log_(
        fmt::format("subscription filter {} of {}: destination {} is not mapped to a target "
                    "(--subscription-targets); its events are not delivered",
                    sub.record.name, sub.group, arn));
    state.unmapped_logged = true;
  }
  if (target != nullptr) state.unmapped_logged = false;

  const std::string pattern_text = sub.record.FieldOrEmpty("filterPattern");
  if (!state.pattern || state.pattern_text != pattern_text) {
    filters::ParseError perr;
    state.pattern = filters::ParseFilterPattern(pattern_text, &perr);
    state.pattern_text = pattern_text;
  }

  // The batches after the cursor, up to the round's bounds.
  std::vector<storage::OutboxBatch> batches;
  size_t read_bytes = 0;
  storage::Status read =
      subscriptions_->ReadOutbox(sub, cursor.sequence, [&](const storage::OutboxBatch& b) {
        for (const auto& e : b.events) read_bytes += e.message.size();
        batches.push_back(b);
        return batches.size() < options_.max_batches_per_round &&
               read_bytes < 4 * options_.max_payload_bytes;
      });
  if (read.IsNotFound()) return StepResult::kIdle;  // deleted meanwhile: nothing more to send
  if (!read.ok()) return fail(read.message());
  if (batches.empty()) return progress ? StepResult::kProgress : StepResult::kIdle;

  // Data protection: the filter's pattern and the target see masked text, as AWS masks at
  // ingestion (docs/data-protection.md).
  detail::EventMasking masking;
  if (storage::Status ms = detail::EventMasking::Load(store_, sub.partition, sub.group, &masking);
      !ms.ok()) {
    return fail(ms.message());
  }
  if (!masking.empty()) {
    std::string scratch;
    for (auto& b : batches) {
      for (auto& e : b.events) {
        std::string_view shown = masking.Apply(e.message, b.ingestion_time, &scratch);
        if (shown.data() != e.message.data()) e.message = std::string(shown);
      }
    }
  }

  if (target == nullptr) {
    // Unmapped: the events are passed over, so the outbox does not grow for ever.
    cursor = {batches.back().sequence + 1, 0, cursor.control_pending};
    if (storage::Status s = subscriptions_->SaveCursor(sub, cursor); !s.ok()) {
      return fail(s.message());
    }
    return StepResult::kProgress;
  }

  // One payload: consecutive matching events of one stream (of one batch for log-group
  // targets, whose PutLogEvents wants chronological events).
  std::string stream;
  std::vector<storage::EventKey> keys;
  std::vector<const std::string*> messages;
  size_t bytes = 0;
  auto flush = [&](const storage::SubscriptionCursor& after) -> bool {
    if (!keys.empty() && !SendEvents(sub, *target, stream, keys, messages, &error)) return false;
    keys.clear();
    messages.clear();
    bytes = 0;
    if (after != cursor) {
      cursor = after;
      storage::Status s = subscriptions_->SaveCursor(sub, cursor);
      if (!s.ok()) {
        error = s.message();
        return false;
      }
      progress = true;
    }
    return true;
  };
  const bool per_batch = target->url.empty();
  for (const auto& b : batches) {
    const uint32_t first = b.sequence == cursor.sequence ? cursor.event_index : 0;
    if (per_batch && !keys.empty()) {
      if (!flush({b.sequence, 0, false})) return fail(error);
    }
    for (uint32_t i = first; i < b.events.size(); ++i) {
      const auto& e = b.events[i];
      if (!state.pattern || !state.pattern->Matches(e.message)) continue;
      const size_t size = e.message.size() + 96;  // the id, timestamp and JSON around it
      if (!keys.empty() && (stream != b.stream || keys.size() >= options_.max_payload_events ||
                            bytes + size > options_.max_payload_bytes)) {
        if (!flush({b.sequence, i, false})) return fail(error);
      }
      stream = b.stream;
      keys.push_back({e.timestamp, b.sequence, i});
      messages.push_back(&e.message);
      bytes += size;
    }
  }
  if (!flush({batches.back().sequence + 1, 0, false})) return fail(error);
  return progress ? StepResult::kProgress : StepResult::kIdle;
}

}  // namespace cwlogd::api
