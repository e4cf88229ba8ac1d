#include "server/router.h"

#include <chrono>
#include <exception>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "api/dispatch.h"
#include "server/cloudwatch_route.h"
#include "server/console_route.h"
#include "server/content_encoding.h"
#include "server/http_text.h"
#include "server/log.h"
#include "server/partition.h"
#include "server/response.h"
#include "server/sns_route.h"
#include "server/sts_route.h"
#include "storage/metric_store.h"

namespace cwlogd::server {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kLogsTargetPrefix = "Logs_20140328.";
constexpr std::string_view kMetricsTargetPrefix = "GraniteServiceVersion20100801.";
constexpr std::string_view kMetricsCborPathPrefix =
    "/service/GraniteServiceVersion20100801/operation/";
constexpr std::string_view kTestPathPrefix = "/_cwlogd/";

// True when an `a=b&c=d` string has a parameter named `name`.
bool HasFormParam(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    std::string_view key = pair.substr(0, pair.find('='));
    if (key == name) return true;
    if (amp == std::string_view::npos) break;
    form.remove_prefix(amp + 1);
  }
  return false;
}

std::optional<std::string_view> Header(const HttpRequest& request, std::string_view name) {
  auto it = request.find(name);
  if (it == request.end()) return std::nullopt;
  return std::string_view(it->value());
}

api::ApiError UnknownOperation(std::string message) {
  return api::ApiError::UnknownOperation(std::move(message));
}

api::ApiError NotFound(const HttpRequest& request) {
  return {"NotFoundException",
          std::string("No route for ") + std::string(request.method_string()) + " " +
              std::string(PathOf(request.target())),
          404};
}

// The Beast-free view cloudwatch_route.h works on; views into `request`.
CloudWatchHttpRequest CloudWatchView(const HttpRequest& request) {
  CloudWatchHttpRequest cw;
  cw.method = request.method_string();
  cw.target = request.target();
  cw.content_type = request[http::field::content_type];
  cw.content_encoding = request[http::field::content_encoding];
  cw.amz_target = Header(request, "X-Amz-Target").value_or("");
  cw.smithy_protocol = Header(request, "smithy-protocol").value_or("");
  cw.body = request.body();
  return cw;
}

std::optional<CloudWatchProtocol> CloudWatchProtocolOf(RequestProtocol protocol) {
  switch (protocol) {
    case RequestProtocol::kCloudWatchCbor:
      return CloudWatchProtocol::kCbor;
    case RequestProtocol::kCloudWatchJson10:
      return CloudWatchProtocol::kJson10;
    case RequestProtocol::kCloudWatchQuery:
      return CloudWatchProtocol::kQuery;
    default:
      return std::nullopt;
  }
}

SnsHttpRequest SnsView(const HttpRequest& request) {
  SnsHttpRequest sns;
  sns.method = request.method_string();
  sns.target = request.target();
  sns.content_type = request[http::field::content_type];
  sns.authorization = Header(request, "Authorization").value_or("");
  sns.body = request.body();
  return sns;
}

HttpResponse ToHttpResponse(unsigned version, CloudWatchHttpResponse out) {
  HttpResponse res{static_cast<http::status>(out.status), version};
  res.set(http::field::date, HttpDateNow());
  for (auto& [name, value] : out.headers) res.set(name, value);
  res.body() = std::move(out.body);
  res.prepare_payload();
  return res;
}

// The debug log's name for what a request asks for, known once it is classified (so a request
// that fails authentication or decoding still logs it). /_cwlogd/ endpoints name themselves.
std::string OperationName(const RequestClass& what) {
  switch (what.protocol) {
    case RequestProtocol::kLogsJson11:
      return std::string(what.amz_target.substr(kLogsTargetPrefix.size()));
    case RequestProtocol::kCloudWatchCbor:
    case RequestProtocol::kCloudWatchJson10:
    case RequestProtocol::kCloudWatchQuery:
      return "metrics";
    case RequestProtocol::kStsQuery:
      return "sts";
    case RequestProtocol::kSnsQuery:
    case RequestProtocol::kSnsLink:
      return "sns";
    case RequestProtocol::kNoRoute:
      return "not-found";
    case RequestProtocol::kMissingLogsTarget:
      return "no-target";
    case RequestProtocol::kUnknownLogsTarget:
      return "unknown-target";
    case RequestProtocol::kCwlogdEndpoint:
      break;
  }
  return "-";
}

}  // namespace

Authenticator UnverifiedAuthenticator() {
  return [](const HttpRequest& request, const RequestClass& /*what*/) -> AuthResult {
    return PartitionFromAuthorization(Header(request, "Authorization"));
  };
}

bool IsMetricsRequest(const HttpRequest& request) {
  if (std::optional<std::string_view> target = Header(request, "X-Amz-Target")) {
    return TrimOptionalWhitespace(*target).substr(0, kMetricsTargetPrefix.size()) ==
           kMetricsTargetPrefix;
  }
  if (std::optional<std::string_view> smithy = Header(request, "smithy-protocol")) {
    if (EqualsNoCase(TrimOptionalWhitespace(*smithy), "rpc-v2-cbor")) return true;
  }
  if (PathOf(request.target()).substr(0, kMetricsCborPathPrefix.size()) == kMetricsCborPathPrefix) {
    return true;
  }
  // AWS Query: a form POST (the Logs API never sends one; the body may be gzip'ed, so the
  // content type alone decides), or Action= in the query string.
  if (StartsWithNoCase(TrimOptionalWhitespace(request[http::field::content_type]),
                       "application/x-www-form-urlencoded")) {
    return true;
  }
  return HasFormParam(QueryOf(request.target()), "Action");
}

RequestClass ClassifyRequest(const HttpRequest& request, std::string_view sns_cert_path) {
  if (PathOf(request.target()).substr(0, kTestPathPrefix.size()) == kTestPathPrefix) {
    return {RequestProtocol::kCwlogdEndpoint, {}};
  }
  // SNS: a query form of Version 2010-03-31 or signed for "sns", and the links its messages
  // carry. Logs and CloudWatch JSON/CBOR requests name their target in headers.
  if (!Header(request, "X-Amz-Target") && !Header(request, "smithy-protocol")) {
    switch (ClassifySnsRequest(SnsView(request), sns_cert_path)) {
      case SnsRequestKind::kSigned:
        return {RequestProtocol::kSnsQuery, {}};
      case SnsRequestKind::kLink:
      case SnsRequestKind::kCertificate:
        return {RequestProtocol::kSnsLink, {}};
      case SnsRequestKind::kNone:
        break;
    }
  }
  // Before the metrics check: an STS request is a form POST too. Logs and CloudWatch JSON/CBOR
  // requests name their target in headers: whatever their signature says, they are not STS.
  if (!Header(request, "X-Amz-Target") && !Header(request, "smithy-protocol") &&
      IsStsRequest(Header(request, "Authorization").value_or(""),
                   request[http::field::content_type], request.target(), request.body())) {
    return {RequestProtocol::kStsQuery, {}};
  }
  if (IsMetricsRequest(request)) {
    switch (DetectCloudWatchProtocol(CloudWatchView(request))) {
      case CloudWatchProtocol::kCbor:
        return {RequestProtocol::kCloudWatchCbor, {}};
      case CloudWatchProtocol::kJson10:
        return {RequestProtocol::kCloudWatchJson10, {}};
      case CloudWatchProtocol::kQuery:
        return {RequestProtocol::kCloudWatchQuery, {}};
    }
  }
  if (request.method() != http::verb::post) return {RequestProtocol::kNoRoute, {}};
  const std::string_view target =
      TrimOptionalWhitespace(Header(request, "X-Amz-Target").value_or(""));
  if (target.empty()) return {RequestProtocol::kMissingLogsTarget, {}};
  if (target.substr(0, kLogsTargetPrefix.size()) != kLogsTargetPrefix) {
    return {RequestProtocol::kUnknownLogsTarget, target};
  }
  return {RequestProtocol::kLogsJson11, target};
}

bool IsCloudWatch(RequestProtocol protocol) { return CloudWatchProtocolOf(protocol).has_value(); }

Router::Router(storage::LogStore& store, storage::SystemClock& clock,
               const api::ApiOptions& api_options, Authenticator authenticate, Logger& logger,
               RouterOptions options)
    : store_(store),
      clock_(clock),
      api_options_(api_options),
      authenticate_(std::move(authenticate)),
      logger_(logger),
      options_(std::move(options)),
      query_runner_(std::make_unique<api::QueryRunner>(store_, clock_, options_.queries)),
      export_runner_(std::make_unique<api::ExportRunner>(store_, clock_, options_.exports)) {
  export_runner_->Start();
  if (storage::ResourceStore* resources = store_.resource_store()) {
    api::ScheduledQueryOptions scheduled = options_.scheduled_queries;
    if (scheduled.export_dir.empty()) scheduled.export_dir = options_.exports.export_dir;
    if (!scheduled.on_warning) scheduled.on_warning = options_.exports.on_warning;
    scheduled_query_runner_ = std::make_unique<api::ScheduledQueryRunner>(
        store_, *resources, clock_, *query_runner_, std::move(scheduled));
    scheduled_query_runner_->Start();
  }
}

HttpResponse Router::Handle(HttpRequest& request,
                            std::shared_ptr<api::live_tail::LiveTailSession>* stream) {
  auto start = std::chrono::steady_clock::now();
  std::string request_id = NewRequestId();
  std::string op = "-";
  HttpResponse response;
  // The one try of the request path: whatever escapes below becomes a 500 and a log line, and
  // the connection keeps serving.
  try {
    Exchange exchange{request,      request_id,
                      op,           ClassifyRequest(request, options_.sns_cert_path),
                      std::nullopt, stream};
    op = OperationName(exchange.what);
    response = Run(exchange);
  } catch (const std::exception& e) {
    logger_.Error("request {} op={} failed with an unexpected exception: {}", request_id, op,
                  e.what());
    response = ErrorResponse(request.version(), request_id,
                             {"InternalFailure",
                              "The request processing has failed because of "
                              "an unknown error, exception or failure.",
                              500});
  } catch (...) {
    logger_.Error("request {} op={} failed with an unknown exception", request_id, op);
    response = ErrorResponse(request.version(), request_id,
                             {"InternalFailure",
                              "The request processing has failed because of "
                              "an unknown error, exception or failure.",
                              500});
  }
  if (logger_.Enabled(LogLevel::kDebug)) {
    logger_.Debug("request {} {} {} op={} status={} ms={:.3f}", request_id,
                  std::string_view(request.method_string()), std::string_view(request.target()), op,
                  response.result_int(), MillisSince(start));
  }
  return response;
}

HttpResponse Router::Run(Exchange& exchange) {
  const Route& route = RouteFor(exchange.what.protocol);
  if (route.authenticate_and_decode) {
    AuthResult auth = authenticate_(exchange.request, exchange.what);
    if (auto* error = std::get_if<api::ApiError>(&auth)) return RenderError(exchange, *error);
    exchange.partition = std::get<storage::Partition>(std::move(auth));
    // Decoded in place, so every later stage sees the plain body and no Content-Encoding.
    std::variant<DecodedBody, api::ApiError> decoded =
        DecodeContentEncoding(exchange.request[http::field::content_encoding],
                              exchange.request.body(), options_.max_body_bytes);
    if (auto* error = std::get_if<api::ApiError>(&decoded)) return RenderError(exchange, *error);
    if (std::optional<std::string>& inflated = std::get<DecodedBody>(decoded).inflated) {
      exchange.request.body() = std::move(*inflated);
      exchange.request.erase(http::field::content_encoding);
    }
  }
  return (this->*route.handle)(exchange);
}

const Router::Route& Router::RouteFor(RequestProtocol protocol) {
  // The handler table: one row per RequestProtocol, in the enum's order.
  static const Route kRoutes[] = {
      /* kCwlogdEndpoint    */ {false, &Router::HandleCwlogdEndpoint},
      /* kCloudWatchCbor    */ {true, &Router::HandleMetrics},
      /* kCloudWatchJson10  */ {true, &Router::HandleMetrics},
      /* kCloudWatchQuery   */ {true, &Router::HandleMetrics},
      /* kStsQuery          */ {true, &Router::HandleSts},
      /* kSnsQuery          */ {true, &Router::HandleSns},
      /* kSnsLink           */ {false, &Router::HandleSns},
      /* kLogsJson11        */ {true, &Router::HandleLogs},
      /* kNoRoute           */ {false, &Router::HandleNoRoute},
      /* kMissingLogsTarget */ {false, &Router::HandleMissingLogsTarget},
      /* kUnknownLogsTarget */ {false, &Router::HandleUnknownLogsTarget},
  };
  static_assert(std::size(kRoutes) == static_cast<size_t>(RequestProtocol::kUnknownLogsTarget) + 1,
                "one row per RequestProtocol");
  return kRoutes[static_cast<size_t>(protocol)];
}

HttpResponse Router::RenderError(const Exchange& exchange, const api::ApiError& error) const {
  if (std::optional<CloudWatchProtocol> cw = CloudWatchProtocolOf(exchange.what.protocol)) {
    return ToHttpResponse(exchange.request.version(),
                          CloudWatchErrorResponse(*cw, exchange.request_id, error));
  }
  if (exchange.what.protocol == RequestProtocol::kStsQuery) {
    return ToHttpResponse(exchange.request.version(), StsErrorResponse(exchange.request_id, error));
  }
  if (exchange.what.protocol == RequestProtocol::kSnsQuery ||
      exchange.what.protocol == RequestProtocol::kSnsLink) {
    return ToHttpResponse(exchange.request.version(), SnsErrorResponse(exchange.request_id, error));
  }
  return ErrorResponse(exchange.request.version(), exchange.request_id, error);
}

HttpResponse Router::HandleSts(Exchange& exchange) {
  return ToHttpResponse(exchange.request.version(),
                        HandleStsRequest(exchange.request.target(), exchange.request.body(),
                                         exchange.request_id, *exchange.partition));
}

HttpResponse Router::HandleSns(Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  const SnsHttpRequest view = SnsView(request);
  const SnsRequestKind kind = exchange.what.protocol == RequestProtocol::kSnsQuery
                                  ? SnsRequestKind::kSigned
                                  : ClassifySnsRequest(view, options_.sns_cert_path);
  if (kind == SnsRequestKind::kCertificate) {
    CloudWatchHttpResponse pem;
    pem.headers.emplace_back("Content-Type", "application/x-x509-ca-cert");
    pem.body = options_.sns_cert_pem;
    return ToHttpResponse(request.version(), std::move(pem));
  }
  // The links in SNS messages point back at the address the client used.
  std::string_view host = request[http::field::host];
  const std::string base_url = std::string(options_.tls ? "https://" : "http://") +
                               std::string(host.empty() ? std::string_view("localhost") : host);
  const storage::Partition partition =
      exchange.partition ? *exchange.partition : storage::Partition{};
  return ToHttpResponse(request.version(), HandleSnsRequest(view, kind, exchange.request_id, store_,
                                                            clock_, partition, base_url));
}

HttpResponse Router::HandleNoRoute(Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  // The console answers plain GETs (and HEADs: the connection drops the body, headers stay); a
  // GET that names an API operation stays the wrong-method error it always was.
  const bool get_or_head =
      request.method() == http::verb::get || request.method() == http::verb::head;
  if (options_.console && get_or_head && request.find("X-Amz-Target") == request.end()) {
    if (std::optional<CloudWatchHttpResponse> asset =
            HandleConsoleRequest(request.target(), request[http::field::accept_encoding],
                                 request[http::field::if_none_match])) {
      exchange.op = "console";
      return ToHttpResponse(request.version(), std::move(*asset));
    }
  }
  return RenderError(exchange, NotFound(exchange.request));
}

HttpResponse Router::HandleMissingLogsTarget(Exchange& exchange) {
  return RenderError(exchange, UnknownOperation("Missing X-Amz-Target header; expected "
                                                "Logs_20140328.<Operation>."));
}

HttpResponse Router::HandleUnknownLogsTarget(Exchange& exchange) {
  return RenderError(
      exchange, UnknownOperation("Unknown operation: " + std::string(exchange.what.amz_target)));
}

HttpResponse Router::HandleLogs(Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  const std::string_view target = exchange.what.amz_target;
  api::Context ctx{store_,
                   clock_,
                   api_options_,
                   metric_filter_cache_,
                   *exchange.partition,
                   query_runner_.get(),
                   export_runner_.get(),
                   &live_tail_hub_};
  std::string_view body = request.body();
  // botocore sends "{}" for operations without members; tolerate a bare empty body the same way.
  if (TrimOptionalWhitespace(body).empty()) body = "{}";
  api::ApiResult result = api::Dispatch(target, body, ctx);
  const unsigned version = request.version();
  if (auto* error = std::get_if<api::ApiError>(&result)) {
    return ErrorResponse(version, exchange.request_id, *error);
  }
  if (auto* text = std::get_if<api::RenderedJson>(&result)) {
    return JsonTextResponse(version, exchange.request_id, std::move(text->text));
  }
  if (auto* streamed = std::get_if<api::EventStreamResult>(&result)) {
    if (exchange.stream == nullptr) {
      streamed->session->Close();
      return ErrorResponse(
          version, exchange.request_id,
          api::ApiError::ServiceUnavailable("This connection cannot carry a streamed response."));
    }
    *exchange.stream = std::move(streamed->session);
    return EventStreamResponse(version, exchange.request_id);
  }
  return JsonResponse(version, exchange.request_id, std::get<nlohmann::json>(result));
}

HttpResponse Router::HandleCwlogdEndpoint(Exchange& exchange) {
  const HttpRequest& request = exchange.request;
  const std::string& request_id = exchange.request_id;
  std::string& op = exchange.op;
  const std::string_view path = PathOf(request.target());
  const unsigned version = request.version();
  const auto method = request.method();
  const bool read = method == http::verb::get || method == http::verb::head;
  if (path == "/_cwlogd/health") {
    op = "health";
    if (!read) {
      return ErrorResponse(version, request_id, NotFound(request));
    }
    return JsonResponse(version, request_id, {{"status", "ok"}}, 200, "application/json");
  }
  if (!options_.enable_test_endpoints) {
    op = "not-found";
    return ErrorResponse(version, request_id, NotFound(request));
  }
  // The test endpoints change every account's state (reset wipes it all): under --auth sigv4
  // they need a valid signature, like any operation (docs/security.md).
  AuthResult auth = authenticate_(request, exchange.what);
  if (auto* error = std::get_if<api::ApiError>(&auth)) {
    op = "test-endpoint";
    return ErrorResponse(version, request_id, *error);
  }
  if (path == "/_cwlogd/reset" && method == http::verb::post) {
    op = "reset";
    query_runner_->Reset();
    export_runner_->Reset();
    storage::Status s;
    // No scheduled run may write into the store while it is wiped (its query was cancelled
    // above, so a run in progress ends soon).
    auto wipe = [&] { s = store_.Reset(); };
    if (scheduled_query_runner_) {
      scheduled_query_runner_->WhilePaused(wipe);
    } else {
      wipe();
    }
    if (!s.ok()) {
      logger_.Error("reset failed: {}", s.message());
      return ErrorResponse(version, request_id, api::FromStorage(s));
    }
    logger_.Info("state reset through /_cwlogd/reset");
    return JsonResponse(version, request_id, nlohmann::json::object(), 200, "application/json");
  }
  if (path == "/_cwlogd/clock" && (method == http::verb::post || read)) {
    op = "clock";
    if (method == http::verb::post) {
      nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return ErrorResponse(version, request_id,
                             api::ApiError::Serialization("Body must be a JSON object."));
      }
      auto it = body.find("offsetMs");
      if (it == body.end() || !it->is_number_integer()) {
        return ErrorResponse(version, request_id,
                             api::ApiError::InvalidParameter("offsetMs must be an integer."));
      }
      clock_.set_offset_ms(it->get<int64_t>());
      logger_.Info("clock offset set to {} ms through /_cwlogd/clock", clock_.offset_ms());
      if (scheduled_query_runner_) scheduled_query_runner_->Wake();
    }
    return JsonResponse(version, request_id,
                        {{"offsetMs", clock_.offset_ms()}, {"nowMs", clock_.NowMillis()}}, 200,
                        "application/json");
  }
  if (path == "/_cwlogd/sweep" && method == http::verb::post && options_.retention_sweep) {
    op = "sweep";
    nlohmann::json body = request.body().empty()
                              ? nlohmann::json::object()
                              : nlohmann::json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return ErrorResponse(version, request_id,
                           api::ApiError::Serialization("Body must be a JSON object."));
    }
    std::variant<nlohmann::json, api::ApiError> result = options_.retention_sweep(body);
    if (auto* error = std::get_if<api::ApiError>(&result)) {
      return ErrorResponse(version, request_id, *error);
    }
    return JsonResponse(version, request_id, std::get<nlohmann::json>(result), 200,
                        "application/json");
  }
  op = "not-found";
  return ErrorResponse(version, request_id, NotFound(request));
}

HttpResponse Router::HandleMetrics(Exchange& exchange) {
  storage::MetricStore* metrics = store_.metric_store();
  if (metrics == nullptr) {
    return RenderError(exchange, {"InternalServiceFault", "This store keeps no metrics.", 500});
  }
  // JSON 1.0, RPC v2 CBOR and query: server/cloudwatch_route.h decodes the input, calls
  // api::cloudwatch and encodes the answer or the protocol-shaped error.
  api::cloudwatch::Context ctx{*metrics, clock_, *exchange.partition, store_.alarm_store(),
                               store_.resource_store()};
  return ToHttpResponse(
      exchange.request.version(),
      HandleDecodedCloudWatchRequest(*CloudWatchProtocolOf(exchange.what.protocol),
                                     CloudWatchView(exchange.request), exchange.request_id, ctx));
}

}  // namespace cwlogd::server
