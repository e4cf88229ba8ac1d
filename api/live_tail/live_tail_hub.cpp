#include "api/live_tail/live_tail_hub.h"

#include <algorithm>
#include <cmath>

#include "api/detail/json_text.h"
#include "api/live_tail/event_stream.h"

namespace cwlogd::api::live_tail {
namespace {

// A match-all pattern selects every event: drop it, so Offer skips the matcher.
SessionFilter LiveTailWithoutMatchAll(SessionFilter filter) {
  if (filter.pattern && filter.pattern->kind() == filters::PatternKind::kMatchAll) {
    filter.pattern.reset();
  }
  return filter;
}

}  // namespace

LiveTailSession::LiveTailSession(SessionFilter filter, std::string start_payload,
                                 const storage::Clock& clock)
    : filter_(LiveTailWithoutMatchAll(std::move(filter))),
      start_payload_(std::move(start_payload)),
      clock_(clock),
      started_ms_(clock.NowMillis()),
      last_take_ms_(started_ms_),
      rng_(static_cast<std::minstd_rand::result_type>(std::random_device{}())) {}

std::string LiveTailSession::TakeStart() const {
  std::string out;
  // botocore reads the first message of a JSON-protocol event stream as the operation's
  // non-stream output and refuses a stream without it.
  AppendJsonEvent(&out, "initial-response", "{}");
  AppendJsonEvent(&out, "sessionStart", start_payload_);
  return out;
}

StreamChunk LiveTailSession::TakeUpdate() {
  const int64_t now = clock_.NowMillis();
  if (now - started_ms_ >= kMaxSessionMs) {
    return TakeEnd("SessionTimeoutException",
                   "The Live Tail session has ended because it reached its maximum duration of "
                   "3 hours.");
  }
  std::vector<Result> results;
  bool sampled = false;
  bool fell_behind = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fell_behind = fell_behind_;
    results.swap(window_);
    sampled = window_sampled_;
    window_seen_ = 0;
    window_bytes_ = 0;
    window_sampled_ = false;
    last_take_ms_ = now;
  }
  if (fell_behind) {
    return TakeEnd("SessionStreamingException",
                   "The Live Tail session has ended because the client did not read its updates "
                   "in time.");
  }
  // A sample replaced slots at random; results go out in arrival order.
  std::sort(results.begin(), results.end(),
            [](const Result& a, const Result& b) { return a.arrival < b.arrival; });
  std::string json = "{\"sessionMetadata\":{\"sampled\":";
  json += sampled ? "true" : "false";
  json += "},\"sessionResults\":[";
  bool first = true;
  for (const Result& r : results) {
    json += first ? "{\"logStreamName\":" : ",{\"logStreamName\":";
    first = false;
    detail::AppendJsonString(json, r.stream);
    json += ",\"logGroupIdentifier\":";
    detail::AppendJsonString(json, filter_.identifiers[r.identifier]);
    json += ",\"message\":";
    detail::AppendJsonString(json, r.message);
    json += ",\"timestamp\":";
    detail::AppendJsonInt(json, r.timestamp);
    json += ",\"ingestionTime\":";
    detail::AppendJsonInt(json, r.ingestion_time);
    json += '}';
  }
  json += "]}";
  StreamChunk chunk;
  AppendJsonEvent(&chunk.bytes, "sessionUpdate", json);
  return chunk;
}

StreamChunk LiveTailSession::TakeEnd(std::string_view exception_type, std::string_view message) {
  Close();
  StreamChunk chunk;
  AppendJsonException(&chunk.bytes, exception_type, message);
  chunk.last = true;
  return chunk;
}

void LiveTailSession::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Result>().swap(window_);
  window_bytes_ = 0;
}

bool LiveTailSession::WantsGroup(const storage::Partition& partition,
                                 std::string_view group) const {
  if (closed()) return false;
  if (partition.account != filter_.partition.account ||
      partition.region != filter_.partition.region) {
    return false;
  }
  return std::find(filter_.group_names.begin(), filter_.group_names.end(), group) !=
         filter_.group_names.end();
}

bool LiveTailSession::WantsStream(std::string_view stream) const {
  if (filter_.stream_names) {
    return std::find(filter_.stream_names->begin(), filter_.stream_names->end(), stream) !=
           filter_.stream_names->end();
  }
  if (filter_.stream_prefixes) {
    return std::any_of(filter_.stream_prefixes->begin(), filter_.stream_prefixes->end(),
                       [stream](const std::string& p) { return stream.starts_with(p); });
  }
  return true;
}

void LiveTailSession::Offer(std::string_view group, std::string_view stream,
                            std::span<const storage::InputEvent> events, int64_t ingestion_time) {
  if (!WantsStream(stream)) return;
  const auto group_it = std::find(filter_.group_names.begin(), filter_.group_names.end(), group);
  if (group_it == filter_.group_names.end()) return;
  const size_t identifier = static_cast<size_t>(group_it - filter_.group_names.begin());
  std::vector<storage::InputEvent> masked;
  if (identifier < filter_.masking.size() && !filter_.masking[identifier].empty()) {
    masked.assign(events.begin(), events.end());
    std::string scratch;
    for (auto& e : masked) {
      std::string_view shown =
          filter_.masking[identifier].Apply(e.message, ingestion_time, &scratch);
      if (shown.data() != e.message.data()) e.message = std::string(shown);
    }
    events = masked;
  }
  // Matching runs outside the lock: concurrent batches of other streams do not wait for it.
  std::vector<uint32_t> matched;
  if (filter_.pattern) {
    for (size_t i = 0; i < events.size(); ++i) {
      if (filter_.pattern->Matches(events[i].message)) matched.push_back(static_cast<uint32_t>(i));
    }
    if (matched.empty()) return;
  }
  const size_t count = filter_.pattern ? matched.size() : events.size();
  auto event_at = [&](size_t j) -> const storage::InputEvent& {
    return filter_.pattern ? events[matched[j]] : events[j];
  };
  const int64_t now = clock_.NowMillis();
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed() || fell_behind_) return;
  if (now - last_take_ms_ > kSlowReaderMs) {
    // The connection has not taken an update for ten intervals: its client is not reading.
    // Collecting further would hold memory for nobody; the next take ends the stream.
    fell_behind_ = true;
    std::vector<Result>().swap(window_);
    window_bytes_ = 0;
    return;
  }
  size_t j = 0;
  while (j < count) {
    if (window_.size() < kMaxResultsPerUpdate) {
      const storage::InputEvent& e = event_at(j++);
      ++window_seen_;
      const uint64_t arrival = arrivals_++;
      if (window_bytes_ + e.message.size() > kMaxUpdateMessageBytes) {
        window_sampled_ = true;  // too many bytes for one update: this one is left out
        continue;
      }
      window_bytes_ += e.message.size();
      window_.push_back(
          {arrival, identifier, std::string(stream), e.message, e.timestamp, ingestion_time});
      if (window_.size() == kMaxResultsPerUpdate) StartSkipping();
      continue;
    }
    // The window is full: a uniform sample from here on (reservoir sampling, Li's algorithm L).
    // The events between two replacements are only counted, so a busy flow costs a session
    // next to nothing per event.
    window_sampled_ = true;
    const uint64_t pass_over = next_replace_ - (window_seen_ + 1);
    if (pass_over >= count - j) {
      window_seen_ += count - j;
      arrivals_ += count - j;
      break;
    }
    j += pass_over;
    window_seen_ += pass_over + 1;
    arrivals_ += pass_over;
    const storage::InputEvent& e = event_at(j++);
    const uint64_t arrival = arrivals_++;
    Result& slot = window_[rng_() % kMaxResultsPerUpdate];
    if (window_bytes_ - slot.message.size() + e.message.size() <= kMaxUpdateMessageBytes) {
      window_bytes_ = window_bytes_ - slot.message.size() + e.message.size();
      slot = {arrival, identifier, std::string(stream), e.message, e.timestamp, ingestion_time};
    }
    AdvanceSkipping();
  }
}

double LiveTailSession::Uniform() {
  // (0, 1), never 0: its logarithm is taken.
  return (static_cast<double>(rng_() - std::minstd_rand::min()) + 1.0) /
         (static_cast<double>(std::minstd_rand::max() - std::minstd_rand::min()) + 2.0);
}

void LiveTailSession::StartSkipping() {
  skip_w_ = std::exp(std::log(Uniform()) / static_cast<double>(kMaxResultsPerUpdate));
  next_replace_ = window_seen_;
  AdvanceSkipping(/*first=*/true);
}

void LiveTailSession::AdvanceSkipping(bool first) {
  if (!first) skip_w_ *= std::exp(std::log(Uniform()) / static_cast<double>(kMaxResultsPerUpdate));
  const double skip = std::floor(std::log(Uniform()) / std::log1p(-skip_w_));
  // A huge skip (w near 0) saturates: the window ends long before.
  const uint64_t step = skip >= 1e15 ? uint64_t{1} << 50 : static_cast<uint64_t>(skip);
  next_replace_ += step + 1;
}

bool LiveTailHub::Add(std::shared_ptr<LiveTailSession> session) {
  std::unique_lock lock(mutex_);
  std::erase_if(sessions_, [](const auto& s) { return s->closed(); });
  if (sessions_.size() >= kMaxSessions) {
    count_.store(sessions_.size(), std::memory_order_relaxed);
    return false;
  }
  sessions_.push_back(std::move(session));
  count_.store(sessions_.size(), std::memory_order_relaxed);
  return true;
}

void LiveTailHub::Publish(const storage::Partition& partition, std::string_view group,
                          std::string_view stream, std::span<const storage::InputEvent> events,
                          int64_t ingestion_time) {
  if (count_.load(std::memory_order_relaxed) == 0 || events.empty()) return;
  bool saw_closed = false;
  {
    std::shared_lock lock(mutex_);
    for (const auto& session : sessions_) {
      if (session->closed()) {
        saw_closed = true;
      } else if (session->WantsGroup(partition, group)) {
        session->Offer(group, stream, events, ingestion_time);
      }
    }
  }
  if (saw_closed) PruneClosed();
}

void LiveTailHub::PruneClosed() {
  std::unique_lock lock(mutex_);
  std::erase_if(sessions_, [](const auto& s) { return s->closed(); });
  count_.store(sessions_.size(), std::memory_order_relaxed);
}

}  // namespace cwlogd::api::live_tail
