// DescribeConfigurationTemplates: a fixed, documented set of templates (docs/api-coverage.md):
// CloudFront distribution access logs to S3, CloudWatch Logs and Firehose, and Bedrock AgentCore
// runtime application logs to the same three plus its traces to X-Ray. The filters narrow the
// set; a filter nothing matches gives an empty list. Pages by position in the set.
#include <fmt/format.h>

#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/deliveries/delivery.h"
#include "api/handlers/delivery_handlers.h"

namespace cwlogd::api {
namespace {

constexpr char kTokenKind = 'C';

// CloudFront standard logging (v2) fields, a subset: none is mandatory.
constexpr std::string_view kCloudFrontFields[] = {
    "date",           "time",         "x-edge-location",    "sc-bytes",          "c-ip",
    "cs-method",      "cs(Host)",     "cs-uri-stem",        "sc-status",         "cs(Referer)",
    "cs(User-Agent)", "cs-uri-query", "x-edge-result-type", "x-edge-request-id", "cs-protocol",
    "time-taken"};

struct Template {
  std::string_view service;
  std::string_view log_type;
  std::string_view resource_type;
  std::string_view destination_type;
};

constexpr Template kTemplates[] = {
    {"bedrock-agentcore", "APPLICATION_LOGS", "runtime", "CWL"},
    {"bedrock-agentcore", "APPLICATION_LOGS", "runtime", "FH"},
    {"bedrock-agentcore", "APPLICATION_LOGS", "runtime", "S3"},
    {"bedrock-agentcore", "TRACES", "runtime", "XRAY"},
    {"cloudfront", "ACCESS_LOGS", "distribution", "CWL"},
    {"cloudfront", "ACCESS_LOGS", "distribution", "FH"},
    {"cloudfront", "ACCESS_LOGS", "distribution", "S3"},
};

nlohmann::json TemplateJson(const Template& t) {
  const bool cloudfront = t.service == "cloudfront";
  const bool s3 = t.destination_type == "S3";
  nlohmann::json out = {{"service", t.service},
                        {"logType", t.log_type},
                        {"resourceType", t.resource_type},
                        {"deliveryDestinationType", t.destination_type}};
  nlohmann::json defaults = nlohmann::json::object();
  nlohmann::json formats = nlohmann::json::array({"json"});
  if (cloudfront) {
    nlohmann::json fields = nlohmann::json::array();
    nlohmann::json allowed = nlohmann::json::array();
    for (std::string_view f : kCloudFrontFields) {
      fields.push_back(f);
      allowed.push_back({{"name", f}, {"mandatory", false}});
    }
    defaults["recordFields"] = std::move(fields);
    defaults["fieldDelimiter"] = "\t";
    out["allowedFields"] = std::move(allowed);
    out["allowedFieldDelimiters"] = {"\t", " ", ",", "|"};
    formats = s3 ? nlohmann::json::array({"json", "plain", "w3c", "parquet"})
                 : nlohmann::json::array({"json", "plain", "w3c"});
  }
  if (s3) {
    const std::string prefix = cloudfront ? "{DistributionId}/" : "{resourceId}/";
    defaults["s3DeliveryConfiguration"] = {
        {"suffixPath", "AWSLogs/{account-id}/" + std::string(t.service) + "/" + prefix},
        {"enableHiveCompatiblePath", false}};
    out["allowedSuffixPathFields"] =
        cloudfront
            ? nlohmann::json::array({"DistributionId", "yyyy", "MM", "dd", "HH", "account-id"})
            : nlohmann::json::array({"resourceId", "yyyy", "MM", "dd", "HH", "account-id"});
  }
  out["defaultDeliveryConfigValues"] = std::move(defaults);
  out["allowedOutputFormats"] = std::move(formats);
  out["allowedActionForAllowVendedLogsDeliveryForResource"] =
      fmt::format("{}:AllowVendedLogDeliveryForResource", t.service);
  return out;
}

bool Contains(const std::optional<std::vector<std::string>>& filter, std::string_view value) {
  return !filter || std::find(filter->begin(), filter->end(), value) != filter->end();
}

}  // namespace

ApiResult HandleDescribeConfigurationTemplates(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto service = in.String("service", deliveries::kServiceRule);
  auto log_types =
      in.StringList("logTypes", ListRule{1, 10}, deliveries::kLogTypeRule, /*required=*/false);
  auto resource_types = in.StringList("resourceTypes", ListRule{1, 10},
                                      deliveries::kResourceTypeRule, /*required=*/false);
  auto destination_types =
      in.EnumList("deliveryDestinationTypes", ListRule{1, 4}, deliveries::kDestinationTypes);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  if (in.failed()) return in.error();

  // The token is bound to the filters: a token of another query is refused.
  nlohmann::json filters = {service.value_or(""), log_types.value_or(std::vector<std::string>{}),
                            resource_types.value_or(std::vector<std::string>{}),
                            destination_types.value_or(std::vector<std::string>{})};
  const uint64_t digest = detail::HashBytes(filters.dump(), 0x6374);
  size_t start = 0;
  if (next_token) {
    auto resumed = detail::ReadNameToken(*next_token, kTokenKind, ctx.partition, digest);
    if (!resumed || resumed->size() != 4 ||
        resumed->find_first_not_of("0123456789") != std::string::npos) {
      return detail::InvalidNextToken();
    }
    start = static_cast<size_t>(std::stoul(*resumed));
  }
  const size_t page_size = static_cast<size_t>(limit.value_or(50));
  nlohmann::json list = nlohmann::json::array();
  std::optional<size_t> resume_at;
  for (size_t i = start; i < std::size(kTemplates); ++i) {
    const Template& t = kTemplates[i];
    if ((service && *service != t.service) || !Contains(log_types, t.log_type) ||
        !Contains(resource_types, t.resource_type) ||
        !Contains(destination_types, t.destination_type)) {
      continue;
    }
    if (list.size() == page_size) {
      resume_at = i;
      break;
    }
    list.push_back(TemplateJson(t));
  }
  nlohmann::json out = {{"configurationTemplates", std::move(list)}};
  if (resume_at) {
    out["nextToken"] =
        detail::NameToken(kTokenKind, ctx.partition, fmt::format("{:04}", *resume_at), digest);
  }
  return out;
}

}  // namespace cwlogd::api
