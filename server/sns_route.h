// SNS on the server's port: which requests are SNS's (the AWS query protocol with
// Version=2010-03-31, a SigV4 scope for "sns", or the SubscribeURL / UnsubscribeURL links a
// receiver follows with a GET), and their answers in SNS's XML. The operations are in api/sns.
// Pure functions apart from the store the handlers use; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/sns/sns_api.h"
#include "server/cloudwatch_route.h"

namespace cwlogd::server {

// What the router knows of a request, without Beast types.
struct SnsHttpRequest {
  std::string_view method;
  std::string_view target;
  std::string_view content_type;
  std::string_view authorization;
  std::string_view body;
};

enum class SnsRequestKind {
  kNone,    // not SNS
  kSigned,  // an SNS action, authenticated like any request
  kLink,    // a GET of a SubscribeURL / UnsubscribeURL: no signature; the ARN names the account
  kCertificate,  // GET of the signing certificate (SigningCertURL)
};

// `cert_path` is the SigningCertURL's path ("" = none served).
SnsRequestKind ClassifySnsRequest(const SnsHttpRequest& request, std::string_view cert_path);

// Runs the action of a kSigned or kLink request (`partition` is ignored for kLink) and renders
// it. `base_url` is "http(s)://<Host>" as the client reached us.
CloudWatchHttpResponse HandleSnsRequest(const SnsHttpRequest& request, SnsRequestKind kind,
                                        const std::string& request_id, storage::LogStore& store,
                                        const storage::Clock& clock,
                                        const storage::Partition& partition,
                                        const std::string& base_url);

// An error in SNS's <ErrorResponse> shape.
CloudWatchHttpResponse SnsErrorResponse(const std::string& request_id, const api::ApiError& error);

}  // namespace cwlogd::server
