// libFuzzer target for the SigV4 code (server/auth/sigv4.h): the Authorization header parser,
// the date parsers, canonicalisation and the full verifier must accept any bytes without
// crashing, and a request signed with our own functions must verify (round trip).
//
// Input layout: lines separated by '\n'. Line 1 is the Authorization value, line 2 the request
// target, line 3 the X-Amz-Date value, then "name:value" header lines up to an empty line, then
// the body (the rest).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "server/auth/credentials.h"
#include "server/auth/sigv4.h"

namespace auth = cwlogd::server::auth;

namespace {

std::string_view NextLine(std::string_view* rest) {
  size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  *rest = nl == std::string_view::npos ? std::string_view{} : rest->substr(nl + 1);
  return line;
}

bool IsTokenName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

const auth::CredentialStore& Store() {
  static const auth::CredentialStore store = [] {
    auth::CredentialStore s;
    s.Add("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "123456789012");
    return s;
  }();
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view authorization = NextLine(&rest);
  std::string_view target = NextLine(&rest);
  std::string_view amz_date = NextLine(&rest);

  // Pure parsers: must not crash on anything.
  (void)auth::ParseAuthorization(authorization);
  (void)auth::RegionFromAuthorization(authorization);
  (void)auth::ParseAmzDate(amz_date);
  (void)auth::ParseHttpDate(amz_date);
  (void)auth::CanonicalUri(target.substr(0, target.find('?')));
  (void)auth::CanonicalQueryString(target);
  (void)auth::CanonicalHeaderValue(amz_date);
  std::string config_error;
  (void)auth::CredentialStore::Parse(authorization, &config_error);

  auth::SignableRequest request;
  request.method = "POST";
  request.target = target;
  std::string lower_names;  // the token-named headers, for the round trip below
  while (!rest.empty()) {
    std::string_view line = NextLine(&rest);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    if (request.headers.size() > 64) break;
  }
  request.body = rest;

  // The verifier on the request as given, with the fuzzed Authorization and date.
  auth::Verifier verifier(Store(), {});
  auth::SignableRequest as_given = request;
  as_given.headers.emplace_back("Authorization", authorization);
  as_given.headers.emplace_back("X-Amz-Date", amz_date);
  auto result = verifier.Verify(as_given, "logs", 1704110400);
  if (auto* error = std::get_if<auth::AuthError>(&result)) {
    if (error->type.empty() || error->message.empty()) __builtin_trap();
    for (unsigned char c : error->message) {
      if (c < 0x20 || c >= 0x7f) __builtin_trap();  // messages must be safe to render
    }
  }

  // Round trip: sign the token-named headers (plus host and x-amz-date) ourselves; the
  // verifier must accept exactly that.
  auth::SignableRequest signed_request;
  signed_request.method = "POST";
  signed_request.target = target;
  signed_request.body = request.body;
  signed_request.headers.emplace_back("host", "127.0.0.1:4588");
  signed_request.headers.emplace_back("x-amz-date", "20240101T120000Z");
  std::string names = "host;x-amz-date";
  for (const auto& [name, value] : request.headers) {
    if (!IsTokenName(name) || name == "host" || name == "x-amz-date" || name == "authorization" ||
        name == "date" || name == "x-amz-content-sha256" || name == "x-amz-target" ||
        name == "content-type" || name == "smithy-protocol" ||
        names.find(name) != std::string::npos) {
      continue;
    }
    signed_request.headers.emplace_back(name, value);
    names += ";" + std::string(name);
  }
  // Header order in SignedHeaders must be sorted as clients send it; ours is "host;x-amz-date"
  // followed by names in input order, which the verifier takes verbatim, so sorting is not
  // needed for the round trip.
  auth::AuthorizationHeader header;
  header.signed_headers = names;
  for (size_t start = 0; start <= names.size();) {
    size_t semi = names.find(';', start);
    header.signed_header_names.emplace_back(names.substr(start, semi - start));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  std::string canonical =
      auth::CanonicalRequest(signed_request, header, auth::Sha256Hex(signed_request.body));
  std::string signature = auth::Signature(
      auth::SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20240101", "us-east-1", "logs"),
      auth::StringToSign("20240101T120000Z", "20240101/us-east-1/logs/aws4_request", canonical));
  std::string authorization_value =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/logs/aws4_request, "
      "SignedHeaders=" +
      names + ", Signature=" + signature;
  signed_request.headers.emplace_back("Authorization", authorization_value);
  auto round_trip = verifier.Verify(signed_request, "logs", 1704110400);
  if (!std::holds_alternative<auth::Identity>(round_trip)) __builtin_trap();
  return 0;
}
