#include "server/sts_route.h"

#include <optional>

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/xml_text.h"
#include "server/cloudwatch/query_form.h"
#include "server/cloudwatch/xml_writer.h"
#include "server/http_text.h"
#include "server/partition.h"

namespace cwlogd::server {
namespace {

constexpr std::string_view kXmlContentType = "text/xml";

// The Action of a form body, else of the URL's query string.
std::optional<std::string> ActionOf(std::string_view target, std::string_view body) {
  for (std::string_view form : {body, QueryOf(target)}) {
    auto params = cloudwatch::ParseForm(form);
    if (!params) continue;
    if (auto action = cloudwatch::FindParam(*params, "Action")) return std::string(*action);
  }
  return std::nullopt;
}

CloudWatchHttpResponse Xml(unsigned status, std::string body) {
  CloudWatchHttpResponse out;
  out.status = status;
  out.headers.emplace_back("Content-Type", kXmlContentType);
  out.body = std::move(body);
  return out;
}

}  // namespace

bool IsStsRequest(std::string_view authorization, std::string_view content_type,
                  std::string_view target, std::string_view body) {
  if (auto auth = ParseSigV4Authorization(authorization)) return auth->service == "sts";
  if (!content_type.starts_with("application/x-www-form-urlencoded") && QueryOf(target).empty()) {
    return false;
  }
  return ActionOf(target, body) == "GetCallerIdentity";
}

std::string CallerArn(const storage::Partition& p) {
  return fmt::format("arn:{}:iam::{}:root", api::detail::PartitionName(p.region), p.account);
}

CloudWatchHttpResponse HandleStsRequest(std::string_view target, std::string_view body,
                                        const std::string& request_id,
                                        const storage::Partition& p) {
  std::optional<std::string> action = ActionOf(target, body);
  if (!action) {
    return StsErrorResponse(request_id,
                            {"MissingAction", "Missing Action parameter in the request.", 400});
  }
  if (*action != "GetCallerIdentity") {
    // AWS's wording for an action STS does not have.
    return StsErrorResponse(
        request_id,
        {"InvalidAction",
         fmt::format("Could not find operation {} for version 2011-06-15", *action), 400});
  }
  // UserId of the root user is the account id (what AWS answers for root credentials).
  return Xml(200, fmt::format("<GetCallerIdentityResponse xmlns=\"{}\">\n"
                              "  <GetCallerIdentityResult>\n"
                              "    <Arn>{}</Arn>\n"
                              "    <UserId>{}</UserId>\n"
                              "    <Account>{}</Account>\n"
                              "  </GetCallerIdentityResult>\n"
                              "  <ResponseMetadata>\n"
                              "    <RequestId>{}</RequestId>\n"
                              "  </ResponseMetadata>\n"
                              "</GetCallerIdentityResponse>\n",
                              kStsXmlNamespace, api::detail::XmlEscape(CallerArn(p)),
                              api::detail::XmlEscape(p.account), api::detail::XmlEscape(p.account),
                              api::detail::XmlEscape(request_id)));
}

CloudWatchHttpResponse StsErrorResponse(const std::string& request_id, const api::ApiError& error) {
  const bool server = error.http_status >= 500;
  return Xml(static_cast<unsigned>(error.http_status),
             cloudwatch::QueryErrorXml(server ? "Receiver" : "Sender", error.type, error.message,
                                       request_id));
}

}  // namespace cwlogd::server
