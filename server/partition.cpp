#include "server/partition.h"

#include <algorithm>
#include <vector>

#include "server/http_text.h"

namespace cwlogd::server {
namespace {

constexpr std::string_view kScheme = "AWS4-HMAC-SHA256";

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool IsPlausibleRegion(std::string_view r) {
  return !r.empty() && r.size() <= 32 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsAccountId(std::string_view key) {
  return key.size() == 12 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<SigV4Authorization> ParseSigV4Authorization(std::string_view header,
                                                          std::string* error) {
  auto fail = [&](std::string_view why) -> std::optional<SigV4Authorization> {
    if (error != nullptr) *error = std::string(why);
    return std::nullopt;
  };
  header = TrimOptionalWhitespace(header);
  if (header.substr(0, kScheme.size()) != kScheme) return fail("unsupported scheme");
  std::string_view rest = header.substr(kScheme.size());
  if (rest.empty() || !IsOptionalWhitespace(rest.front())) return fail("unsupported scheme");

  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view param : Split(rest, ',')) {
    param = TrimOptionalWhitespace(param);
    if (param.empty()) continue;
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) return fail("parameter without '='");
    std::string_view name = TrimOptionalWhitespace(param.substr(0, eq));
    std::string_view value = TrimOptionalWhitespace(param.substr(eq + 1));
    if (name == "Credential") {
      credential = value;
    } else if (name == "SignedHeaders") {
      signed_headers = value;
    } else if (name == "Signature") {
      signature = value;
    }
  }
  if (!credential || credential->empty()) {
    return fail("Authorization header requires 'Credential' parameter.");
  }
  if (!signed_headers || signed_headers->empty()) {
    return fail("Authorization header requires 'SignedHeaders' parameter.");
  }
  if (!signature || signature->empty()) {
    return fail("Authorization header requires 'Signature' parameter.");
  }
  std::vector<std::string_view> scope = Split(*credential, '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || scope[0].empty() || scope[1].empty() ||
      scope[2].empty() || scope[3].empty()) {
    return fail("Credential should be scoped to a valid region, service and aws4_request.");
  }
  SigV4Authorization out;
  out.access_key_id = std::string(scope[0]);
  out.date = std::string(scope[1]);
  out.region = std::string(scope[2]);
  out.service = std::string(scope[3]);
  out.signed_headers = std::string(*signed_headers);
  out.signature = std::string(*signature);
  return out;
}

storage::Partition PartitionFromAuthorization(std::optional<std::string_view> header) {
  storage::Partition p{std::string(kDefaultAccount), std::string(kDefaultRegion)};
  if (!header) return p;
  std::optional<SigV4Authorization> auth = ParseSigV4Authorization(*header);
  if (!auth) return p;
  if (IsPlausibleRegion(auth->region)) p.region = auth->region;
  if (IsAccountId(auth->access_key_id)) p.account = auth->access_key_id;
  return p;
}

}  // namespace cwlogd::server
