#include "server/sns_route.h"

#include <optional>

#include "api/detail/xml_text.h"
#include "server/cloudwatch/query_form.h"
#include "server/cloudwatch/xml_writer.h"
#include "server/http_text.h"
#include "server/partition.h"

namespace cwlogd::server {

namespace {

namespace cw = cloudwatch;

constexpr std::string_view kSnsVersion = "2010-03-31";

bool IsForm(std::string_view content_type) {
  return StartsWithNoCase(TrimAsciiWhitespace(content_type), "application/x-www-form-urlencoded");
}

// The parameters of the URL's query and, for a form POST, of the body. nullopt when malformed.
std::optional<cw::FormParams> ParamsOf(const SnsHttpRequest& request) {
  std::optional<cw::FormParams> params = cw::ParseForm(QueryOf(request.target));
  if (!params) return std::nullopt;
  if (IsForm(request.content_type)) {
    std::optional<cw::FormParams> form = cw::ParseForm(request.body);
    if (!form) return std::nullopt;
    params->insert(params->end(), form->begin(), form->end());
  }
  return params;
}

}  // namespace

SnsRequestKind ClassifySnsRequest(const SnsHttpRequest& request, std::string_view cert_path) {
  const bool get = request.method == "GET";
  if (get && !cert_path.empty() && PathOf(request.target) == cert_path) {
    return SnsRequestKind::kCertificate;
  }
  if (auto auth = ParseSigV4Authorization(request.authorization)) {
    return auth->service == "sns" ? SnsRequestKind::kSigned : SnsRequestKind::kNone;
  }
  // Cheap first: most unsigned forms here are CloudWatch's (PutMetricData bodies can be large).
  const bool maybe = request.target.find(kSnsVersion) != std::string_view::npos ||
                     request.body.find(kSnsVersion) != std::string_view::npos ||
                     (get && request.target.find("Action=") != std::string_view::npos);
  if (!maybe) return SnsRequestKind::kNone;
  std::optional<cw::FormParams> params = ParamsOf(request);
  if (!params) return SnsRequestKind::kNone;
  if (cw::FindParam(*params, "Version") == kSnsVersion) return SnsRequestKind::kSigned;
  std::optional<std::string_view> action = cw::FindParam(*params, "Action");
  if (get && request.authorization.empty() && action && api::sns::IsLinkAction(*action) &&
      api::sns::PartitionOfLink(*params)) {
    return SnsRequestKind::kLink;
  }
  return SnsRequestKind::kNone;
}

CloudWatchHttpResponse SnsErrorResponse(const std::string& request_id, const api::ApiError& error) {
  CloudWatchHttpResponse r;
  r.status = static_cast<unsigned>(error.http_status);
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("Content-Type", "text/xml");
  std::string body = "<ErrorResponse xmlns=\"";
  body += api::sns::kXmlNamespace;
  body += "\">\n  <Error>\n    <Type>";
  body += error.http_status >= 500 ? "Receiver" : "Sender";
  body += "</Type>\n    <Code>" + api::detail::XmlEscape(error.type) + "</Code>\n    <Message>" +
          api::detail::XmlEscape(error.message) + "</Message>\n  </Error>\n  <RequestId>" +
          api::detail::XmlEscape(request_id) + "</RequestId>\n</ErrorResponse>\n";
  r.body = std::move(body);
  return r;
}

CloudWatchHttpResponse HandleSnsRequest(const SnsHttpRequest& request, SnsRequestKind kind,
                                        const std::string& request_id, storage::LogStore& store,
                                        const storage::Clock& clock,
                                        const storage::Partition& partition,
                                        const std::string& base_url) {
  std::optional<cw::FormParams> params = ParamsOf(request);
  if (!params) {
    return SnsErrorResponse(request_id,
                            {"MalformedQueryString", "The request is not a valid form.", 400});
  }
  if (auto repeated = cw::CheckRepeatedParams(*params)) {
    return SnsErrorResponse(request_id, *repeated);
  }
  std::optional<std::string_view> action = cw::FindParam(*params, "Action");
  if (!action) {
    return SnsErrorResponse(request_id,
                            {"MissingAction", "Missing Action parameter in the request.", 400});
  }
  api::sns::Context ctx{store, clock, partition, base_url};
  if (kind == SnsRequestKind::kLink) {
    // Only the links' actions, in the account their ARN names.
    if (!api::sns::IsLinkAction(*action)) {
      return SnsErrorResponse(
          request_id,
          {"InvalidAction",
           "The action " + std::string(*action) + " is not valid for this web service.", 400});
    }
    ctx.partition = *api::sns::PartitionOfLink(*params);
  }
  const std::string operation(*action);
  std::variant<api::sns::Reply, api::ApiError> result = api::sns::Handle(operation, *params, ctx);
  if (auto* error = std::get_if<api::ApiError>(&result)) {
    return SnsErrorResponse(request_id, *error);
  }
  const api::sns::Reply& reply = std::get<api::sns::Reply>(result);
  CloudWatchHttpResponse r;
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  r.headers.emplace_back("Content-Type", "text/xml");
  std::string body =
      "<" + operation + "Response xmlns=\"" + std::string(api::sns::kXmlNamespace) + "\">\n";
  if (reply.has_result) {
    body += "  <" + operation + "Result>" + reply.result_xml + "</" + operation + "Result>\n";
  }
  body += "  <ResponseMetadata>\n    <RequestId>" + api::detail::XmlEscape(request_id) +
          "</RequestId>\n  </ResponseMetadata>\n</" + operation + "Response>\n";
  r.body = std::move(body);
  return r;
}

}  // namespace cwlogd::server
