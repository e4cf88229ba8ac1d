// The server side of SNS delivery: HTTP(S) POSTs through the subscription sender's connections,
// and the key SNS messages are signed with (a fresh RSA key and self-signed certificate per
// run, served at the SigningCertURL). Thread-safety: a poster is used by the one delivery
// thread; the signer's function may be called from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/sns/sns_delivery.h"
#include "server/subscription_sender.h"

namespace cwlogd::server {

class SnsHttpPoster final : public api::sns::HttpPoster {
 public:
  bool Post(const std::string& url, const api::sns::Headers& headers, const std::string& body,
            std::string* error) override {
    return sender_.PostWithHeaders(url, headers, body, error);
  }

 private:
  HttpSubscriptionSender sender_;
};

struct SnsSigningKey {
  api::sns::MessageSigner signer;  // cert_path "/SimpleNotificationService-<32 hex>.pem"
  std::string cert_pem;
};

// A new 2048-bit RSA key and a self-signed certificate (CN sns.amazonaws.com, valid a year).
// nullopt with `error` when OpenSSL fails.
std::optional<SnsSigningKey> MakeSnsSigningKey(std::string* error);

}  // namespace cwlogd::server
