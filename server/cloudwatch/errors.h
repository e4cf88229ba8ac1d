// CloudWatch (metrics) errors on the wire (the service is query-compatible: Smithy's
// awsQueryCompatible trait): the modelled error shape of an api::ApiError -> its query code,
// fault side and HTTP status. Static data; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/api_error.h"

namespace cwlogd::server::cloudwatch {

inline constexpr std::string_view kSmithyNamespace = "com.amazonaws.cloudwatch";

struct WireError {
  std::string shape;         // "InvalidParameterValueException" (JSON/CBOR __type after '#')
  std::string query_code;    // "InvalidParameterValue" (query <Code>, x-amzn-query-error)
  bool sender_fault = true;  // "Sender" or "Receiver"
  unsigned http_status = 400;
};

// Known shapes get the modelled code and status; anything else keeps its type as the code and
// the status the ApiError carries.
WireError MapError(const api::ApiError& error);

// "InvalidParameterValue;Sender"
std::string QueryErrorHeader(const WireError& error);

}  // namespace cwlogd::server::cloudwatch
