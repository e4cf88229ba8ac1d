// Who is calling: the SigV4 `Authorization` header parser and the (account, region) partition
// derived from it. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/log_store.h"

namespace cwlogd::server {

inline constexpr std::string_view kDefaultRegion = "us-east-1";
inline constexpr std::string_view kDefaultAccount = "000000000000";

// The parts of `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
// SignedHeaders=<h1;h2>, Signature=<hex>`. Parameters may be separated by "," or ", ".
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;         // "logs" or "monitoring"
  std::string signed_headers;  // verbatim, e.g. "content-type;host;x-amz-date"
  std::string signature;       // hex, verbatim
};

// Parses the header. nullopt when the scheme is not AWS4-HMAC-SHA256, the Credential scope
// does not have exactly five '/'-separated parts ending in "aws4_request", or any of
// Credential, SignedHeaders and Signature is missing or empty. `error` (optional) says which.
std::optional<SigV4Authorization> ParseSigV4Authorization(std::string_view header,
                                                          std::string* error = nullptr);

// Region from the credential scope (default us-east-1); account = the access key id when it
// is exactly 12 ASCII digits, else 000000000000. Never fails: an absent or garbled header gives
// the default partition, and a region that is not [a-z0-9-]{1,32} is replaced by the default.
storage::Partition PartitionFromAuthorization(std::optional<std::string_view> header);

}  // namespace cwlogd::server
