#include "server/router.h"

#include <chrono>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "api/dispatch.h"
#include "server/cloudwatch_route.h"
#include "server/content_encoding.h"
#include "server/partition.h"
#include "server/response.h"
#include "storage/metric_store.h"

namespace cwlogd::server {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kLogsTargetPrefix = "Logs_20140328.";
constexpr std::string_view kMetricsTargetPrefix = "GraniteServiceVersion20100801.";
constexpr std::string_view kMetricsCborPathPrefix =
    "/service/GraniteServiceVersion20100801/operation/";
constexpr std::string_view kTestPathPrefix = "/_cwlogd/";

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (Lower(s[i]) != Lower(prefix[i])) return false;
  }
  return true;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view PathOf(const HttpRequest& request) {
  std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

std::string_view QueryOf(const HttpRequest& request) {
  std::string_view target = request.target();
  size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

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
              std::string(PathOf(request)),
          404};
}

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Authenticator UnverifiedAuthenticator() {
  return [](const HttpRequest& request) -> AuthResult {
    return PartitionFromAuthorization(Header(request, "Authorization"));
  };
}

bool IsMetricsRequest(const HttpRequest& request) {
  if (std::optional<std::string_view> target = Header(request, "X-Amz-Target")) {
    return Trim(*target).substr(0, kMetricsTargetPrefix.size()) == kMetricsTargetPrefix;
  }
  if (std::optional<std::string_view> smithy = Header(request, "smithy-protocol")) {
    if (EqualsNoCase(Trim(*smithy), "rpc-v2-cbor")) return true;
  }
  if (PathOf(request).substr(0, kMetricsCborPathPrefix.size()) == kMetricsCborPathPrefix) {
    return true;
  }
  // AWS Query: a form POST (the Logs API never sends one; the body may be gzip'ed, so the
  // content type alone decides), or Action= in the query string.
  if (StartsWithNoCase(Trim(request[http::field::content_type]),
                       "application/x-www-form-urlencoded")) {
    return true;
  }
  return HasFormParam(QueryOf(request), "Action");
}

Router::Router(storage::LogStore& store, storage::SystemClock& clock,
               const api::ApiOptions& api_options, Authenticator authenticate, Logger& logger,
               RouterOptions options)
    : store_(store),
      clock_(clock),
      api_options_(api_options),
      authenticate_(std::move(authenticate)),
      logger_(logger),
      options_(options) {}

HttpResponse Router::Handle(HttpRequest& request) {
  auto start = std::chrono::steady_clock::now();
  std::string request_id = NewRequestId();
  std::string op = "-";
  HttpResponse response;
  // The one try of the request path: whatever escapes below becomes a 500 and a log line, and
  // the connection keeps serving.
  try {
    response = Route(request, request_id, op);
  } catch (const std::exception& e) {
    logger_.Error("request {} op={} failed with an unexpected exception: {}", request_id, op,
                  e.what());
    response = ErrorResponse(request.version(), request_id,
                             {"InternalFailure", "The request processing has failed because of "
                              "an unknown error, exception or failure.", 500});
  } catch (...) {
    logger_.Error("request {} op={} failed with an unknown exception", request_id, op);
    response = ErrorResponse(request.version(), request_id,
                             {"InternalFailure", "The request processing has failed because of "
                              "an unknown error, exception or failure.", 500});
  }
  if (logger_.Enabled(LogLevel::kDebug)) {
    logger_.Debug("request {} {} {} op={} status={} ms={:.3f}", request_id,
                  std::string_view(request.method_string()), std::string_view(request.target()),
                  op, response.result_int(), MillisSince(start));
  }
  return response;
}

HttpResponse Router::Route(HttpRequest& request, const std::string& request_id, std::string& op) {
  const unsigned version = request.version();
  std::string_view path = PathOf(request);
  if (path.substr(0, kTestPathPrefix.size()) == kTestPathPrefix) {
    return HandleTestEndpoint(request, request_id, path, op);
  }
  if (IsMetricsRequest(request)) {
    op = "metrics";
    return HandleMetrics(request, request_id);
  }
  if (request.method() != http::verb::post) {
    op = "not-found";
    return ErrorResponse(version, request_id, NotFound(request));
  }
  std::optional<std::string_view> target = Header(request, "X-Amz-Target");
  if (!target || Trim(*target).empty()) {
    op = "no-target";
    return ErrorResponse(version, request_id,
                         UnknownOperation("Missing X-Amz-Target header; expected "
                                          "Logs_20140328.<Operation>."));
  }
  std::string_view t = Trim(*target);
  if (t.substr(0, kLogsTargetPrefix.size()) != kLogsTargetPrefix) {
    op = "unknown-target";
    return ErrorResponse(version, request_id,
                         UnknownOperation("Unknown operation: " + std::string(t)));
  }
  op = std::string(t.substr(kLogsTargetPrefix.size()));
  return HandleLogs(request, request_id, t);
}

HttpResponse Router::HandleLogs(HttpRequest& request, const std::string& request_id,
                                std::string_view target) {
  const unsigned version = request.version();
  AuthResult auth = authenticate_(request);
  if (auto* error = std::get_if<api::ApiError>(&auth)) {
    return ErrorResponse(version, request_id, *error);
  }
  if (std::optional<api::ApiError> error = DecodeBody(request)) {
    return ErrorResponse(version, request_id, *error);
  }
  api::Context ctx{store_, clock_, api_options_, std::get<storage::Partition>(std::move(auth))};
  std::string_view body = request.body();
  // botocore sends "{}" for operations without members; tolerate a bare empty body the same way.
  if (Trim(body).empty()) body = "{}";
  api::ApiResult result = api::Dispatch(target, body, ctx);
  if (auto* error = std::get_if<api::ApiError>(&result)) {
    return ErrorResponse(version, request_id, *error);
  }
  if (auto* text = std::get_if<api::RenderedJson>(&result)) {
    return JsonTextResponse(version, request_id, std::move(text->text));
  }
  return JsonResponse(version, request_id, std::get<nlohmann::json>(result));
}

HttpResponse Router::HandleTestEndpoint(const HttpRequest& request,
                                        const std::string& request_id, std::string_view path,
                                        std::string& op) {
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
  if (path == "/_cwlogd/reset" && method == http::verb::post) {
    op = "reset";
    if (storage::Status s = store_.Reset(); !s.ok()) {
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

HttpResponse Router::HandleMetrics(HttpRequest& request, const std::string& request_id) {
  // JSON 1.0, RPC v2 CBOR and Query all arrive here; server/cloudwatch_route.h does the rest
  // (protocol detection, gzip, decoding, api::cloudwatch, encoding, protocol-shaped errors).
  CloudWatchHttpRequest cw;
  cw.method = request.method_string();
  cw.target = request.target();
  cw.content_type = request[http::field::content_type];
  cw.content_encoding = request[http::field::content_encoding];
  cw.amz_target = Header(request, "X-Amz-Target").value_or("");
  cw.smithy_protocol = Header(request, "smithy-protocol").value_or("");
  cw.body = request.body();
  CloudWatchHttpResponse out;
  AuthResult auth = authenticate_(request);
  storage::MetricStore* metrics = store_.metric_store();
  if (auto* error = std::get_if<api::ApiError>(&auth)) {
    out = CloudWatchErrorResponse(cw, request_id, *error);
  } else if (metrics == nullptr) {
    out = CloudWatchErrorResponse(
        cw, request_id, {"InternalServiceFault", "This store keeps no metrics.", 500});
  } else {
    api::cloudwatch::Context ctx{*metrics, clock_, std::get<storage::Partition>(std::move(auth))};
    out = HandleCloudWatchRequest(cw, request_id, ctx, {options_.max_body_bytes});
  }
  HttpResponse res{static_cast<http::status>(out.status), request.version()};
  res.set(http::field::date, HttpDateNow());
  for (auto& [name, value] : out.headers) res.set(name, value);
  res.body() = std::move(out.body);
  res.prepare_payload();
  return res;
}

std::optional<api::ApiError> Router::DecodeBody(HttpRequest& request) const {
  std::string_view encoding = Trim(request[http::field::content_encoding]);
  if (encoding.empty() || EqualsNoCase(encoding, "identity")) return std::nullopt;
  if (!EqualsNoCase(encoding, "gzip") && !EqualsNoCase(encoding, "x-gzip")) {
    return api::ApiError::Serialization("Unsupported Content-Encoding: " + std::string(encoding));
  }
  std::string error;
  std::optional<std::string> inflated = Gunzip(request.body(), options_.max_body_bytes, &error);
  if (!inflated) {
    return api::ApiError::Serialization("Cannot decode the gzip request body: " + error);
  }
  request.body() = std::move(*inflated);
  request.erase(http::field::content_encoding);
  return std::nullopt;
}

}  // namespace cwlogd::server
