// Live tail (StartLiveTail): the sessions that are open and the hub ingest publishes to.
// PutLogEvents hands every committed batch to LiveTailHub::Publish; each matching session keeps
// the events of its current one-second window (at most kMaxResultsPerUpdate, a uniform sample
// beyond), and the connection that serves the session takes one update a second. Nothing here
// blocks ingest on a reader: a session whose reader falls behind is ended, not waited for.
// Thread-safe: Publish runs on any worker, the session's Take* calls on its connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/detail/data_masking.h"
#include "filters/filter_pattern.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api::live_tail {

// AWS's rules (StartLiveTail API reference, docs/live.md).
constexpr int64_t kMaxSessionMs = int64_t{3} * 3'600'000;  // SessionTimeoutException after 3 h
constexpr size_t kMaxResultsPerUpdate = 500;               // more per second: sampled
constexpr int64_t kUpdateIntervalMs = 1000;                // one sessionUpdate a second
// A reader that has not taken an update for this long (ten updates) is ended with
// SessionStreamingException instead of being buffered for.
constexpr int64_t kSlowReaderMs = 10 * kUpdateIntervalMs;
// Message bytes one update may carry, so a frame stays far below the clients' 24 MiB payload
// limit even when every byte is escaped; events beyond it are sampled out.
constexpr size_t kMaxUpdateMessageBytes = 3u << 20;
// Open sessions per server (AWS: a per-account quota; here a bound on memory and fan-out).
constexpr size_t kMaxSessions = 256;

// What a session selects. Group names are resolved; `identifiers` are the forms the client
// gave, in the same order (results name the group that way).
struct SessionFilter {
  storage::Partition partition;
  std::vector<std::string> group_names;
  std::vector<std::string> identifiers;
  std::optional<std::vector<std::string>> stream_names;
  std::optional<std::vector<std::string>> stream_prefixes;
  std::optional<filters::FilterPattern> pattern;  // nullopt or match-all: every event
  // Per group (as group_names): the data protection masking in force when the session started.
  // Events are masked before the pattern sees them, as AWS masks them at ingestion.
  std::vector<detail::EventMasking> masking;
};

// Bytes for the connection to write next, and whether they end the stream.
struct StreamChunk {
  std::string bytes;
  bool last = false;
};

class LiveTailSession {
 public:
  // `start_payload` is the sessionStart JSON. The clock (the server's, which tests can move)
  // must outlive the session; the session starts at its now.
  LiveTailSession(SessionFilter filter, std::string start_payload, const storage::Clock& clock);

  // --- the connection's side (one thread at a time) ---
  // The first bytes: initial-response and sessionStart.
  std::string TakeStart() const;
  // Every kUpdateIntervalMs: a sessionUpdate with what arrived since the last one (possibly
  // nothing: the heartbeat), or the exception that ends the stream: SessionTimeoutException
  // after kMaxSessionMs, SessionStreamingException when the reader fell behind.
  StreamChunk TakeUpdate();
  // Ends the stream from outside (server shutdown): the exception frame to send last.
  StreamChunk TakeEnd(std::string_view exception_type, std::string_view message);
  // The client went away or the stream ended: stop collecting (the hub drops the session).
  void Close();

  // --- the hub's side (any thread) ---
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // True when events of (partition, group) may interest this session (cheap: no lock).
  bool WantsGroup(const storage::Partition& partition, std::string_view group) const;
  // Offers one committed batch of `stream` in `group` (WantsGroup was true).
  void Offer(std::string_view group, std::string_view stream,
             std::span<const storage::InputEvent> events, int64_t ingestion_time);

 private:
  struct Result {
    uint64_t arrival = 0;   // order of arrival, to put a sample back in order
    size_t identifier = 0;  // index into filter_.identifiers
    std::string stream;
    std::string message;
    int64_t timestamp = 0;
    int64_t ingestion_time = 0;
  };
  bool WantsStream(std::string_view stream) const;
  // Reservoir sampling by skips (algorithm L), with mutex_ held.
  double Uniform();
  void StartSkipping();
  void AdvanceSkipping(bool first = false);

  const SessionFilter filter_;
  const std::string start_payload_;
  const storage::Clock& clock_;
  const int64_t started_ms_;
  std::atomic<bool> closed_{false};

  std::mutex mutex_;
  std::vector<Result> window_;  // this second's results (a uniform sample past the cap)
  uint64_t window_seen_ = 0;    // matching events offered this second
  uint64_t next_replace_ = 0;   // once the window is full: the number of the next event kept
  double skip_w_ = 0;           // algorithm L's running weight
  size_t window_bytes_ = 0;
  bool window_sampled_ = false;
  uint64_t arrivals_ = 0;
  int64_t last_take_ms_;
  bool fell_behind_ = false;
  std::minstd_rand rng_;
};

class LiveTailHub {
 public:
  // Registers a session; false (and nothing registered) at kMaxSessions.
  bool Add(std::shared_ptr<LiveTailSession> session);
  // Hands a committed batch to the sessions that want it. One atomic load when none is open.
  void Publish(const storage::Partition& partition, std::string_view group, std::string_view stream,
               std::span<const storage::InputEvent> events, int64_t ingestion_time);
  // Open sessions (closed ones leave at the next Add or Publish).
  size_t size() const { return count_.load(std::memory_order_relaxed); }

 private:
  void PruneClosed();

  std::atomic<size_t> count_{0};
  mutable std::shared_mutex mutex_;
  std::vector<std::shared_ptr<LiveTailSession>> sessions_;
};

}  // namespace cwlogd::api::live_tail
