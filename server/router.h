// Router: one parsed HTTP request in, one response out. The request pipeline, every stage once:
//
//   HttpServer: read + parse (IO thread) ──> worker thread ──> Router::Handle
//     1. classify      ClassifyRequest: the RequestProtocol, from path and headers only
//                      (/_cwlogd/* endpoints; CloudWatch RPC v2 CBOR, JSON 1.0 or query;
//                      Logs JSON 1.1 by X-Amz-Target Logs_20140328.*; or a routing error)
//     2. authenticate  the Authenticator seam -> storage::Partition    } skipped for /_cwlogd/*
//     3. decode        DecodeContentEncoding (gzip) once, in place     } and routing errors
//     4. handle        kRoutes[protocol]: api::Dispatch, api::cloudwatch (cloudwatch_route.h),
//                      or the /_cwlogd/ endpoints (health; with the test endpoints reset,
//                      clock and sweep, which authenticate first: they change every account)
//     5. render        in the protocol's shape: JSON 1.1 (response.h), or JSON 1.0 / CBOR /
//                      query XML (cloudwatch_route.h); an error at any stage likewise
//
// No business logic here.
// Thread-safe: Handle runs concurrently on the HttpServer's worker threads (health checks on
// its IO threads).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/export_runner.h"
#include "api/live_tail/live_tail_hub.h"
#include "api/metric_filter_eval.h"
#include "api/query_runner.h"
#include "api/scheduled_query_runner.h"
#include "server/cloudwatch_route.h"
#include "server/http_types.h"
#include "server/log.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::server {

struct RouterOptions {
  // /_cwlogd/reset, /_cwlogd/clock and /_cwlogd/sweep. Default: off
  bool enable_test_endpoints = false;
  size_t max_body_bytes = 8u << 20;  // also caps a gzip body once inflated. Default: 8 MiB
  // POST /_cwlogd/sweep (with the test endpoints): runs one retention pass with the request's
  // JSON object (empty body = {}) and returns its JSON. Unset: 404. Default: unset
  std::function<std::variant<nlohmann::json, api::ApiError>(const nlohmann::json& request)>
      retention_sweep;
  // The Logs Insights query runner the router owns (threads, caps, retention of results).
  api::QueryRunnerOptions queries;
  // The export task runner the router owns (where buckets are, object size).
  api::ExportOptions exports;
  // The scheduled-query runner the router owns (its poll; buckets are exports.export_dir).
  api::ScheduledQueryOptions scheduled_queries;
  // The port speaks TLS: SNS's SubscribeURL/UnsubscribeURL links use https://. Default: false
  bool tls = false;
  // SNS's signing certificate, served at GET `sns_cert_path` (SigningCertURL). Empty: none.
  std::string sns_cert_path;
  std::string sns_cert_pem;
  // GET / and /console/*: the web console's assets (console_route.h), without auth.
  // Default: on
  bool console = true;
};

// True for requests meant for the CloudWatch metrics API (any of its three protocols):
// X-Amz-Target GraniteServiceVersion20100801.*, `smithy-protocol: rpc-v2-cbor`, a path under
// /service/GraniteServiceVersion20100801/operation/, or a form-encoded body / query with Action=.
bool IsMetricsRequest(const HttpRequest& request);

// What a request is, decided once from its path and headers (stage 1 of the pipeline).
enum class RequestProtocol {
  kCwlogdEndpoint,     // /_cwlogd/*: health and the test endpoints
  kCloudWatchCbor,     // CloudWatch metrics, Smithy RPC v2 CBOR
  kCloudWatchJson10,   // CloudWatch metrics, AWS JSON 1.0
  kCloudWatchQuery,    // CloudWatch metrics, AWS query (form)
  kStsQuery,           // STS GetCallerIdentity, AWS query (form) -> XML (sts_route.h)
  kSnsQuery,           // SNS, AWS query (form) -> XML (sns_route.h)
  kSnsLink,            // unsigned GET of an SNS SubscribeURL / UnsubscribeURL or SigningCertURL
  kLogsJson11,         // CloudWatch Logs, AWS JSON 1.1
  kNoRoute,            // not a POST and nothing above: 404
  kMissingLogsTarget,  // POST without X-Amz-Target: UnknownOperationException
  kUnknownLogsTarget,  // X-Amz-Target that is no Logs_20140328.* operation: likewise
};

struct RequestClass {
  RequestProtocol protocol = RequestProtocol::kNoRoute;
  std::string_view amz_target;  // trimmed X-Amz-Target (Logs), a view into the request
};

// `sns_cert_path`: RouterOptions::sns_cert_path.
RequestClass ClassifyRequest(const HttpRequest& request, std::string_view sns_cert_path = {});

// True for the three CloudWatch metrics protocols.
bool IsCloudWatch(RequestProtocol protocol);

// The one seam between a request and the caller's identity: a partition, or the auth error to
// send back. Given the request's classification (stage 1), so it never works out the protocol
// again. The default does no signature verification (UnverifiedAuthenticator); the SigV4
// verifier (server/auth/authenticator.h) plugs in here.
using AuthResult = std::variant<storage::Partition, api::ApiError>;
using Authenticator =
    std::function<AuthResult(const HttpRequest& request, const RequestClass& what)>;

// Partition from the Authorization header (see partition.h); never an error.
Authenticator UnverifiedAuthenticator();

class Router {
 public:
  Router(storage::LogStore& store, storage::SystemClock& clock, const api::ApiOptions& api_options,
         Authenticator authenticate, Logger& logger, RouterOptions options);

  // Never throws: an unexpected exception becomes 500 InternalFailure and a log line.
  // The response has the request's HTTP version; keep-alive is left to the caller.
  // A streamed answer (StartLiveTail) sets *stream to its session and returns only the
  // response's status and headers (200, application/vnd.amazon.eventstream): the caller then
  // writes the session's bytes as they come (HttpServer). Without `stream`, such a request is
  // answered ServiceUnavailableException.
  HttpResponse Handle(HttpRequest& request,
                      std::shared_ptr<api::live_tail::LiveTailSession>* stream = nullptr);

 private:
  // One request on its way through the pipeline; the stages fill it in.
  struct Exchange {
    HttpRequest& request;
    const std::string& request_id;
    std::string& op;  // a short name of what was done, for the debug log
    RequestClass what;
    std::optional<storage::Partition> partition;               // set by stage 2
    std::shared_ptr<api::live_tail::LiveTailSession>* stream;  // Handle's `stream`
  };
  using Handler = HttpResponse (Router::*)(Exchange& exchange);
  // A row of the handler table: how stages 2 to 4 treat one RequestProtocol.
  struct Route {
    bool authenticate_and_decode;
    Handler handle;
  };
  static const Route& RouteFor(RequestProtocol protocol);

  HttpResponse Run(Exchange& exchange);
  HttpResponse HandleLogs(Exchange& exchange);
  HttpResponse HandleMetrics(Exchange& exchange);
  HttpResponse HandleSts(Exchange& exchange);
  HttpResponse HandleSns(Exchange& exchange);
  HttpResponse HandleCwlogdEndpoint(Exchange& exchange);
  HttpResponse HandleNoRoute(Exchange& exchange);
  HttpResponse HandleMissingLogsTarget(Exchange& exchange);
  HttpResponse HandleUnknownLogsTarget(Exchange& exchange);
  // An error from any stage, in the shape of the request's protocol.
  HttpResponse RenderError(const Exchange& exchange, const api::ApiError& error) const;

  storage::LogStore& store_;
  storage::SystemClock& clock_;
  const api::ApiOptions& api_options_;
  // Compiled metric filters, kept across requests (api::Context::metric_filter_cache).
  api::MetricFilterCache metric_filter_cache_;
  Authenticator authenticate_;
  Logger& logger_;
  const RouterOptions options_;
  // Live tail sessions (api::Context::live_tail); the connections streaming them hold them too.
  api::live_tail::LiveTailHub live_tail_hub_;
  // Logs Insights queries (api::Context::query_runner). Declared last, so destroyed first: its
  // destructor cancels and joins the running queries while the store is still open.
  std::unique_ptr<api::QueryRunner> query_runner_;
  // Export tasks (api::Context::export_runner); like the query runner, stopped before the store
  // closes. Started by the constructor: tasks left active by the last run resume.
  std::unique_ptr<api::ExportRunner> export_runner_;
  // Scheduled queries: fires them through query_runner_, so declared after it (stopped first).
  // nullptr when the store keeps no resources.
  std::unique_ptr<api::ScheduledQueryRunner> scheduled_query_runner_;
};

}  // namespace cwlogd::server
