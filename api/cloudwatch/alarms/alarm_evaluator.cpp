#include "api/cloudwatch/alarms/alarm_evaluator.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/cloudwatch/alarms/alarm_evaluation.h"
#include "api/cloudwatch/alarms/alarm_record.h"
#include "api/cloudwatch/alarms/composite_alarms.h"
#include "api/cloudwatch/alarms/math_alarm.h"
#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/extended_statistic.h"

namespace cwlogd::api::cloudwatch::alarms {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr int64_t kMaxRetryDelayMs = int64_t{5} * 60 * 1000;
constexpr int64_t kHistoryRetentionMs = int64_t{14} * 24 * 3600 * 1000;

// What one metric alarm watches.
struct Target {
  storage::MetricId metric;
  detail::Statistic statistic = detail::Statistic::kSum;
  std::optional<detail::ExtendedStatistic> extended;  // set: a percentile alarm
  std::optional<std::string> statistic_name;  // in StateReasonData; absent for Metrics alarms
  std::optional<std::string> unit;
  int64_t period_seconds = 60;
};

std::optional<Target> MetricTarget(const json& metric, const std::string& stat, int64_t period,
                                   const json& unit) {
  auto statistic = detail::ParseStatistic(stat);
  auto extended = statistic ? std::nullopt : detail::ParseExtendedStatistic(stat);
  if ((!statistic && !extended) || period < 60 || period % 60 != 0 || !metric.is_object()) {
    return std::nullopt;
  }
  Target t;
  t.extended = extended;
  t.metric.metric_namespace = metric.value("Namespace", "");
  t.metric.metric_name = metric.value("MetricName", "");
  for (const auto& d : metric.value("Dimensions", json::array())) {
    t.metric.dimensions.push_back({d.value("Name", ""), d.value("Value", "")});
  }
  storage::SortDimensions(t.metric.dimensions);
  t.statistic = statistic.value_or(detail::Statistic::kSum);
  t.period_seconds = period;
  if (unit.is_string()) t.unit = unit.get<std::string>();
  return t;
}

// A statistic alarm's metric, or the MetricStat a Metrics alarm returns (a returned Expression
// is a metric-math alarm: math_alarm.h).
std::optional<Target> TargetOf(const json& r) {
  if (r.contains("MetricName")) {
    const std::string stat = r.value("Statistic", r.value("ExtendedStatistic", ""));
    auto t = MetricTarget(r, stat, r.value("Period", int64_t{0}), r.value("Unit", json()));
    if (t) t->statistic_name = stat;
    return t;
  }
  const json& queries = r.value("Metrics", json::array());
  for (const auto& q : queries) {
    if (q.contains("ReturnData") && q["ReturnData"] == false) continue;
    if (!q.contains("MetricStat") || !q["MetricStat"].is_object()) return std::nullopt;
    const json& ms = q["MetricStat"];
    return MetricTarget(ms.value("Metric", json()), ms.value("Stat", ""),
                        ms.value("Period", int64_t{0}), ms.value("Unit", json()));
  }
  return std::nullopt;
}

// The slots (newest first) of a metric alarm: slot k covers [end - (k+1)P, end - kP), its value
// the statistic over the minute buckets in it (only those of the alarm's Unit when set).
storage::Status MetricSlots(storage::MetricStore& store, const storage::Partition& partition,
                            const Target& target, int64_t end, int range, std::vector<Slot>* out) {
  const int64_t period_ms = target.period_seconds * 1000;
  const int64_t start = end - range * period_ms;
  std::vector<storage::MetricAggregate> sums(static_cast<size_t>(range));
  std::vector<bool> present(static_cast<size_t>(range), false);
  storage::Status s = store.QueryMetric(partition, target.metric, start, end,
                                        [&](const storage::MetricDatapoint& point) {
                                          if (target.unit && point.unit != *target.unit) {
                                            return true;
                                          }
                                          const int64_t k = (end - 1 - point.minute_ms) / period_ms;
                                          if (k < 0 || k >= range) return true;
                                          sums[static_cast<size_t>(k)].Merge(point.aggregate);
                                          present[static_cast<size_t>(k)] = true;
                                          return true;
                                        });
  if (!s.ok()) return s;
  std::vector<Slot>& slots = *out;
  slots.assign(static_cast<size_t>(range), Slot{});
  for (int k = 0; k < range; ++k) {
    Slot& slot = slots[static_cast<size_t>(k)];
    slot.start_ms = end - (k + 1) * period_ms;
    if (present[static_cast<size_t>(k)] && sums[static_cast<size_t>(k)].sample_count > 0) {
      const storage::MetricAggregate& a = sums[static_cast<size_t>(k)];
      // A percentile the period cannot answer (statistic sets only) counts as missing.
      slot.value = target.extended
                       ? detail::EvaluateExtendedStatistic(a, *target.extended)
                       : std::optional<double>(detail::StatisticValue(a, target.statistic));
      if (slot.value) slot.sample_count = a.sample_count;
    }
  }
  return s;
}

EvaluationConfig ConfigOf(const json& r) {
  EvaluationConfig c;
  c.evaluation_periods = static_cast<int>(r.value("EvaluationPeriods", int64_t{1}));
  c.datapoints_to_alarm_given = r.contains("DatapointsToAlarm");
  c.datapoints_to_alarm =
      static_cast<int>(r.value("DatapointsToAlarm", int64_t{c.evaluation_periods}));
  c.threshold = r.value("Threshold", 0.0);
  c.comparison =
      ParseComparison(r.value("ComparisonOperator", "")).value_or(Comparison::kGreaterOrEqual);
  c.missing_data =
      ParseMissingData(r.value("TreatMissingData", "missing")).value_or(MissingData::kMissing);
  return c;
}

}  // namespace

AlarmEvaluator::AlarmEvaluator(storage::AlarmStore& alarms, storage::MetricStore& metrics,
                               const storage::Clock& clock,
                               std::function<void(const std::string&)> warn)
    : alarms_(alarms), metrics_(metrics), clock_(clock), warn_(std::move(warn)) {}

AlarmEvaluator::~AlarmEvaluator() { Stop(); }

void AlarmEvaluator::SetPublisher(AlarmActionPublisher publisher) {
  publisher_ = std::move(publisher);
}

void AlarmEvaluator::SetMuteCheck(MuteCheck check) { mute_check_ = std::move(check); }

void AlarmEvaluator::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AlarmEvaluator::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlarmEvaluator::Warn(const std::string& text) const {
  if (warn_) warn_(text);
}

void AlarmEvaluator::Loop() {
  int64_t last_minute = std::numeric_limits<int64_t>::min();
  int64_t last_now = 0;
  auto last_tick = std::chrono::steady_clock::now();
  for (;;) {
    const int64_t now = clock_.NowMillis();
    const auto tick = std::chrono::steady_clock::now();
    const int64_t elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(tick - last_tick).count();
    // A clock that jumped (the test clock was set) counts as a new minute.
    const bool jumped = std::llabs(now - (last_now + elapsed)) > 1000;
    last_now = now;
    last_tick = tick;
    // Once per minute of the server's clock.
    if (storage::MinuteOf(now) != last_minute || jumped) {
      last_minute = storage::MinuteOf(now);
      (void)EvaluateAll(now);
    }
    (void)DeliverPending(now);
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) return;
  }
}

EvaluatorStats AlarmEvaluator::EvaluateAll(int64_t now_ms) {
  std::lock_guard<std::mutex> run(run_mu_);
  EvaluatorStats stats;
  struct Item {
    storage::Partition partition;
    std::string name;
    json record;
  };
  std::vector<Item> items;
  // Partitions with a transition (account, region), or a composite whose held actions are due:
  // their composite alarms are settled after.
  std::set<std::pair<std::string, std::string>> to_settle;
  storage::Status s = alarms_.ListAllAlarms(
      [&](const storage::Partition& p, const std::string& name, const std::string& value) {
        json record = json::parse(value, nullptr, false);
        if (record.is_discarded() || !record.is_object()) return true;
        if (record.value("_Type", "") == "MetricAlarm") {
          items.push_back({p, name, std::move(record)});
        } else if (HoldsActionsDue(record, now_ms)) {
          to_settle.emplace(p.account, p.region);
        }
        return true;
      });
  if (!s.ok()) {
    Warn("alarm evaluation: cannot list alarms: " + s.message());
    return stats;
  }
  // History is kept two weeks, as AWS documents.
  if (storage::Status ps =
          alarms_.DeleteHistoryBefore(now_ms - kHistoryRetentionMs, 10'000, nullptr);
      !ps.ok()) {
    Warn("alarm evaluation: cannot prune the alarm history: " + ps.message());
  }
  const int64_t end = storage::MinuteOf(now_ms);
  std::map<std::string, CachedPlan> plans;  // this pass's math alarms
  for (Item& item : items) {
    const EvaluationConfig config = ConfigOf(item.record);
    const int range = EvaluationRange(config.evaluation_periods);
    std::vector<Slot> slots;
    std::optional<std::string> unit;
    std::optional<std::string> statistic;
    int64_t period_seconds = 60;
    bool sample_counts = true;
    if (auto target = TargetOf(item.record)) {
      s = MetricSlots(metrics_, item.partition, *target, end, range, &slots);
      if (!s.ok()) {
        Warn("alarm evaluation: cannot read the metric of " + item.name + ": " + s.message());
        continue;
      }
      unit = target->unit;
      statistic = target->statistic_name;
      period_seconds = target->period_seconds;
    } else {
      auto metrics = item.record.find("Metrics");
      if (metrics == item.record.end()) continue;
      const std::string key =
          item.partition.account + "/" + item.partition.region + "/" + item.name;
      CachedPlan cached;
      if (auto old = plans_.find(key); old != plans_.end() && old->second.metrics == *metrics) {
        cached = std::move(old->second);
      } else {
        cached.metrics = *metrics;
        if (auto plan = PlanMathAlarm(*metrics)) {
          cached.plan = std::make_shared<const MathAlarmPlan>(std::move(*plan));
        }
      }
      const std::shared_ptr<const MathAlarmPlan> plan = cached.plan;
      plans.emplace(key, std::move(cached));
      if (!plan) continue;
      std::string error;
      if (!MathAlarmSlots(*plan, metrics_, item.partition, end, range, &slots, &error)) {
        Warn("alarm evaluation: cannot read the metrics of " + item.name + ": " + error);
        continue;
      }
      period_seconds = plan->period_ms / 1000;
      sample_counts = false;
    }
    ++stats.alarms_evaluated;
    EvaluationOutcome outcome = Evaluate(config, slots);
    if (!outcome.state) continue;
    const std::string new_state(StateName(*outcome.state));
    if (new_state == item.record.value("StateValue", "")) continue;

    std::lock_guard<std::mutex> lock(AlarmMutex());
    // Re-read under the lock: the alarm may have been changed or deleted meanwhile.
    auto current = LoadAlarm(alarms_, item.partition, item.name);
    if (!current.ok() || !current->has_value()) continue;
    json& record = **current;
    if (record.value("AlarmConfigurationUpdatedTimestamp", json(0)) !=
            item.record.value("AlarmConfigurationUpdatedTimestamp", json(0)) ||
        record.value("StateValue", "") == new_state) {
      continue;
    }
    const ordered_json data = StateReasonData(config, slots, outcome, now_ms, unit, statistic,
                                              period_seconds, sample_counts);
    storage::AlarmWrite write;
    ChangeState(item.partition, record, new_state, outcome.reason, data, now_ms, write);
    storage::Status ws = alarms_.Write(item.partition, write);
    if (!ws.ok()) {
      Warn("alarm evaluation: cannot record the transition of " + item.name + ": " + ws.message());
      continue;
    }
    ++stats.transitions;
    to_settle.emplace(item.partition.account, item.partition.region);
  }
  plans_ = std::move(plans);
  for (const auto& [account, region] : to_settle) {
    const storage::Partition p{account, region};
    std::lock_guard<std::mutex> lock(AlarmMutex());
    if (storage::Status cs = SettleCompositeAlarms(alarms_, p, now_ms); !cs.ok()) {
      Warn("alarm evaluation: cannot evaluate the composite alarms: " + cs.message());
    }
  }
  return stats;
}

AlarmEvaluator::Mute AlarmEvaluator::MuteOutcome(const storage::Partition& p, json& entry,
                                                 int64_t now_ms, std::string& message) {
  if (!mute_check_) return Mute::kDeliver;
  const std::string alarm = entry.value("AlarmName", "");
  if (auto until = mute_check_(p, alarm, now_ms)) {
    entry["Muted"] = true;
    entry["NextAttemptMs"] = *until;
    return Mute::kHold;
  }
  if (!entry.value("Muted", false)) return Mute::kDeliver;
  // The window is over: the action runs only if the alarm is still in the state it was muted
  // in, from that same transition. Otherwise it is dropped [unsure: AWS writes no history item
  // that we know of].
  entry["NextAttemptMs"] = 0;
  auto record = LoadAlarm(alarms_, p, alarm);
  if (!record.ok()) return Mute::kHold;  // retried on the next pass
  if (!record->has_value()) return Mute::kDrop;
  const json& r = **record;
  const bool same_transition = r.value("StateValue", "") == entry.value("StateValue", "") &&
                               EpochMillis(r.value("StateTransitionedTimestamp", json(0))) ==
                                   entry.value("StateUpdateMs", int64_t{-1});
  if (!same_transition) return Mute::kDrop;
  ordered_json m = ordered_json::parse(message, nullptr, false);
  if (m.is_object()) {
    m["ActionExecutedAfterMuteWindow"] = true;
    message = m.dump();
  }
  // From here on an ordinary pending action (a retry keeps the late message).
  entry.erase("Muted");
  entry["Message"] = message;
  return Mute::kDeliver;
}

size_t AlarmEvaluator::DeliverPending(int64_t now_ms) {
  if (!publisher_) return 0;
  std::lock_guard<std::mutex> run(run_mu_);
  struct Entry {
    storage::Partition partition;
    std::string id;
    json value;
  };
  std::vector<Entry> due;
  storage::Status s = alarms_.ListOutbox(
      [&](const storage::Partition& p, std::string_view id, const std::string& value) {
        json entry = json::parse(value, nullptr, false);
        if (entry.is_discarded() || !entry.is_object()) return true;
        // Muted entries are looked at on every pass: a rule deleted or changed unmutes them
        // before their window's end.
        if (entry.value("NextAttemptMs", int64_t{0}) <= now_ms || entry.value("Muted", false)) {
          due.push_back({p, std::string(id), std::move(entry)});
        }
        return due.size() < 1000;
      });
  if (!s.ok()) {
    Warn("alarm actions: cannot read the outbox: " + s.message());
    return 0;
  }
  size_t delivered = 0;
  for (Entry& e : due) {
    const std::string arn = e.value.value("ActionArn", "");
    std::string message = e.value.value("Message", "");
    const std::string before = e.value.dump();
    const Mute mute = MuteOutcome(e.partition, e.value, now_ms, message);
    if (mute != Mute::kDeliver) {
      if (mute == Mute::kHold && e.value.dump() == before) continue;  // still held, unchanged
      storage::AlarmWrite held;
      if (mute == Mute::kHold) {
        held.outbox.push_back({e.id, e.value.dump()});
      } else {
        held.outbox_deletes.push_back(e.id);
      }
      if (storage::Status ws = alarms_.Write(e.partition, held); !ws.ok()) {
        Warn("alarm actions: cannot update the outbox: " + ws.message());
      }
      continue;
    }
    const ActionOutcome outcome =
        publisher_(e.partition, arn, e.value.value("Subject", ""), message);
    storage::AlarmWrite write;
    if (outcome.kind == ActionOutcome::Kind::kRetryLater) {
      const int64_t attempts = e.value.value("Attempts", int64_t{0}) + 1;
      e.value["Attempts"] = attempts;
      const int64_t delay =
          std::min<int64_t>(kMaxRetryDelayMs, int64_t{1000} << std::min<int64_t>(attempts, 20));
      e.value["NextAttemptMs"] = now_ms + delay;
      write.outbox.push_back({e.id, e.value.dump()});
    } else {
      const bool ok = outcome.kind == ActionOutcome::Kind::kAccepted;
      ordered_json data;
      data["actionState"] = ok ? "Succeeded" : "Failed";
      data["stateUpdateTimestamp"] = e.value.value("StateUpdateMs", int64_t{0});
      data["notificationResource"] = arn;
      data["publishedMessage"] = ok ? ordered_json(message) : ordered_json(nullptr);
      data["error"] = ok ? ordered_json(nullptr) : ordered_json(outcome.error);
      const std::string summary =
          ok ? "Successfully executed action " + arn
             : "Failed to execute action " + arn + ". Received error: \"" + outcome.error + "\"";
      write.outbox_deletes.push_back(e.id);
      write.history.push_back(HistoryItem(e.value.value("AlarmName", ""),
                                          e.value.value("AlarmType", "MetricAlarm"), now_ms,
                                          "Action", summary, data.dump()));
    }
    storage::Status ws = alarms_.Write(e.partition, write);
    if (!ws.ok()) {
      Warn("alarm actions: cannot update the outbox: " + ws.message());
      continue;
    }
    if (outcome.kind == ActionOutcome::Kind::kAccepted) ++delivered;
  }
  return delivered;
}

}  // namespace cwlogd::api::cloudwatch::alarms
