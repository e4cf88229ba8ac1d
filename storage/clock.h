// Where "now" comes from. The server uses SystemClock, optionally shifted by a fixed offset
// (--clock-offset, the test clock); unit tests use FakeClock. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cwlogd::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

// Wall clock plus a fixed offset (0 in production). The offset lets tests show expiry and
// "too old" events without waiting days.
class SystemClock final : public Clock {
 public:
  explicit SystemClock(int64_t offset_ms = 0) : offset_ms_(offset_ms) {}
  int64_t NowMillis() const override {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now).count() +
           offset_ms_.load(std::memory_order_relaxed);
  }
  void set_offset_ms(int64_t offset_ms) { offset_ms_.store(offset_ms, std::memory_order_relaxed); }
  int64_t offset_ms() const { return offset_ms_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> offset_ms_;
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_.load(std::memory_order_relaxed); }
  void Set(int64_t now_ms) { now_ms_.store(now_ms, std::memory_order_relaxed); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace cwlogd::storage
