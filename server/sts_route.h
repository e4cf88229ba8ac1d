// The one STS operation cwlogd answers, GetCallerIdentity, on the Logs port: SDKs, test suites
// and IaC tools call it first to learn the account. AWS query protocol (form body
// `Action=GetCallerIdentity&Version=2011-06-15`) in, XML out; the account is the partition's
// (the access key rule of partition.h), the ARN that of the account's root user. Plain request
// in, no Beast types; the Router classifies and authenticates first. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "api/api_error.h"
#include "server/cloudwatch_route.h"
#include "storage/log_store.h"

namespace cwlogd::server {

inline constexpr std::string_view kStsXmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

// True for a request meant for STS: signed for the service "sts" (the Authorization header's
// credential scope), or, unsigned, a form with Action=GetCallerIdentity in the body or the URL.
bool IsStsRequest(std::string_view authorization, std::string_view content_type,
                  std::string_view target, std::string_view body);

// arn:<partition>:iam::<account>:root (docs/api-coverage.md, "STS").
std::string CallerArn(const storage::Partition& p);

// Answers the (decoded) request: GetCallerIdentity's XML, or an XML error: InvalidAction for any
// other action, MalformedQueryString for a broken form.
CloudWatchHttpResponse HandleStsRequest(std::string_view target, std::string_view body,
                                        const std::string& request_id, const storage::Partition& p);

// An error raised before the request reached STS (authentication, body decoding), as STS
// renders errors: <ErrorResponse> XML with the query code.
CloudWatchHttpResponse StsErrorResponse(const std::string& request_id, const api::ApiError& error);

}  // namespace cwlogd::server
