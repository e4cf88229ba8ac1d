// Service: one running cwlogd -- the opened store, the (offsettable) clock, the retention job,
// the router and the HTTP server, wired from a Config. main() and the in-process server tests
// both use it.
// Thread-safety: as HttpServer (Stop() from any thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/cloudwatch/alarms/alarm_evaluator.h"
#include "server/http_server.h"
#include "server/log.h"
#include "server/options.h"
#include "server/retention_sweeper.h"
#include "server/router.h"
#include "server/sns_sender.h"
#include "server/subscription_sender.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::server {

class Service {
 public:
  // Creates the data directory if missing, opens the store, binds the listening socket.
  // nullptr with `error` set when any step fails (bad directory, store locked or corrupt,
  // port taken). `logger` must outlive the service.
  static std::unique_ptr<Service> Start(const Config& config, Logger& logger, std::string* error);
  // Stops serving (if still running), then closes the store.
  ~Service();

  uint16_t port() const { return http_->port(); }
  HttpServer& http() { return *http_; }
  storage::SystemClock& clock() { return clock_; }

  // See HttpServer::Run / Stop / StopOnSignals.
  void Run() { http_->Run(); }
  void Stop() { http_->Stop(); }
  void StopOnSignals() { http_->StopOnSignals(); }

 private:
  explicit Service(const Config& config);

  Config config_;
  storage::SystemClock clock_;
  std::unique_ptr<storage::LogStore> store_;
  std::unique_ptr<RetentionSweeper> sweeper_;  // stopped before the store closes
  std::unique_ptr<Router> router_;
  // Subscription delivery: its thread stops before the store closes.
  api::MetricFilterCache delivery_filter_cache_;  // for log-group targets' PutLogEvents
  std::unique_ptr<HttpSubscriptionSender> subscription_sender_;
  std::unique_ptr<api::SubscriptionDeliverer> deliverer_;
  std::unique_ptr<SnsHttpPoster> sns_poster_;
  std::unique_ptr<api::sns::MailSender> sns_mail_;  // nullptr without --smtp-url
  std::unique_ptr<api::sns::SnsDeliverer> sns_deliverer_;
  // Metric alarms: evaluated once a minute of clock_; stops before the store closes. Its action
  // publisher is unset until SNS is wired (actions stay pending in the outbox).
  std::unique_ptr<api::cloudwatch::alarms::AlarmEvaluator> alarm_evaluator_;
  std::unique_ptr<HttpServer> http_;
};

}  // namespace cwlogd::server
