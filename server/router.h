// Router: one parsed HTTP request in, one response out. Picks the route (Logs JSON 1.1, test
// endpoints, the CloudWatch metrics hook), turns the caller into a partition through the
// Authenticator seam, calls api::Dispatch and renders the result. No business logic here.
// Thread-safe: Handle may run concurrently on every IO thread.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "server/http_types.h"
#include "server/log.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::server {

// The one seam between a request and the caller's identity: a partition, or the auth error to
// send back. Today's default does no signature verification (UnverifiedAuthenticator); a SigV4
// verifier (server/auth*) plugs in here.
using AuthResult = std::variant<storage::Partition, api::ApiError>;
using Authenticator = std::function<AuthResult(const HttpRequest& request)>;

// Partition from the Authorization header (see partition.h); never an error.
Authenticator UnverifiedAuthenticator();

struct RouterOptions {
  bool enable_test_endpoints = false;  // /_cwlogd/reset and /_cwlogd/clock. Default: off
  size_t max_body_bytes = 8u << 20;    // also caps a gzip body once inflated. Default: 8 MiB
  // POST /_cwlogd/sweep (with the test endpoints): runs one retention pass with the request's
  // JSON object (empty body = {}) and returns its JSON. Unset: 404. Default: unset
  std::function<std::variant<nlohmann::json, api::ApiError>(const nlohmann::json& request)>
      retention_sweep;
};

// True for requests meant for the CloudWatch metrics API (any of its three protocols):
// X-Amz-Target GraniteServiceVersion20100801.*, `smithy-protocol: rpc-v2-cbor`, a path under
// /service/GraniteServiceVersion20100801/operation/, or a form-encoded body / query with Action=.
bool IsMetricsRequest(const HttpRequest& request);

class Router {
 public:
  Router(storage::LogStore& store, storage::SystemClock& clock, const api::ApiOptions& api_options,
         Authenticator authenticate, Logger& logger, RouterOptions options);

  // Never throws: an unexpected exception becomes 500 InternalFailure and a log line.
  // The response has the request's HTTP version; keep-alive is left to the caller.
  HttpResponse Handle(HttpRequest& request);

 private:
  // `op` receives a short name of what was done, for the debug log.
  HttpResponse Route(HttpRequest& request, const std::string& request_id, std::string& op);
  HttpResponse HandleLogs(HttpRequest& request, const std::string& request_id,
                          std::string_view target);
  HttpResponse HandleTestEndpoint(const HttpRequest& request, const std::string& request_id,
                                  std::string_view path, std::string& op);
  // Hook for the CloudWatch metrics API. Until it is implemented: UnknownOperationException.
  HttpResponse HandleMetrics(HttpRequest& request, const std::string& request_id);
  // Inflates a gzip body in place; an ApiError when the encoding is unsupported or corrupt.
  std::optional<api::ApiError> DecodeBody(HttpRequest& request) const;

  storage::LogStore& store_;
  storage::SystemClock& clock_;
  const api::ApiOptions& api_options_;
  Authenticator authenticate_;
  Logger& logger_;
  const RouterOptions options_;
};

}  // namespace cwlogd::server
