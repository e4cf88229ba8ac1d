#include "server/auth/sigv4.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "server/auth/credentials.h"
#include "server/http_text.h"

namespace cwlogd::server::auth {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";
constexpr std::string_view kMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
// Echoed request text in error messages is capped so a hostile header cannot blow up a response.
constexpr size_t kMaxEchoBytes = 2048;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// Request bytes quoted back in a message: printable ASCII only (the JSON renderer must never see
// invalid UTF-8), and bounded.
std::string Echo(std::string_view s) {
  std::string out;
  out.reserve(std::min(s.size(), kMaxEchoBytes));
  for (unsigned char c : s.substr(0, kMaxEchoBytes)) {
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  return out;
}

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::array<unsigned char, 32> Hmac(const unsigned char* key, size_t key_len,
                                   std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int out_len = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &out_len);
  return out;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void PercentEncodeInto(std::string_view s, bool keep_slash, std::string* out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kDigits[c >> 4]);
      out->push_back(kDigits[c & 0xf]);
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "%XX" sequences decoded; a malformed '%' stays literal.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// A region becomes part of the storage partition: lower-case letters, digits and '-', 1 to 32
// bytes, not starting or ending with '-' (the partition rule of server/partition.h, minus the
// hyphen edge cases no AWS region has).
bool IsValidRegion(std::string_view r) {
  if (r.empty() || r.size() > 32 || r.front() == '-' || r.back() == '-') return false;
  return std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<int64_t> EpochSeconds(int y, unsigned mon, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{mon}, day{d}};
  if (!ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return std::nullopt;
  int64_t days = sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + s;
}

std::optional<int> Digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string_view HeaderValue(const SignableRequest& request, std::string_view lower_name,
                             bool* found) {
  for (const auto& [name, value] : request.headers) {
    if (EqualsNoCase(name, lower_name)) {
      *found = true;
      return value;
    }
  }
  *found = false;
  return {};
}

// AWS's text for a header the signature should cover but does not; `name` as the request spelt
// it.
AuthError UnsignedHeader(std::string_view name) {
  if (EqualsNoCase(name, "host")) {
    return AuthError::InvalidSignature(
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return AuthError::InvalidSignature("'" + Echo(name) +
                                     "' must be a 'SignedHeader' in the AWS Authorization.");
}

// Two Authorization headers. HTTP reads repeated fields as one, joined with ','; AWS then finds
// the second value's scheme word where a key=value parameter should be (docs/security.md).
AuthError DuplicateAuthorization(const std::vector<std::string_view>& values) {
  std::string joined;
  for (std::string_view value : values) {
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  std::string_view second = TrimAsciiWhitespace(values[1]);
  std::string_view word = second.substr(0, second.find_first_of(" \t,"));
  return AuthError::Incomplete("'" + Echo(word) +
                               "' not a valid key=value pair (missing equal-sign) in Authorization "
                               "header: '" +
                               Echo(joined) + "'.");
}

std::string SkewText(int64_t skew_seconds) {
  if (skew_seconds % 60 == 0) return std::to_string(skew_seconds / 60) + " min.";
  return std::to_string(skew_seconds) + " sec.";
}

}  // namespace

// Query codes and their HTTP statuses: the AWS common errors ("Common Errors" in the AWS API
// references; table in docs/security.md).
AuthError AuthError::MissingToken() {
  return {"MissingAuthenticationTokenException", "Missing Authentication Token", 400,
          "MissingAuthenticationToken", 403};
}
AuthError AuthError::UnrecognizedClient() {
  return {"UnrecognizedClientException", "The security token included in the request is invalid.",
          400, "InvalidClientTokenId", 403};
}
AuthError AuthError::SignatureMismatch() {
  return {"InvalidSignatureException", std::string(kMismatchMessage), 400, "SignatureDoesNotMatch",
          403};
}
AuthError AuthError::Incomplete(std::string msg) {
  return {"IncompleteSignatureException", std::move(msg), 400, "IncompleteSignature", 400};
}
AuthError AuthError::InvalidSignature(std::string msg) {
  return {"InvalidSignatureException", std::move(msg), 400, "SignatureDoesNotMatch", 403};
}
AuthError AuthError::Expired(std::string msg) {
  return {"InvalidSignatureException", std::move(msg), 400, "RequestExpired", 400};
}

namespace {

std::variant<AuthorizationHeader, AuthError> ParseAuthorizationImpl(std::string_view value,
                                                                    bool request_has_date) {
  AuthorizationHeader out;
  std::string_view rest = TrimAsciiWhitespace(value);
  size_t space = rest.find_first_of(" \t");
  std::string_view scheme = rest.substr(0, space);
  bool have_credential = false, have_signed_headers = false, have_signature = false;
  if (scheme == kAlgorithm && space != std::string_view::npos) {
    out.algorithm = std::string(scheme);
    rest = rest.substr(space + 1);
    // Parameters are separated by ',' (botocore adds a space after it; other SDKs do not).
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view param = TrimAsciiWhitespace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      size_t eq = param.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view key = TrimAsciiWhitespace(param.substr(0, eq));
      std::string_view val = TrimAsciiWhitespace(param.substr(eq + 1));
      if (key == "Credential" && !have_credential) {
        have_credential = true;
        out.credential = std::string(val);
      } else if (key == "SignedHeaders" && !have_signed_headers) {
        have_signed_headers = true;
        out.signed_headers = std::string(val);
      } else if (key == "Signature" && !have_signature) {
        have_signature = true;
        out.signature = std::string(val);
      }
    }
  }
  if (!have_credential || !have_signed_headers || !have_signature || !request_has_date) {
    std::string msg;
    if (!have_credential) msg += "Authorization header requires 'Credential' parameter. ";
    if (!have_signature) msg += "Authorization header requires 'Signature' parameter. ";
    if (!have_signed_headers) msg += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!request_has_date) {
      msg +=
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    msg += "Authorization=" + Echo(value);
    return AuthError::Incomplete(std::move(msg));
  }

  std::vector<std::string_view> parts;
  std::string_view cred = out.credential;
  for (size_t start = 0;;) {
    size_t slash = cred.find('/', start);
    parts.push_back(cred.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos || parts.size() > 5) break;
    start = slash + 1;
  }
  if (parts.size() != 5) {
    return AuthError::Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/"
        "term, got '" +
        Echo(out.credential) + "'");
  }
  out.access_key_id = std::string(parts[0]);
  out.date = std::string(parts[1]);
  out.region = std::string(parts[2]);
  out.service = std::string(parts[3]);
  out.terminator = std::string(parts[4]);

  std::string_view names = out.signed_headers;
  while (!names.empty()) {
    size_t semi = names.find(';');
    std::string_view name = names.substr(0, semi);
    if (!name.empty()) out.signed_header_names.push_back(Lower(name));
    names = semi == std::string_view::npos ? std::string_view{} : names.substr(semi + 1);
  }
  return out;
}

}  // namespace

std::variant<AuthorizationHeader, AuthError> ParseAuthorization(std::string_view value) {
  return ParseAuthorizationImpl(value, true);
}

std::optional<std::string> RegionFromAuthorization(std::string_view value) {
  size_t pos = value.find("Credential=");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view cred = value.substr(pos + 11);
  cred = cred.substr(0, cred.find_first_of(", \t"));
  // keyid/date/region/...: the region is the third element.
  size_t first = cred.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = cred.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  size_t third = cred.find('/', second + 1);
  std::string_view region = cred.substr(
      second + 1, third == std::string_view::npos ? std::string_view::npos : third - second - 1);
  if (!IsValidRegion(region)) return std::nullopt;
  return std::string(region);
}

bool MustBeSigned(std::string_view lower_name) {
  return lower_name == "x-amz-target" || lower_name == "content-type" ||
         lower_name == "content-encoding" || lower_name == "smithy-protocol" ||
         lower_name.substr(0, 6) == "x-amz-";
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string CanonicalUri(std::string_view wire_path) {
  // Remove "." and empty segments, resolve "..", keep a leading and a trailing '/'.
  std::vector<std::string_view> segments;
  std::string_view rest = wire_path;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  std::string normalized = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized += '/';
    normalized += segments[i];
  }
  if (!segments.empty() && wire_path.size() > 1 && wire_path.back() == '/') normalized += '/';
  std::string out;
  out.reserve(normalized.size());
  PercentEncodeInto(normalized, /*keep_slash=*/true, &out);
  return out;
}

std::string CanonicalQueryString(std::string_view wire_query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view rest = wire_query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name, value;
    PercentEncodeInto(PercentDecode(pair.substr(0, eq)), false, &name);
    if (eq != std::string_view::npos) {
      PercentEncodeInto(PercentDecode(pair.substr(eq + 1)), false, &value);
    }
    pairs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsAsciiWhitespace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& request, const AuthorizationHeader& auth,
                             std::string_view payload_hash) {
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  std::string out;
  out.reserve(256 + request.headers.size() * 64);
  out += request.method;
  out += '\n';
  out += CanonicalUri(path);
  out += '\n';
  out += CanonicalQueryString(query);
  out += '\n';
  for (const std::string& name : auth.signed_header_names) {
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [header_name, header_value] : request.headers) {
      if (!EqualsNoCase(header_name, name)) continue;
      if (!first) out += ',';
      first = false;
      out += CanonicalHeaderValue(header_value);
    }
    out += '\n';
  }
  out += '\n';
  out += auth.signed_headers;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(128 + scope.size());
  out += kAlgorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::array<unsigned char, 32> SigningKey(std::string_view secret_access_key, std::string_view date,
                                         std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret += secret_access_key;
  auto k_date =
      Hmac(reinterpret_cast<const unsigned char*>(k_secret.data()), k_secret.size(), date);
  OPENSSL_cleanse(k_secret.data(), k_secret.size());
  auto k_region = Hmac(k_date.data(), k_date.size(), region);
  auto k_service = Hmac(k_region.data(), k_region.size(), service);
  return Hmac(k_service.data(), k_service.size(), kTerminator);
}

std::string Signature(const std::array<unsigned char, 32>& signing_key,
                      std::string_view string_to_sign) {
  auto mac = Hmac(signing_key.data(), signing_key.size(), string_to_sign);
  return Hex(mac.data(), mac.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The length of a signature is not secret; only the content comparison must not leak timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  auto y = Digits(s.substr(0, 4)), mo = Digits(s.substr(4, 2)), d = Digits(s.substr(6, 2));
  auto h = Digits(s.substr(9, 2)), mi = Digits(s.substr(11, 2)), sec = Digits(s.substr(13, 2));
  if (!y || !mo || !d || !h || !mi || !sec) return std::nullopt;
  return EpochSeconds(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d), *h, *mi, *sec);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // "Mon, 01 Jan 2024 12:00:00 GMT": 29 bytes, fixed positions.
  s = TrimAsciiWhitespace(s);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT") {
    return std::nullopt;
  }
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  auto d = Digits(s.substr(5, 2)), y = Digits(s.substr(12, 4));
  auto h = Digits(s.substr(17, 2)), mi = Digits(s.substr(20, 2)), sec = Digits(s.substr(23, 2));
  if (month == 0 || !d || !y || !h || !mi || !sec) return std::nullopt;
  return EpochSeconds(*y, month, static_cast<unsigned>(*d), *h, *mi, *sec);
}

std::string FormatAmzDate(int64_t epoch_seconds) {
  using namespace std::chrono;
  int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
  int64_t rem = epoch_seconds - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

Verifier::Verifier(const CredentialStore& store, SigV4Options options)
    : store_(store), options_(options) {}

std::variant<Identity, AuthError> Verifier::Verify(const SignableRequest& request,
                                                   std::string_view service,
                                                   int64_t now_epoch_seconds) const {
  std::vector<std::string_view> authorizations;
  for (const auto& [name, value] : request.headers) {
    if (EqualsNoCase(name, "authorization")) authorizations.push_back(value);
  }
  if (authorizations.empty()) return AuthError::MissingToken();
  if (authorizations.size() > 1) return DuplicateAuthorization(authorizations);
  std::string_view authorization = authorizations[0];

  bool has_amz_date = false, has_http_date = false;
  std::string_view amz_date_header = HeaderValue(request, "x-amz-date", &has_amz_date);
  std::string_view http_date_header = HeaderValue(request, "date", &has_http_date);

  auto parsed = ParseAuthorizationImpl(authorization, has_amz_date || has_http_date);
  if (auto* error = std::get_if<AuthError>(&parsed)) return std::move(*error);
  const AuthorizationHeader& auth = std::get<AuthorizationHeader>(parsed);

  // A signature that leaves out a header choosing the operation (or the request time) would let
  // a captured request be replayed as another operation: DescribeLogStreams as DeleteLogGroup.
  auto is_signed = [&auth](std::string_view lower_name) {
    return std::find(auth.signed_header_names.begin(), auth.signed_header_names.end(),
                     lower_name) != auth.signed_header_names.end();
  };
  if (!is_signed("host")) return UnsignedHeader("Host");
  for (const auto& [name, value] : request.headers) {
    std::string lower_name = Lower(name);
    bool gives_request_time = lower_name == "date" && !has_amz_date;
    if ((MustBeSigned(lower_name) || gives_request_time) && !is_signed(lower_name)) {
      return UnsignedHeader(name);
    }
  }

  if (auth.terminator != kTerminator) {
    return AuthError::InvalidSignature(
        "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
        Echo(auth.terminator) + "'.");
  }
  if (auth.service != service) {
    return AuthError::InvalidSignature("Credential should be scoped to correct service: '" +
                                       std::string(service) + "'.");
  }
  if (!IsValidRegion(auth.region)) {
    return AuthError::InvalidSignature("Credential should be scoped to a valid region.");
  }

  // The request time: X-Amz-Date, else the Date header converted to the same basic format.
  std::optional<int64_t> request_time;
  std::string amz_date;
  if (has_amz_date) {
    request_time = ParseAmzDate(TrimAsciiWhitespace(amz_date_header));
    amz_date = std::string(TrimAsciiWhitespace(amz_date_header));
    if (!request_time) {
      return AuthError::Incomplete("Date must be in ISO-8601 'basic format'. Got '" +
                                   Echo(amz_date_header) +
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
  } else {
    request_time = ParseHttpDate(http_date_header);
    if (!request_time) {
      return AuthError::Incomplete("Date must be in ISO-8601 'basic format'. Got '" +
                                   Echo(http_date_header) +
                                   "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
    amz_date = FormatAmzDate(*request_time);
  }
  if (auth.date != std::string_view(amz_date).substr(0, 8)) {
    return AuthError::InvalidSignature(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        Echo(auth.date) + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'.");
  }

  const Credential* credential = store_.Find(auth.access_key_id);
  if (credential == nullptr) return AuthError::UnrecognizedClient();

  // The payload hash: the client's X-Amz-Content-SHA256 when sent, which must then really be the
  // hash of the body (otherwise a signed header would vouch for an unsigned, tampered body).
  std::string payload_hash = Sha256Hex(request.body);
  bool has_content_sha = false;
  std::string_view content_sha = HeaderValue(request, "x-amz-content-sha256", &has_content_sha);
  if (has_content_sha && TrimAsciiWhitespace(content_sha) != payload_hash)
    return AuthError::SignatureMismatch();

  std::string scope = auth.date + "/" + auth.region + "/" + auth.service + "/" + auth.terminator;
  std::string canonical = CanonicalRequest(request, auth, payload_hash);
  std::string expected =
      Signature(SigningKey(credential->secret_access_key, auth.date, auth.region, auth.service),
                StringToSign(amz_date, scope, canonical));
  if (!ConstantTimeEquals(expected, auth.signature)) return AuthError::SignatureMismatch();

  const int64_t skew = options_.max_skew_seconds;
  if (*request_time < now_epoch_seconds - skew) {
    return AuthError::Expired("Signature expired: " + amz_date + " is now earlier than " +
                              FormatAmzDate(now_epoch_seconds - skew) + " (" +
                              FormatAmzDate(now_epoch_seconds) + " - " + SkewText(skew) + ")");
  }
  if (*request_time > now_epoch_seconds + skew) {
    return AuthError::Expired("Signature not yet current: " + amz_date + " is still later than " +
                              FormatAmzDate(now_epoch_seconds + skew) + " (" +
                              FormatAmzDate(now_epoch_seconds) + " + " + SkewText(skew) + ")");
  }
  return Identity{auth.access_key_id, credential->account_id, auth.region, auth.service};
}

}  // namespace cwlogd::server::auth
