// One PutLogEvents batch in the making, kept within the API's limits: 10,000 events,
// 1,048,576 bytes counting 26 bytes per event, 24 hours between the first and the last event.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::agent {

inline constexpr int kMaxBatchEvents = 10000;
inline constexpr int kMaxBatchBytes = 1048576;
inline constexpr int kEventOverheadBytes = 26;
inline constexpr int64_t kMaxBatchSpanMs = 24LL * 3600 * 1000;
// One event's message, in bytes, so that it plus the overhead stays within 256 KiB.
inline constexpr size_t kMaxMessageBytes = 262144 - kEventOverheadBytes;

struct Event {
  int64_t timestamp_ms = 0;
  std::string message;  // valid UTF-8, at most kMaxMessageBytes
};

// Makes `raw` valid UTF-8 (each invalid byte becomes U+FFFD) no longer than kMaxMessageBytes
// (cut at a character boundary). latin1: the bytes are ISO-8859-1, converted to UTF-8.
std::string SanitizeMessage(std::string_view raw, bool latin1);

class Batch {
 public:
  Batch(int max_events, int max_bytes) : max_events_(max_events), max_bytes_(max_bytes) {}

  // True if `event` can join without breaking a limit (an empty batch takes any event).
  bool Fits(const Event& event) const;
  void Add(Event event);

  bool empty() const { return events_.empty(); }
  size_t size() const { return events_.size(); }
  int64_t bytes() const { return bytes_; }

  // The PutLogEvents request body, events sorted by timestamp (stable: equal stamps keep file
  // order). Leaves the batch unchanged.
  std::string Body(std::string_view group, std::string_view stream);
  void Clear();

 private:
  int max_events_;
  int max_bytes_;
  int64_t bytes_ = 0;
  int64_t min_ts_ = 0;
  int64_t max_ts_ = 0;
  std::vector<Event> events_;
};

// Appends `s` as a JSON string literal (quotes included) to *out. `s` must be valid UTF-8.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace cwlogd::agent
