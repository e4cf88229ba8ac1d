// Subscription delivery (docs/live.md, "Subscription filters"): one background thread that reads
// each subscription filter's outbox from its durable cursor (storage/subscription_store.h),
// matches the events against the filter's pattern and hands them, in order per log stream, to the
// target the operator mapped the filter's destination ARN to: an HTTP(S) endpoint that receives
// what a Lambda receives, or another log group of the same partition. The cursor moves only after
// the target accepted a payload, so delivery is at least once; a failing target is retried with
// exponential backoff, never skipped. Thread-safety: Start/Stop from one thread; Wake from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/context.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "storage/subscription_store.h"

namespace cwlogd::api {

class MetricFilterCache;  // api/metric_filter_eval.h

// Where the payloads of one destination ARN go. Exactly one member is set.
struct SubscriptionTarget {
  std::string url;        // http:// or https:// endpoint: POST {"awslogs":{"data":...}}
  std::string log_group;  // a log group of the filter's partition: PutLogEvents into it
};

// The transport to HTTP targets; server/ implements it (Boost.Beast), tests may fake it.
class SubscriptionSender {
 public:
  virtual ~SubscriptionSender() = default;
  // POSTs `body` (application/json) to `url`. True on a 2xx answer; otherwise `error` says why.
  virtual bool Post(const std::string& url, const std::string& body, std::string* error) = 0;
};

struct SubscriptionDeliveryOptions {
  // Destination ARN -> target. A Logs destination ARN that is not mapped is looked up by its
  // destination's targetArn. Default: empty (filters are stored, nothing is delivered).
  std::map<std::string, SubscriptionTarget> targets;
  // The first retry of a failed target waits this long, each further one twice as long, up to
  // max_backoff. Default: 200 ms, 5 s
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  // Upper bounds of one DATA_MESSAGE before compression (the events' JSON). Lambda takes 256 KiB
  // per asynchronous invocation, after base64. Default: 10,000 events, 1 MiB
  size_t max_payload_events = 10'000;
  size_t max_payload_bytes = size_t{1} << 20;
  // Outbox batches read per filter and round (a bound on memory and on one round's work).
  // Default: 256
  size_t max_batches_per_round = 256;
};

// The two encodings of a delivered document: gzip (level 6) and standard base64.
std::string GzipBytes(std::string_view data);
std::string Base64(std::string_view data);

class SubscriptionDeliverer {
 public:
  // `log` receives one line per noteworthy event (a target failing, an unmapped ARN), from the
  // delivery thread. Every reference must outlive the deliverer.
  SubscriptionDeliverer(storage::LogStore& store, const storage::Clock& clock,
                        const ApiOptions& api_options, MetricFilterCache& cache,
                        SubscriptionSender& sender, SubscriptionDeliveryOptions options,
                        std::function<void(const std::string&)> log);
  ~SubscriptionDeliverer();
  SubscriptionDeliverer(const SubscriptionDeliverer&) = delete;
  SubscriptionDeliverer& operator=(const SubscriptionDeliverer&) = delete;

  // Starts the thread (and asks the store to wake it on every outbox write). No-op without a
  // SubscriptionStore.
  void Start();
  // Stops the thread after its current payload.
  void Stop();
  // Something to deliver may have arrived.
  void Wake();

 private:
  struct FilterState;
  enum class StepResult { kIdle, kProgress, kFailed };

  void Run();
  StepResult Step(const storage::ActiveSubscription& sub, FilterState& state);
  // The target of a filter, or nullptr when its destination ARN is not mapped.
  const SubscriptionTarget* Resolve(const storage::ActiveSubscription& sub);
  bool SendControl(const storage::ActiveSubscription& sub, const SubscriptionTarget& target,
                   std::string* error);
  bool SendEvents(const storage::ActiveSubscription& sub, const SubscriptionTarget& target,
                  const std::string& stream, const std::vector<storage::EventKey>& keys,
                  const std::vector<const std::string*>& messages, std::string* error);

  storage::LogStore& store_;
  storage::SubscriptionStore* subscriptions_;
  const storage::Clock& clock_;
  const ApiOptions& api_options_;
  MetricFilterCache& cache_;
  SubscriptionSender& sender_;
  SubscriptionDeliveryOptions options_;
  std::function<void(const std::string&)> log_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stop_ = false;
  std::thread thread_;
  // Delivery thread only: per filter (partition, group, filter name).
  std::map<std::string, std::unique_ptr<FilterState>> states_;
};

}  // namespace cwlogd::api
