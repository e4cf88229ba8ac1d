// The AWS query protocol's response side: JSON 1.0 output shape -> XML.
// `<OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>...`, lists as <member>,
// timestamps (shapes.h IsTimestampMember) as ISO 8601, and <ErrorResponse>. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cwlogd::server::cloudwatch {

inline constexpr std::string_view kCloudWatchXmlNamespace =
    "http://monitoring.amazonaws.com/doc/2010-08-01/";

// `result` is the operation's output object; when `has_output` is false only the response
// metadata is written (e.g. PutMetricData).
std::string QueryResponseXml(std::string_view operation, const nlohmann::json& result,
                             bool has_output, std::string_view request_id);

// <ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error>
// <RequestId>..</RequestId></ErrorResponse>
std::string QueryErrorXml(std::string_view type, std::string_view code, std::string_view message,
                          std::string_view request_id);

}  // namespace cwlogd::server::cloudwatch
