// AlarmEvaluator: the background job that evaluates every metric alarm once a minute of the
// server's clock (storage/clock.h; the test clock moves it) and delivers pending alarm actions
// from the durable outbox to the injected AlarmActionPublisher (docs/alarms.md).
// A transition, its history item and its outbox entries commit in one write (alarm_record.h);
// an outbox entry is deleted (with its Action history item, in one write) only after the
// publisher accepted it, so after a crash an action is delivered at least once, never lost.
// Thread-safety: Start/Stop from one thread; EvaluateAll/DeliverPending may be called from any
// thread (tests, benches) and are serialized internally.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/cloudwatch/alarms/alarm_actions.h"
#include "storage/alarm_store.h"
#include "storage/clock.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::alarms {

struct MathAlarmPlan;

struct EvaluatorStats {
  size_t alarms_evaluated = 0;
  size_t transitions = 0;
};

class AlarmEvaluator {
 public:
  // The stores and clock must outlive the evaluator. `warn` logs problems (may be empty).
  AlarmEvaluator(storage::AlarmStore& alarms, storage::MetricStore& metrics,
                 const storage::Clock& clock, std::function<void(const std::string&)> warn);
  ~AlarmEvaluator();
  AlarmEvaluator(const AlarmEvaluator&) = delete;
  AlarmEvaluator& operator=(const AlarmEvaluator&) = delete;

  // Where actions go; unset = they stay pending. Call before Start.
  void SetPublisher(AlarmActionPublisher publisher);

  // When the actions of an alarm are muted at `now_ms` (alarm mute rules): the end of the mute
  // window, else nullopt. A muted action waits in the outbox until the window ends; it is then
  // executed (ActionExecutedAfterMuteWindow: true) only when the alarm is still in the state
  // of that transition, as AWS does. Unset = nothing is muted. Call before Start.
  using MuteCheck = std::function<std::optional<int64_t>(
      const storage::Partition& partition, std::string_view alarm_name, int64_t now_ms)>;
  void SetMuteCheck(MuteCheck check);

  // Starts the thread: it checks the clock four times a second, evaluates once per new minute
  // and offers due outbox entries to the publisher.
  void Start();
  void Stop();

  // Evaluates every metric alarm as of `now_ms`.
  EvaluatorStats EvaluateAll(int64_t now_ms);
  // Offers the due outbox entries to the publisher; returns how many were delivered.
  size_t DeliverPending(int64_t now_ms);

 private:
  enum class Mute { kDeliver, kHold, kDrop };
  // What the mute rules make of the due outbox `entry` (updated in place; `message` gets
  // ActionExecutedAfterMuteWindow when it runs after its window).
  Mute MuteOutcome(const storage::Partition& p, nlohmann::json& entry, int64_t now_ms,
                   std::string& message);
  void Loop();
  void Warn(const std::string& text) const;

  storage::AlarmStore& alarms_;
  storage::MetricStore& metrics_;
  const storage::Clock& clock_;
  std::function<void(const std::string&)> warn_;
  AlarmActionPublisher publisher_;
  MuteCheck mute_check_;

  // Metric-math alarms parsed once: "account/region/name" -> the Metrics list it was planned
  // from and the plan (null: not a math alarm). Rebuilt each pass, so deleted alarms drop out.
  // NOLINTNEXTLINE(bugprone-exception-escape): the implicit members move json and a shared_ptr.
  struct CachedPlan {
    nlohmann::json metrics;
    std::shared_ptr<const MathAlarmPlan> plan;
  };
  std::map<std::string, CachedPlan> plans_;  // guarded by run_mu_

  std::mutex run_mu_;  // serializes passes
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cwlogd::api::cloudwatch::alarms
