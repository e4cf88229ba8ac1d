#include "server/service.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <utility>

#include "api/cloudwatch/alarms/mute_rules.h"
#include "api/sns/sns_api.h"
#include "server/auth/authenticator.h"
#include "server/smtp_sender.h"
#include "server/tls_context.h"

namespace cwlogd::server {

Service::Service(const Config& config) : config_(config), clock_(config.clock_offset_ms) {}

Service::~Service() {
  // The server goes first: its sessions reference the router, the router the store.
  http_.reset();
  deliverer_.reset();        // joins the delivery thread; it uses the store
  alarm_evaluator_.reset();  // joins the evaluation thread; it publishes to SNS's outbox
  sns_deliverer_.reset();    // joins the SNS delivery thread; it uses the store
  sweeper_.reset();          // joins a pass in progress; it uses the store
  router_.reset();
  store_.reset();
}

std::unique_ptr<Service> Service::Start(const Config& config, Logger& logger, std::string* error) {
  std::unique_ptr<Service> service(new Service(config));
  // Authentication first: a bad credentials file must not leave a half-started server.
  Authenticator authenticator = UnverifiedAuthenticator();
  if (config.auth.mode == "sigv4") {
    std::string cred_error;
    std::optional<auth::CredentialStore> keys =
        auth::CredentialStore::Load(config.auth.credentials_file, &cred_error);
    if (!keys) {
      *error = cred_error;
      return nullptr;
    }
    if (keys->size() == 0) {
      *error = "credentials file " + config.auth.credentials_file + " has no credentials";
      return nullptr;
    }
    logger.Info("auth=sigv4: {} access key(s) from {}, max clock skew {} s", keys->size(),
                config.auth.credentials_file, config.auth.max_skew_seconds);
    auth::SigV4Options sigv4;
    sigv4.max_skew_seconds = config.auth.max_skew_seconds;
    authenticator = auth::SigV4Authenticator(
        std::make_shared<const auth::CredentialStore>(std::move(*keys)), sigv4);
  } else {
    logger.Info("auth=none: any credentials are accepted (local development mode)");
  }
  // The subscription targets too.
  api::SubscriptionDeliveryOptions delivery;
  if (!config.subscription_targets_file.empty()) {
    if (!LoadSubscriptionTargets(config.subscription_targets_file, &delivery.targets, error)) {
      return nullptr;
    }
    logger.Info("subscriptions: {} destination ARN(s) mapped from {}", delivery.targets.size(),
                config.subscription_targets_file);
  }
  // TLS files next, for the same reason: nothing is created or opened when they are bad.
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (config.server.tls()) {
    tls = LoadTlsContext(config.server.tls_cert_file, config.server.tls_key_file, error);
    if (!tls) return nullptr;
    logger.Info("tls: HTTPS only (TLS 1.2+), certificate {}", config.server.tls_cert_file);
  }
  std::error_code fs_ec;
  std::filesystem::create_directories(config.storage.path, fs_ec);
  if (fs_ec) {
    *error = "cannot create data directory '" + config.storage.path + "': " + fs_ec.message();
    return nullptr;
  }
  storage::StorageOptions storage_options = config.storage;
  // The logger outlives the store (main() owns both).
  storage_options.on_warning = [&logger](const std::string& text) { logger.Warn("{}", text); };
  storage::Result<std::unique_ptr<storage::LogStore>> store =
      storage::OpenRocksLogStore(storage_options);
  if (!store.ok()) {
    *error = "cannot open the store in '" + config.storage.path + "': " + store.status().message();
    return nullptr;
  }
  service->store_ = std::move(store).value();

  // SNS e-mail's relay, checked before anything is opened.
  if (!config.smtp_url.empty()) {
    service->sns_mail_ = MakeSmtpSender(config.smtp_url, error);
    if (!service->sns_mail_) return nullptr;
    logger.Info("sns: e-mail through the SMTP relay {}",
                config.smtp_url.substr(config.smtp_url.rfind('@') + 1));
  }
  // SNS signs its messages with a key of this run; the certificate is served on our port.
  std::optional<SnsSigningKey> sns_key = MakeSnsSigningKey(error);
  if (!sns_key) return nullptr;
  RouterOptions router_options;
  router_options.tls = config.server.tls();
  router_options.sns_cert_path = sns_key->signer.cert_path;
  router_options.sns_cert_pem = sns_key->cert_pem;
  router_options.enable_test_endpoints = config.server.enable_test_endpoints;
  router_options.console = config.server.console;
  router_options.max_body_bytes = config.server.max_body_bytes;
  router_options.queries = config.queries;
  router_options.exports = config.exports;
  if (router_options.exports.export_dir.empty()) {
    router_options.exports.export_dir = config.storage.path + "/exports";
  }
  // Created when missing (its buckets are not: a missing bucket is CreateExportTask's error).
  std::filesystem::create_directories(router_options.exports.export_dir, fs_ec);
  if (fs_ec) {
    *error = "cannot create the export directory '" + router_options.exports.export_dir +
             "': " + fs_ec.message();
    return nullptr;
  }
  router_options.exports.on_warning = [&logger](const std::string& text) {
    logger.Warn("{}", text);
  };
  service->sweeper_ = std::make_unique<RetentionSweeper>(*service->store_, service->clock_, logger,
                                                         config.retention);
  router_options.retention_sweep =
      [sweeper = service->sweeper_.get()](
          const nlohmann::json& request) -> std::variant<nlohmann::json, api::ApiError> {
    // {"gentle": true} runs the background job's pass; "reclaimDelayMs" overrides its delay.
    RetentionPassOptions pass;
    auto gentle = request.find("gentle");
    auto delay = request.find("reclaimDelayMs");
    if ((gentle != request.end() && !gentle->is_boolean()) ||
        (delay != request.end() && (!delay->is_number_integer() || delay->get<int64_t>() < 0))) {
      return api::ApiError::InvalidParameter(
          "gentle must be a boolean and reclaimDelayMs a non-negative integer.");
    }
    if (gentle != request.end()) pass.gentle = gentle->get<bool>();
    if (delay != request.end()) {
      pass.reclaim_delay = std::chrono::milliseconds(delay->get<int64_t>());
    }
    RetentionSweepResult r = sweeper->SweepNow(pass);
    if (!r.status.ok()) return api::FromStorage(r.status);
    return ToJson(r);
  };
  service->router_ =
      std::make_unique<Router>(*service->store_, service->clock_, service->config_.api,
                               std::move(authenticator), logger, router_options);
  service->http_ =
      std::make_unique<HttpServer>(config.server, *service->router_, logger, std::move(tls));
  if (!service->http_->Listen(error)) return nullptr;
  service->sweeper_->Start();
  service->subscription_sender_ = std::make_unique<HttpSubscriptionSender>();
  service->deliverer_ = std::make_unique<api::SubscriptionDeliverer>(
      *service->store_, service->clock_, service->config_.api, service->delivery_filter_cache_,
      *service->subscription_sender_, std::move(delivery),
      [&logger](const std::string& line) { logger.Warn("{}", line); });
  service->deliverer_->Start();
  service->sns_poster_ = std::make_unique<SnsHttpPoster>();
  api::sns::SnsDeliveryOptions sns_delivery;
  sns_delivery.signer = std::move(sns_key->signer);
  sns_delivery.log = [&logger](const std::string& line) { logger.Warn("{}", line); };
  sns_delivery.mail = service->sns_mail_.get();
  if (sns_delivery.mail == nullptr) {
    logger.Info(
        "sns: no SMTP relay (--smtp-url / CWLOGD_SMTP_URL): e-mail subscriptions stay "
        "PendingConfirmation");
  }
  service->sns_deliverer_ = std::make_unique<api::sns::SnsDeliverer>(
      *service->store_, service->clock_, *service->sns_poster_, std::move(sns_delivery));
  service->sns_deliverer_->Start();
  if (service->store_->alarm_store() != nullptr && service->store_->metric_store() != nullptr) {
    service->alarm_evaluator_ = std::make_unique<api::cloudwatch::alarms::AlarmEvaluator>(
        *service->store_->alarm_store(), *service->store_->metric_store(), service->clock_,
        [&logger](const std::string& line) { logger.Warn("{}", line); });
    // Actions are SNS topics of this server: Publish queues the notification durably in SNS's
    // outbox; an ARN that names no topic fails for good (AWS's Failed action), a store failure
    // is retried with backoff.
    service->alarm_evaluator_->SetPublisher(
        [store = service->store_.get(), &clock = service->clock_](
            const storage::Partition& p, std::string_view arn, std::string_view subject,
            std::string_view message) {
          using Outcome = api::cloudwatch::alarms::ActionOutcome;
          switch (api::sns::Publish(*store, clock, p, arn, subject, message)) {
            case api::sns::PublishStatus::kAccepted:
              return Outcome{};
            case api::sns::PublishStatus::kNoSuchTopic:
              return Outcome{Outcome::Kind::kFailed, "Topic does not exist"};
            case api::sns::PublishStatus::kUnavailable:
              break;
          }
          return Outcome{Outcome::Kind::kRetryLater, ""};
        });
    // Alarm mute rules (api/cloudwatch/alarms/mute_rules.h) hold actions back in their windows.
    if (storage::ResourceStore* resources = service->store_->resource_store()) {
      service->alarm_evaluator_->SetMuteCheck(
          [resources](const storage::Partition& p, std::string_view alarm, int64_t now_ms) {
            return api::cloudwatch::alarms::MuteWindowEnd(*resources, p, alarm, now_ms);
          });
    }
    // Tests only: CWLOGD_ALARM_ACTION_LOG replaces SNS with a file that gets each notification
    // as one JSON line, to observe the evaluator alone (docs/alarms.md).
    if (const char* path = std::getenv("CWLOGD_ALARM_ACTION_LOG"); path != nullptr && *path) {
      service->alarm_evaluator_->SetPublisher(
          [file = std::string(path)](const storage::Partition& p, std::string_view arn,
                                     std::string_view subject, std::string_view message) {
            std::ofstream out(file, std::ios::app);
            out << nlohmann::json{{"account", p.account},
                                  {"region", p.region},
                                  {"action", arn},
                                  {"subject", subject},
                                  {"message", message}}
                       .dump()
                << "\n";
            out.flush();
            using Outcome = api::cloudwatch::alarms::ActionOutcome;
            return out.good() ? Outcome{} : Outcome{Outcome::Kind::kRetryLater, ""};
          });
      logger.Info("alarm actions: appended to {} (CWLOGD_ALARM_ACTION_LOG)", path);
    }
    service->alarm_evaluator_->Start();
  }
  if (config.retention.sweep_interval.count() > 0) {
    logger.Info("retention sweep every {} s", config.retention.sweep_interval.count());
  } else {
    logger.Info("retention sweep off (--retention-sweep-interval-seconds 0)");
  }
  return service;
}

}  // namespace cwlogd::server
