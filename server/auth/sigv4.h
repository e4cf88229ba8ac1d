// AWS Signature Version 4 verification (AWS SigV4 documentation; docs/security.md):
// Authorization header parsing, canonical request, string to sign, signing key, and the full
// check with AWS's error types and messages. Pure functions over plain strings (no Beast types)
// so they are unit-testable and fuzzable. Everything here is thread-safe; Verifier is immutable
// after construction.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cwlogd::server::auth {

class CredentialStore;

// An authentication failure, rendered by server/ exactly like an api::ApiError.
struct AuthError {
  std::string type;       // e.g. "InvalidSignatureException"
  std::string message;    // AWS's text (docs/security.md)
  int http_status = 400;  // every SigV4 failure is a 400 for the JSON services
  // The same failure as query-compatible services (CloudWatch metrics, in all three of its
  // protocols) report it: the query error code and its status (docs/security.md), e.g.
  // "SignatureDoesNotMatch" and 403.
  std::string query_code;
  int query_http_status = 403;

  static AuthError MissingToken();
  static AuthError UnrecognizedClient();
  static AuthError SignatureMismatch();
  static AuthError Incomplete(std::string msg);
  // A bad credential scope (date, service, region): SignatureDoesNotMatch for query services.
  static AuthError InvalidSignature(std::string msg);
  // The request time is outside the allowed clock skew: RequestExpired for query services.
  static AuthError Expired(std::string msg);
};

// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct AuthorizationHeader {
  std::string algorithm;       // "AWS4-HMAC-SHA256"
  std::string credential;      // the whole Credential value, as sent
  std::string access_key_id;   // Credential element 1
  std::string date;            // element 2, YYYYMMDD (not validated by the parser)
  std::string region;          // element 3
  std::string service;         // element 4
  std::string terminator;      // element 5, normally "aws4_request"
  std::string signed_headers;  // the SignedHeaders value, verbatim
  std::vector<std::string> signed_header_names;  // signed_headers split on ';', lower-cased
  std::string signature;                         // the Signature value, verbatim
};

// Parses an Authorization header value. Fails with IncompleteSignatureException when the scheme
// is not AWS4-HMAC-SHA256, a required parameter is missing, or the Credential does not have
// exactly five '/'-separated elements. Never throws; any byte sequence is accepted as input.
std::variant<AuthorizationHeader, AuthError> ParseAuthorization(std::string_view value);

// Lenient variant for the "accept any credentials" mode: the region in the credential scope, if
// one can be found, else nullopt. Never fails, never throws.
std::optional<std::string> RegionFromAuthorization(std::string_view value);

// The request as the signer saw it. Header names may be in any case; repeated headers appear
// once per occurrence, in arrival order.
struct SignableRequest {
  std::string_view method;  // "POST"
  std::string_view target;  // request-target as on the wire: path plus optional "?query"
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;  // exact bytes received (compressed bytes for gzip bodies)
};

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// Canonical URI of a wire path: dot segments and empty segments removed, then every byte except
// A-Z a-z 0-9 - _ . ~ / percent-encoded (so an on-wire "%2F" becomes "%252F", as AWS does for
// every service but S3).
std::string CanonicalUri(std::string_view wire_path);

// Canonical query string: each pair percent-decoded then re-encoded (unreserved bytes only),
// sorted by name then value, "name=value" joined with '&'.
std::string CanonicalQueryString(std::string_view wire_query);

// Header value as it appears in the canonical request: outer whitespace trimmed, inner runs of
// whitespace collapsed to one space.
std::string CanonicalHeaderValue(std::string_view value);

// The canonical request (AWS SigV4 documentation, "Create a canonical request"). `payload_hash`
// is the hex SHA-256 (or the X-Amz-Content-SHA256 value) to put on the last line.
std::string CanonicalRequest(const SignableRequest& request, const AuthorizationHeader& auth,
                             std::string_view payload_hash);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex(sha256(canonical_request))>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
std::array<unsigned char, 32> SigningKey(std::string_view secret_access_key, std::string_view date,
                                         std::string_view region, std::string_view service);

// Lower-case hex HMAC-SHA256(signing_key, string_to_sign).
std::string Signature(const std::array<unsigned char, 32>& signing_key,
                      std::string_view string_to_sign);

// True for a header a signature must cover when the request carries it (lower-case name): the
// ones that choose the operation or say how to read the body (X-Amz-Target, Content-Type,
// Content-Encoding, smithy-protocol) and every x-amz-* header. Host must always be signed, and
// Date when it gives the request time; both are checked apart. Headers proxies add (Via,
// X-Forwarded-*, X-Amzn-Trace-Id...) and the ones SDKs never sign (User-Agent, Expect...) are
// not required.
bool MustBeSigned(std::string_view lower_name);

// Equality of two byte strings in time independent of where they differ (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Parses "YYYYMMDDTHHMMSSZ" to seconds since the epoch; nullopt unless exactly that shape and
// a real calendar time.
std::optional<int64_t> ParseAmzDate(std::string_view s);
// Parses an RFC 1123 date ("Mon, 01 Jan 2024 12:00:00 GMT") to seconds since the epoch.
std::optional<int64_t> ParseHttpDate(std::string_view s);
// Formats seconds since the epoch as "YYYYMMDDTHHMMSSZ".
std::string FormatAmzDate(int64_t epoch_seconds);

struct SigV4Options {
  // Largest accepted |request time - server time|. AWS JSON services were observed to use 5
  // minutes (docs/security.md). Default: 300
  int64_t max_skew_seconds = 300;
};

// Who signed a verified request.
struct Identity {
  std::string access_key_id;
  std::string account_id;  // from the credentials file
  std::string region;      // from the credential scope
  std::string service;     // "logs" or "monitoring"
};

// Verifies SigV4-signed requests against a CredentialStore. Check order: one Authorization
// header, present and well-formed; every header that must be signed is (MustBeSigned); credential
// scope (terminator, service, region); request date present and parseable and matching the scope
// date; access key known; payload hash; signature; clock skew.
// X-Amz-Security-Token is accepted (and must be signed, like every x-amz-* header) but not
// checked: the credentials file holds long-term keys only.
class Verifier {
 public:
  // `store` must outlive the Verifier.
  Verifier(const CredentialStore& store, SigV4Options options);

  // `service` is the signing name the request's protocol requires ("logs", "monitoring"): the
  // router's classification decides it, not the verifier.
  std::variant<Identity, AuthError> Verify(const SignableRequest& request, std::string_view service,
                                           int64_t now_epoch_seconds) const;

 private:
  const CredentialStore& store_;
  SigV4Options options_;
};

}  // namespace cwlogd::server::auth
