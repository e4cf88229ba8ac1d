// The CloudWatch Logs calls the agent makes (PutLogEvents, CreateLogGroup, CreateLogStream,
// PutRetentionPolicy), signed with SigV4, over one kept-alive HTTP or HTTPS connection.
// Not thread-safe: one LogsClient per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "agent/sigv4.h"

namespace cwlogd::agent {

struct ClientOptions {
  std::string endpoint;  // http://host:port or https://host[:port]. Default: AWS for the region
  std::string region = "us-east-1";
  Credentials credentials;
  bool gzip = false;       // gzip request bodies (Content-Encoding: gzip)
  int timeout_ms = 30000;  // per request. Default: 30 s
  bool verify_tls = true;  // https: verify the server certificate against the system store
};

// Outcome of one call. status 0: the request did not get an answer (connect/IO error).
struct CallResult {
  int status = 0;
  std::string error_type;  // "__type" of an error answer, namespace stripped
  std::string message;
  std::string body;
  bool ok() const { return status == 200; }
  // Worth retrying after a pause: no answer, 5xx, throttling.
  bool retryable() const;
};

class LogsClient {
 public:
  explicit LogsClient(ClientOptions options);
  ~LogsClient();
  LogsClient(const LogsClient&) = delete;
  LogsClient& operator=(const LogsClient&) = delete;

  // POSTs `body` as Logs_20140328.<operation>.
  CallResult Call(std::string_view operation, std::string_view body);

  const ClientOptions& options() const { return options_; }

 private:
  struct Connection;
  ClientOptions options_;
  std::unique_ptr<Connection> conn_;
};

// gzip of `data` (level 1: the agent trades ratio for CPU).
std::string Gzip(std::string_view data);

// The UTC time as SigV4's YYYYMMDDTHHMMSSZ.
std::string AmzDate(int64_t unix_seconds);

}  // namespace cwlogd::agent
