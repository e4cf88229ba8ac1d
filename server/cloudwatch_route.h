// The CloudWatch metrics API on the Logs port: one plain request in (no Beast types), one
// response out. Decodes the input of the three protocols the CloudWatch service model lists
// (RPC v2 CBOR, JSON 1.0, query) to the JSON 1.0 shape, calls api::cloudwatch and encodes the
// result or the error the way that protocol does. In the server the Router classifies,
// authenticates and inflates first (router.h) and calls HandleDecodedCloudWatchRequest;
// HandleCloudWatchRequest does every step itself, for tests and tools.
// Thread-safe: no shared state.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "api/cloudwatch/cloudwatch_api.h"

namespace cwlogd::server {

struct CloudWatchHttpRequest {
  std::string_view method = "POST";
  std::string_view target = "/";      // request-target: path and optional ?query
  std::string_view content_type;      // Content-Type header, may be empty
  std::string_view content_encoding;  // Content-Encoding header ("gzip"), may be empty
  std::string_view amz_target;        // X-Amz-Target header, may be empty
  std::string_view smithy_protocol;   // smithy-protocol header, may be empty
  std::string_view body;
};

struct CloudWatchHttpResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Length/Date
  std::string body;
};

enum class CloudWatchProtocol { kCbor, kJson10, kQuery };

CloudWatchProtocol DetectCloudWatchProtocol(const CloudWatchHttpRequest& request);

struct CloudWatchRouteOptions {
  size_t max_body_bytes = 8u << 20;  // cap of a gzip body once inflated. Default: 8 MiB
};

// Never throws for bad input; every problem becomes the protocol's error response.
// Detects the protocol and decodes the Content-Encoding itself, then does what
// HandleDecodedCloudWatchRequest does.
CloudWatchHttpResponse HandleCloudWatchRequest(const CloudWatchHttpRequest& request,
                                               const std::string& request_id,
                                               api::cloudwatch::Context& ctx,
                                               const CloudWatchRouteOptions& options = {});

// The last stages for a request the Router has already classified (`protocol`) and whose body
// is already decoded (`request.content_encoding` is ignored): decodes the input to the JSON 1.0
// shape, calls api::cloudwatch and encodes the result or error in `protocol`.
CloudWatchHttpResponse HandleDecodedCloudWatchRequest(CloudWatchProtocol protocol,
                                                      const CloudWatchHttpRequest& request,
                                                      const std::string& request_id,
                                                      api::cloudwatch::Context& ctx);

// Renders an error raised before the request reached the API (e.g. authentication) in
// `protocol`.
CloudWatchHttpResponse CloudWatchErrorResponse(CloudWatchProtocol protocol,
                                               const std::string& request_id,
                                               const api::ApiError& error);

}  // namespace cwlogd::server
