// XML text for the query-protocol answers (CloudWatch, STS, SNS). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace cwlogd::api::detail {

// Escapes &, <, >, " and ' (and control characters but \n and \t as numeric references).
std::string XmlEscape(std::string_view text);

}  // namespace cwlogd::api::detail
