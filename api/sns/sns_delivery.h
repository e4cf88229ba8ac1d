// SnsDeliverer: the one background thread that empties the SNS outbox (kSnsOutbox records that
// Publish, Subscribe and Unsubscribe wrote): for each delivery due, an HTTP(S) POST of SNS's
// JSON message with its x-amz-sns-* headers, or an e-mail through the SMTP relay; a delivered
// one leaves the record, a failed one is retried on its subscription's schedule (AWS's default:
// 3 retries, 20 s apart) and then dropped with a log line. A delivery leaves the outbox only
// after it was made, so a kill -9 at any point delivers it after the restart (at least once).
// Thread-safety: Start/Stop from one thread; RunOnce is for that thread (or tests).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api::sns {

using Headers = std::vector<std::pair<std::string, std::string>>;

// HTTP(S) POST (server/sns_sender.h). False with `error` for a connection failure, a timeout or
// a non-2xx answer.
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  virtual bool Post(const std::string& url, const Headers& headers, const std::string& body,
                    std::string* error) = 0;
};

// One e-mail through the relay (server/smtp_sender.h), From `<from_name>
// <no-reply@sns.amazonaws.com>` (the topic's DisplayName, else "AWS Notifications"). False with
// `error` when the relay did not take it.
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual bool Send(const std::string& to, const std::string& from_name, const std::string& subject,
                    const std::string& body, std::string* error) = 0;
};

// Signs a message's string to sign (SignatureVersion "1" = SHA1, "2" = SHA256 with RSA) and names
// the certificate to check it with. Unset: messages carry an empty Signature.
struct MessageSigner {
  std::function<std::string(const std::string& string_to_sign, bool sha256)> sign;
  std::string cert_path;  // "/SimpleNotificationService-<hex>.pem", served by this server
};

struct SnsDeliveryOptions {
  MailSender* mail = nullptr;  // nullptr: no relay; e-mail deliveries are dropped with a log line
  MessageSigner signer;
  std::function<void(const std::string&)> log;  // one line per problem
};

class SnsDeliverer {
 public:
  SnsDeliverer(storage::LogStore& store, const storage::Clock& clock, HttpPoster& http,
               SnsDeliveryOptions options);
  ~SnsDeliverer();  // stops the thread
  SnsDeliverer(const SnsDeliverer&) = delete;
  SnsDeliverer& operator=(const SnsDeliverer&) = delete;

  void Start();
  void Stop();
  // One pass over the outbox: every delivery due now. Returns how many were attempted.
  size_t RunOnce();

 private:
  void Loop();

  storage::LogStore& store_;
  const storage::Clock& clock_;
  HttpPoster& http_;
  SnsDeliveryOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cwlogd::api::sns
