// The HTTP(S) side of subscription delivery: the api's SubscriptionSender on Boost.Beast (one
// kept-alive connection per endpoint, TLS through OpenSSL for https), and the reading of the
// --subscription-targets file that maps destination ARNs to targets (docs/live.md).
// Thread-safety: a sender is used by the one delivery thread; LoadSubscriptionTargets is pure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/subscription_delivery.h"

namespace cwlogd::server {

class HttpSubscriptionSender final : public api::SubscriptionSender {
 public:
  HttpSubscriptionSender();
  ~HttpSubscriptionSender() override;
  // Connects (or reuses the connection to the URL's host and port), POSTs, reads the answer,
  // all within 10 s. False with `error` for a connection failure, a timeout or a non-2xx status.
  bool Post(const std::string& url, const std::string& body, std::string* error) override;
  // The same with the request's headers given (Content-Type and User-Agent among them).
  bool PostWithHeaders(const std::string& url,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       const std::string& body, std::string* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the targets file: a JSON object {"<destination ARN>": {"url": "http(s)://..."} or
// {"logGroup": "<name>"}, ...}. False with a one-line `error` when it cannot be read or is not
// of that shape.
bool LoadSubscriptionTargets(const std::string& path,
                             std::map<std::string, api::SubscriptionTarget>* targets,
                             std::string* error);

}  // namespace cwlogd::server
