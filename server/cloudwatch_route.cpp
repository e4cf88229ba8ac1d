#include "server/cloudwatch_route.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/cloudwatch/cbor.h"
#include "server/cloudwatch/errors.h"
#include "server/cloudwatch/query_form.h"
#include "server/cloudwatch/shapes.h"
#include "server/cloudwatch/xml_writer.h"
#include "server/content_encoding.h"
#include "server/http_text.h"

namespace cwlogd::server {
namespace {

using nlohmann::json;
namespace cw = cloudwatch;

constexpr std::string_view kTargetPrefix = "GraniteServiceVersion20100801.";
constexpr std::string_view kCborPathPrefix = "/service/GraniteServiceVersion20100801/operation/";
constexpr std::string_view kJson10 = "application/x-amz-json-1.0";
constexpr std::string_view kCbor = "application/cbor";

// A Smithy error document: {"__type": "com.amazonaws.cloudwatch#Shape", "message": ...}.
// Modelled members beyond the message (DashboardInvalidInputError's dashboardValidationMessages)
// ride along as in the JSON protocols' error bodies.
json ErrorDocument(const cw::WireError& wire, const api::ApiError& error) {
  json doc = {{"__type", std::string(cw::kSmithyNamespace) + "#" + wire.shape},
              {"message", error.message}};
  for (const auto& [name, value] : error.extra_fields) doc[name] = value;
  for (const auto& [name, text] : error.extra_json) {
    json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_discarded()) doc[name] = std::move(parsed);
  }
  return doc;
}

// Blob members (GetMetricWidgetImage's MetricWidgetImage) are JSON binary values in a result:
// CBOR writes them as byte strings, JSON 1.0 and query as standard base64 text.
std::string BlobBase64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{bytes[i]} << 16) |
                       (i + 1 < bytes.size() ? uint32_t{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < bytes.size() ? uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

json BlobsAsBase64(const json& result) {
  if (!result.is_object()) return result;
  bool any = false;
  for (const auto& [key, value] : result.items()) any = any || value.is_binary();
  if (!any) return result;
  json out = result;
  for (auto& [key, value] : out.items()) {
    if (value.is_binary()) value = BlobBase64(value.get_binary());
  }
  return out;
}

CloudWatchHttpResponse Error(CloudWatchProtocol protocol, const std::string& request_id,
                             const api::ApiError& error) {
  const cw::WireError wire = cw::MapError(error);
  CloudWatchHttpResponse r;
  r.status = wire.http_status;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  switch (protocol) {
    case CloudWatchProtocol::kCbor:
      r.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
      r.headers.emplace_back("Content-Type", std::string(kCbor));
      r.headers.emplace_back("x-amzn-query-error", cw::QueryErrorHeader(wire));
      r.body = cw::EncodeCbor(ErrorDocument(wire, error));
      break;
    case CloudWatchProtocol::kJson10:
      r.headers.emplace_back("Content-Type", std::string(kJson10));
      r.headers.emplace_back("x-amzn-query-error", cw::QueryErrorHeader(wire));
      r.body = ErrorDocument(wire, error).dump(-1, ' ', false, json::error_handler_t::replace);
      break;
    case CloudWatchProtocol::kQuery:
      r.headers.emplace_back("Content-Type", "text/xml");
      r.body = cw::QueryErrorXml(wire.sender_fault ? "Sender" : "Receiver", wire.query_code,
                                 error.message, request_id);
      break;
  }
  return r;
}

CloudWatchHttpResponse Success(CloudWatchProtocol protocol, const std::string& request_id,
                               std::string_view operation, const json& result) {
  const cw::OperationModel* model = cw::FindOperationModel(operation);
  const bool has_output = model == nullptr || model->has_output;
  CloudWatchHttpResponse r;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  switch (protocol) {
    case CloudWatchProtocol::kCbor:
      r.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
      // No output: an empty body and no Content-Type (the smithy-rs server convention).
      if (has_output) {
        r.headers.emplace_back("Content-Type", std::string(kCbor));
        r.body = cw::EncodeCbor(result, &cw::IsTimestampMember);
      }
      break;
    case CloudWatchProtocol::kJson10:
      r.headers.emplace_back("Content-Type", std::string(kJson10));
      r.body = BlobsAsBase64(result).dump(-1, ' ', false, json::error_handler_t::replace);
      break;
    case CloudWatchProtocol::kQuery:
      r.headers.emplace_back("Content-Type", "text/xml");
      r.body = cw::QueryResponseXml(operation, BlobsAsBase64(result), has_output, request_id);
      break;
  }
  return r;
}

// clang-tidy 14 blames the implicit special members that nlohmann::json makes noexcept.
struct Decoded {  // NOLINT(bugprone-exception-escape): nothing here throws
  std::string operation;
  json input;
};

std::variant<Decoded, api::ApiError> Decode(CloudWatchProtocol protocol,
                                            const CloudWatchHttpRequest& request,
                                            std::string_view body) {
  Decoded out;
  switch (protocol) {
    case CloudWatchProtocol::kCbor: {
      std::string_view path = PathOf(request.target);
      if (path.substr(0, kCborPathPrefix.size()) != kCborPathPrefix) {
        return api::ApiError::UnknownOperation(
            "RPC v2 CBOR requests go to /service/GraniteServiceVersion20100801/operation/<Op>.");
      }
      out.operation = std::string(path.substr(kCborPathPrefix.size()));
      if (!api::cloudwatch::IsKnownOperation(out.operation)) {
        return api::ApiError::UnknownOperation("Operation " + out.operation +
                                               " is not supported by this server.");
      }
      if (body.empty()) {
        out.input = json::object();
        return out;
      }
      std::string error;
      std::optional<std::string> repeated_key;
      auto decoded = cw::DecodeCbor(body, &error, {}, &repeated_key);
      if (!decoded) return api::ApiError::Serialization("Malformed CBOR request body: " + error);
      if (!decoded->is_object()) {
        return api::ApiError::Serialization("The CBOR request body must be a map.");
      }
      // Ranked as in JSON 1.0: after a malformed body, before any problem of the members.
      if (repeated_key) return api::cloudwatch::DuplicateMember(*repeated_key);
      out.input = std::move(*decoded);
      return out;
    }
    case CloudWatchProtocol::kJson10: {
      out.operation =
          std::string(TrimAsciiWhitespace(request.amz_target).substr(kTargetPrefix.size()));
      if (!api::cloudwatch::IsKnownOperation(out.operation)) {
        return api::ApiError::UnknownOperation("Operation " + out.operation +
                                               " is not supported by this server.");
      }
      if (TrimAsciiWhitespace(body).empty()) {
        out.input = json::object();
        return out;
      }
      auto parsed = api::cloudwatch::ParseJsonInput(body);
      if (auto* e = std::get_if<api::ApiError>(&parsed)) return *e;
      out.input = std::move(std::get<json>(parsed));
      return out;
    }
    case CloudWatchProtocol::kQuery: {
      // Parameters from the form body and the URL query string together; a name given twice,
      // in either or across both, is refused before anything (Action included) is read.
      cw::FormParams params;
      if (StartsWithNoCase(TrimAsciiWhitespace(request.content_type),
                           "application/x-www-form-urlencoded")) {
        auto form = cw::ParseForm(body);
        if (!form) {
          return api::ApiError{"MalformedQueryString", "The request body is not a valid form.",
                               400};
        }
        params = std::move(*form);
      }
      auto url_params = cw::ParseForm(QueryOf(request.target));
      if (!url_params) {
        return api::ApiError{"MalformedQueryString", "The query string is malformed.", 400};
      }
      params.insert(params.end(), url_params->begin(), url_params->end());
      if (auto repeated = cw::CheckRepeatedParams(params)) return *repeated;
      auto action = cw::FindParam(params, "Action");
      if (!action || action->empty()) {
        return api::ApiError{"MissingAction", "The request must contain the parameter Action.",
                             400};
      }
      out.operation = std::string(*action);
      const cw::OperationModel* model = cw::FindOperationModel(out.operation);
      if (model == nullptr || !api::cloudwatch::IsKnownOperation(out.operation)) {
        return api::ApiError{"InvalidAction",
                             "The action " + out.operation + " is not valid for this web service.",
                             400};
      }
      auto input = cw::DecodeQueryInput(params, *model->input);
      if (auto* e = std::get_if<api::ApiError>(&input)) return *e;
      out.input = std::move(std::get<json>(input));
      return out;
    }
  }
  return api::ApiError::UnknownOperation("Unknown protocol.");
}

}  // namespace

CloudWatchProtocol DetectCloudWatchProtocol(const CloudWatchHttpRequest& request) {
  if (StartsWithNoCase(TrimAsciiWhitespace(request.smithy_protocol), "rpc-v2-cbor") ||
      PathOf(request.target).substr(0, kCborPathPrefix.size()) == kCborPathPrefix) {
    return CloudWatchProtocol::kCbor;
  }
  if (TrimAsciiWhitespace(request.amz_target).substr(0, kTargetPrefix.size()) == kTargetPrefix) {
    return CloudWatchProtocol::kJson10;
  }
  return CloudWatchProtocol::kQuery;
}

CloudWatchHttpResponse CloudWatchErrorResponse(CloudWatchProtocol protocol,
                                               const std::string& request_id,
                                               const api::ApiError& error) {
  return Error(protocol, request_id, error);
}

CloudWatchHttpResponse HandleCloudWatchRequest(const CloudWatchHttpRequest& request,
                                               const std::string& request_id,
                                               api::cloudwatch::Context& ctx,
                                               const CloudWatchRouteOptions& options) {
  const CloudWatchProtocol protocol = DetectCloudWatchProtocol(request);
  std::variant<DecodedBody, api::ApiError> decoded =
      DecodeContentEncoding(request.content_encoding, request.body, options.max_body_bytes);
  if (auto* e = std::get_if<api::ApiError>(&decoded)) return Error(protocol, request_id, *e);
  CloudWatchHttpRequest plain = request;
  if (const std::optional<std::string>& inflated = std::get<DecodedBody>(decoded).inflated) {
    plain.body = *inflated;
  }
  plain.content_encoding = {};
  return HandleDecodedCloudWatchRequest(protocol, plain, request_id, ctx);
}

CloudWatchHttpResponse HandleDecodedCloudWatchRequest(CloudWatchProtocol protocol,
                                                      const CloudWatchHttpRequest& request,
                                                      const std::string& request_id,
                                                      api::cloudwatch::Context& ctx) {
  auto decoded = Decode(protocol, request, request.body);
  if (auto* e = std::get_if<api::ApiError>(&decoded)) return Error(protocol, request_id, *e);
  auto& d = std::get<Decoded>(decoded);
  api::ApiResult result = api::cloudwatch::Dispatch(d.operation, d.input, ctx);
  if (auto* e = std::get_if<api::ApiError>(&result)) return Error(protocol, request_id, *e);
  return Success(protocol, request_id, d.operation, std::get<json>(result));
}

}  // namespace cwlogd::server
