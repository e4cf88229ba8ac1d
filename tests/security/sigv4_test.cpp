// SigV4 verification: AWS's documented example values, requests signed by botocore's own signer
// (vectors/sigv4_vectors.json, made by gen_sigv4_vectors.py), and every way a request can fail,
// each with AWS's error type and message (docs/security.md).
#include "server/auth/sigv4.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/auth/credentials.h"
#include "tests/catch2.h"

namespace auth = cwlogd::server::auth;
using nlohmann::json;

namespace {

constexpr const char* kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

std::string Hex(const std::array<unsigned char, 32>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

// A request that owns its strings; view() gives the SignableRequest the verifier reads.
struct OwnedRequest {
  std::string method = "POST";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  auth::SignableRequest view() const {
    auth::SignableRequest r;
    r.method = method;
    r.target = target;
    for (const auto& [k, v] : headers) r.headers.emplace_back(k, v);
    r.body = body;
    return r;
  }
  std::string* header(const std::string& name) {
    for (auto& [k, v] : headers) {
      if (auth::ConstantTimeEquals(k, name)) return &v;
      std::string lk = k;
      for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lk == name) return &v;
    }
    return nullptr;
  }
  void erase(const std::string& lower_name) {
    std::erase_if(headers, [&](const auto& kv) {
      std::string lk = kv.first;
      for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return lk == lower_name;
    });
  }
};

struct Vector {
  json raw;
  OwnedRequest request;
};

std::vector<Vector> LoadVectors() {
  std::ifstream in(std::string(CWLOGD_SIGV4_VECTORS_DIR) + "/sigv4_vectors.json");
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str());
  std::vector<Vector> out;
  for (const json& v : doc.at("vectors")) {
    Vector vec;
    vec.raw = v;
    vec.request.method = v.at("method").get<std::string>();
    vec.request.target = v.at("target").get<std::string>();
    for (const json& h : v.at("headers")) {
      vec.request.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    }
    vec.request.body = Base64Decode(v.at("body_base64").get<std::string>());
    out.push_back(std::move(vec));
  }
  REQUIRE(out.size() >= 10);
  return out;
}

Vector LoadVector(const std::string& name) {
  for (Vector& v : LoadVectors()) {
    if (v.raw.at("name") == name) return v;
  }
  FAIL("no vector named " << name);
  return {};
}

auth::CredentialStore ExampleStore() {
  auth::CredentialStore store;
  store.Add("AKIDEXAMPLE", kExampleSecret, "123456789012");
  return store;
}

constexpr int64_t k20240101T120000Z = 1704110400;

// Runs the verifier and returns the error, or fails the test if the request was accepted.
auth::AuthError ExpectError(const auth::Verifier& verifier, const OwnedRequest& request,
                            int64_t now) {
  auto result = verifier.Verify(request.view(), "logs", now);
  REQUIRE(std::holds_alternative<auth::AuthError>(result));
  return std::get<auth::AuthError>(result);
}

}  // namespace

TEST_CASE("SigV4 signing key matches AWS's documented example", "[security][sigv4]") {
  CHECK(Hex(auth::SigningKey(kExampleSecret, "20120215", "us-east-1", "iam")) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("SigV4 reproduces AWS's get-vanilla test-suite signature", "[security][sigv4]") {
  OwnedRequest r;
  r.method = "GET";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  auto parsed = auth::ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=x");
  REQUIRE(std::holds_alternative<auth::AuthorizationHeader>(parsed));
  std::string canonical = auth::CanonicalRequest(
      r.view(), std::get<auth::AuthorizationHeader>(parsed), auth::Sha256Hex(""));
  CHECK(canonical ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string sts =
      auth::StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
  CHECK(auth::Signature(auth::SigningKey(kExampleSecret, "20150830", "us-east-1", "service"),
                        sts) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("SigV4 reproduces AWS's documented IAM ListUsers example", "[security][sigv4]") {
  OwnedRequest r;
  r.method = "GET";
  r.target = "/?Action=ListUsers&Version=2010-05-08";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"Host", "iam.amazonaws.com"},
               {"X-Amz-Date", "20150830T123600Z"}};
  auto parsed = auth::ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date, "
      "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  REQUIRE(std::holds_alternative<auth::AuthorizationHeader>(parsed));
  std::string canonical = auth::CanonicalRequest(
      r.view(), std::get<auth::AuthorizationHeader>(parsed), auth::Sha256Hex(""));
  CHECK(auth::Sha256Hex(canonical) ==
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  CHECK(auth::Signature(auth::SigningKey(kExampleSecret, "20150830", "us-east-1", "iam"),
                        auth::StringToSign("20150830T123600Z",
                                           "20150830/us-east-1/iam/aws4_request", canonical)) ==
        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST_CASE("SigV4 matches botocore's canonical request, string to sign and signature",
          "[security][sigv4][botocore]") {
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  for (const Vector& v : LoadVectors()) {
    INFO("vector " << v.raw.at("name").get<std::string>());
    const std::string* authorization = nullptr;
    for (const auto& [k, value] : v.request.headers) {
      if (k == "Authorization") authorization = &value;
    }
    REQUIRE(authorization != nullptr);
    auto parsed = auth::ParseAuthorization(*authorization);
    REQUIRE(std::holds_alternative<auth::AuthorizationHeader>(parsed));
    const auto& header = std::get<auth::AuthorizationHeader>(parsed);
    CHECK(header.region == v.raw.at("region").get<std::string>());
    CHECK(header.service == v.raw.at("service").get<std::string>());

    std::string canonical =
        auth::CanonicalRequest(v.request.view(), header, auth::Sha256Hex(v.request.body));
    CHECK(canonical == v.raw.at("canonical_request").get<std::string>());
    std::string amz_date = *const_cast<OwnedRequest&>(v.request).header("x-amz-date");
    std::string scope = header.date + "/" + header.region + "/" + header.service + "/aws4_request";
    std::string sts = auth::StringToSign(amz_date, scope, canonical);
    CHECK(sts == v.raw.at("string_to_sign").get<std::string>());
    CHECK(auth::Signature(
              auth::SigningKey(kExampleSecret, header.date, header.region, header.service), sts) ==
          v.raw.at("signature").get<std::string>());

    auto result = verifier.Verify(v.request.view(), v.raw.at("service").get<std::string>(),
                                  v.raw.at("epoch_seconds").get<int64_t>());
    if (auto* error = std::get_if<auth::AuthError>(&result)) {
      FAIL(error->type << ": " << error->message);
    }
    const auto& id = std::get<auth::Identity>(result);
    CHECK(id.access_key_id == "AKIDEXAMPLE");
    CHECK(id.account_id == "123456789012");
    CHECK(id.region == v.raw.at("region").get<std::string>());
  }
}

TEST_CASE("SigV4 rejects a tampered body, wrong secret, unknown key and tampered headers",
          "[security][sigv4]") {
  Vector v = LoadVector("put-log-events");
  const int64_t now = v.raw.at("epoch_seconds").get<int64_t>();
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  OwnedRequest r = v.request;

  SECTION("one changed body byte") {
    r.body[r.body.size() / 2] ^= 1;
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message == kMismatch);
    CHECK(e.http_status == 400);
    CHECK(e.query_code == "SignatureDoesNotMatch");
    CHECK(e.query_http_status == 403);
  }
  SECTION("a body with a byte appended") {
    r.body += " ";
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("the right key id with a different secret") {
    auth::CredentialStore other;
    other.Add("AKIDEXAMPLE", "not-the-secret", "123456789012");
    auth::Verifier v2(other, {});
    auto e = ExpectError(v2, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message == kMismatch);
    CHECK(e.query_code == "SignatureDoesNotMatch");
  }
  SECTION("an access key id not in the credentials file") {
    auth::CredentialStore empty;
    auth::Verifier v2(empty, {});
    auto e = ExpectError(v2, r, now);
    CHECK(e.type == "UnrecognizedClientException");
    CHECK(e.message == "The security token included in the request is invalid.");
    CHECK(e.query_code == "InvalidClientTokenId");
    CHECK(e.query_http_status == 403);
  }
  SECTION("a signed header changed after signing") {
    *r.header("x-amz-target") = "Logs_20140328.DeleteLogGroup";
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("a different Host") {
    *r.header("host") = "127.0.0.1:4589";
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("a signed header removed") {
    r.erase("amz-sdk-invocation-id");
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("a different path or query") {
    r.target = "/?x=1";
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("the region in the scope changed (signature made for us-east-1)") {
    std::string& a = *r.header("authorization");
    a.replace(a.find("us-east-1"), 9, "eu-west-1");
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("the signature in upper case") {
    std::string& a = *r.header("authorization");
    size_t pos = a.find("Signature=") + 10;
    for (size_t i = pos; i < a.size(); ++i) a[i] = static_cast<char>(std::toupper(a[i]));
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  SECTION("a truncated signature") {
    std::string& a = *r.header("authorization");
    a.pop_back();
    CHECK(ExpectError(verifier, r, now).message == kMismatch);
  }
  // The payload hash is checked before the signature, so a signed X-Amz-Content-SHA256 that
  // lies about the body fails even if the signature was made over the lie.
  SECTION("a signed X-Amz-Content-SHA256 that is not the body's hash") {
    Vector explicit_hash = LoadVector("explicit-content-sha256");
    OwnedRequest lying = explicit_hash.request;
    lying.body += " ";
    CHECK(ExpectError(verifier, lying, explicit_hash.raw.at("epoch_seconds").get<int64_t>())
              .message == kMismatch);
    *lying.header("x-amz-content-sha256") = "UNSIGNED-PAYLOAD";
    CHECK(ExpectError(verifier, lying, explicit_hash.raw.at("epoch_seconds").get<int64_t>())
              .message == kMismatch);
  }
  SECTION("an X-Amz-Content-SHA256 added after signing") {
    r.headers.emplace_back("X-Amz-Content-SHA256", auth::Sha256Hex(r.body));
    CHECK(ExpectError(verifier, r, now).message ==
          "'X-Amz-Content-SHA256' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("an unsigned header may change (User-Agent is never signed)") {
    *r.header("user-agent") = "something else";
    CHECK(std::holds_alternative<auth::Identity>(verifier.Verify(r.view(), "logs", now)));
  }
}

TEST_CASE("SigV4 accepts a signed X-Amz-Content-SHA256 and a session token", "[security][sigv4]") {
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  for (const char* name : {"explicit-content-sha256", "session-token"}) {
    Vector v = LoadVector(name);
    INFO(name);
    CHECK(std::holds_alternative<auth::Identity>(
        verifier.Verify(v.request.view(), "logs", v.raw.at("epoch_seconds").get<int64_t>())));
  }
  SECTION("the session token is covered by the signature") {
    Vector v = LoadVector("session-token");
    *v.request.header("x-amz-security-token") = "another-token";
    auto e = ExpectError(verifier, v.request, v.raw.at("epoch_seconds").get<int64_t>());
    CHECK(e.message == kMismatch);
  }
}

TEST_CASE("SigV4 enforces the clock skew with AWS's messages", "[security][sigv4][skew]") {
  Vector v = LoadVector("put-log-events");  // X-Amz-Date 20240101T120000Z
  REQUIRE(v.raw.at("epoch_seconds").get<int64_t>() == k20240101T120000Z);
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});

  CHECK(std::holds_alternative<auth::Identity>(
      verifier.Verify(v.request.view(), "logs", k20240101T120000Z + 300)));
  CHECK(std::holds_alternative<auth::Identity>(
      verifier.Verify(v.request.view(), "logs", k20240101T120000Z - 300)));

  auto expired = ExpectError(verifier, v.request, k20240101T120000Z + 301);
  CHECK(expired.type == "InvalidSignatureException");
  CHECK(expired.query_code == "RequestExpired");
  CHECK(expired.query_http_status == 400);
  CHECK(expired.message ==
        "Signature expired: 20240101T120000Z is now earlier than 20240101T120001Z "
        "(20240101T120501Z - 5 min.)");

  auto early = ExpectError(verifier, v.request, k20240101T120000Z - 301);
  CHECK(early.type == "InvalidSignatureException");
  CHECK(early.query_code == "RequestExpired");
  CHECK(early.message ==
        "Signature not yet current: 20240101T120000Z is still later than 20240101T115959Z "
        "(20240101T115459Z + 5 min.)");

  SECTION("the limit is configurable") {
    auth::SigV4Options options;
    options.max_skew_seconds = 900;
    auth::Verifier wide(store, options);
    CHECK(std::holds_alternative<auth::Identity>(
        wide.Verify(v.request.view(), "logs", k20240101T120000Z + 899)));
    CHECK(ExpectError(wide, v.request, k20240101T120000Z + 901).message ==
          "Signature expired: 20240101T120000Z is now earlier than 20240101T120001Z "
          "(20240101T121501Z - 15 min.)");
    options.max_skew_seconds = 90;
    auth::Verifier odd(store, options);
    CHECK(ExpectError(odd, v.request, k20240101T120000Z + 91).message ==
          "Signature expired: 20240101T120000Z is now earlier than 20240101T120001Z "
          "(20240101T120131Z - 90 sec.)");
  }
  SECTION("a tampered old request reports the signature mismatch, not the time") {
    OwnedRequest r = v.request;
    r.body += "x";
    CHECK(ExpectError(verifier, r, k20240101T120000Z + 10'000).message == kMismatch);
  }
}

TEST_CASE("SigV4 reports missing and malformed authentication like AWS",
          "[security][sigv4][parse]") {
  Vector v = LoadVector("put-log-events");
  const int64_t now = v.raw.at("epoch_seconds").get<int64_t>();
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  OwnedRequest r = v.request;
  std::string& a = *r.header("authorization");

  SECTION("no Authorization header") {
    r.erase("authorization");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "MissingAuthenticationTokenException");
    CHECK(e.message == "Missing Authentication Token");
    CHECK(e.query_code == "MissingAuthenticationToken");
    CHECK(e.query_http_status == 403);
  }
  SECTION("a Bearer token") {
    a = "Bearer abc";
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "IncompleteSignatureException");
    CHECK(e.query_code == "IncompleteSignature");
    CHECK(e.query_http_status == 400);
    CHECK(e.message ==
          "Authorization header requires 'Credential' parameter. Authorization header requires "
          "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
          "Authorization=Bearer abc");
  }
  SECTION("no Signature parameter") {
    a = a.substr(0, a.find(", Signature="));
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "IncompleteSignatureException");
    CHECK(e.message.rfind("Authorization header requires 'Signature' parameter. Authorization=",
                          0) == 0);
  }
  SECTION("neither X-Amz-Date nor Date") {
    r.erase("x-amz-date");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "IncompleteSignatureException");
    CHECK(e.message.rfind("Authorization header requires existence of either a 'X-Amz-Date' or "
                          "a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=",
                          0) == 0);
  }
  SECTION("a Credential with four elements") {
    a.replace(a.find("/logs/aws4_request"), 18, "/aws4_request");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "IncompleteSignatureException");
    CHECK(e.message ==
          "Credential must have exactly 5 slash-delimited elements, e.g. "
          "keyid/date/region/service/term, got 'AKIDEXAMPLE/20240101/us-east-1/aws4_request'");
  }
  SECTION("a wrong terminator") {
    a.replace(a.find("aws4_request"), 12, "aws5_request");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message ==
          "Credential should be scoped with a valid terminator: 'aws4_request', not "
          "'aws5_request'.");
  }
  SECTION("a Logs request scoped to another service") {
    a.replace(a.find("/logs/"), 6, "/monitoring/");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message == "Credential should be scoped to correct service: 'logs'.");
  }
  SECTION("a region that cannot be one") {
    a.replace(a.find("us-east-1"), 9, "US_EAST_1");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message == "Credential should be scoped to a valid region.");
  }
  SECTION("a scope date that is not the request date") {
    a.replace(a.find("/20240101/"), 10, "/20231231/");
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message ==
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
          "HTTP: '20231231' != '20240101', from '20240101T120000Z'.");
  }
  SECTION("an X-Amz-Date that is not a date") {
    *r.header("x-amz-date") = "2024-01-01T12:00:00Z";
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "IncompleteSignatureException");
    CHECK(e.message ==
          "Date must be in ISO-8601 'basic format'. Got '2024-01-01T12:00:00Z'. See "
          "http://en.wikipedia.org/wiki/ISO_8601");
  }
  SECTION("an X-Amz-Date on February 30th") {
    *r.header("x-amz-date") = "20240230T120000Z";
    CHECK(ExpectError(verifier, r, now).type == "IncompleteSignatureException");
  }
  SECTION("control bytes and non-ASCII in the header are not echoed raw") {
    a = std::string("Bearer \x01\xff\xfe", 10);
    auto e = ExpectError(verifier, r, now);
    CHECK(e.message.find("Authorization=Bearer ???") != std::string::npos);
  }
}

TEST_CASE("SigV4 refuses a signature that leaves out a header choosing the operation",
          "[security][sigv4][signed-headers]") {
  Vector v = LoadVector("put-log-events");
  const int64_t now = v.raw.at("epoch_seconds").get<int64_t>();
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  OwnedRequest r = v.request;
  std::string& a = *r.header("authorization");
  // Drops `name` from SignedHeaders (the signature no longer matters: this check comes first).
  auto unsign = [&a](const std::string& name) {
    size_t pos = a.find(name);
    REQUIRE(pos != std::string::npos);
    a.erase(pos, name.size() + (a[pos + name.size()] == ';' ? 1 : 0));
    if (a[pos - 1] == ';' && a[pos] == ',') a.erase(pos - 1, 1);
  };
  auto expect_unsigned = [&](const std::string& message) {
    auto e = ExpectError(verifier, r, now);
    CHECK(e.type == "InvalidSignatureException");
    CHECK(e.message == message);
    CHECK(e.http_status == 400);
    CHECK(e.query_code == "SignatureDoesNotMatch");
    CHECK(e.query_http_status == 403);
  };

  SECTION("X-Amz-Target") {
    unsign(";x-amz-target");
    REQUIRE(a.find("SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-type;host;"
                   "x-amz-date, ") != std::string::npos);
    expect_unsigned("'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("Content-Type") {
    unsign("content-type;");
    expect_unsigned("'Content-Type' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("Host, whether sent or not") {
    unsign("host;");
    expect_unsigned("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    r.erase("host");
    expect_unsigned("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("X-Amz-Date") {
    unsign("x-amz-date;");
    expect_unsigned("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("any x-amz-* header, Content-Encoding and smithy-protocol, named as sent") {
    for (const char* name :
         {"x-amz-security-token", "X-Amz-Whatever", "Content-Encoding", "smithy-protocol"}) {
      OwnedRequest added = r;
      added.headers.emplace_back(name, "v");
      auto e = ExpectError(verifier, added, now);
      CHECK(e.type == "InvalidSignatureException");
      CHECK(e.message ==
            std::string("'") + name + "' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }
  SECTION("Date when it gives the request time") {
    r.erase("x-amz-date");
    r.headers.emplace_back("Date", "Mon, 01 Jan 2024 12:00:00 GMT");
    expect_unsigned("'Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  SECTION("headers proxies add, and Date next to X-Amz-Date, need no signature") {
    for (const char* name :
         {"X-Amzn-Trace-Id", "X-Forwarded-For", "Forwarded", "Via", "Date", "Accept", "Expect"}) {
      r.headers.emplace_back(name, "x");
    }
    CHECK(std::holds_alternative<auth::Identity>(verifier.Verify(r.view(), "logs", now)));
  }
}

TEST_CASE("SigV4 refuses a second Authorization header", "[security][sigv4][parse]") {
  Vector v = LoadVector("put-log-events");
  const int64_t now = v.raw.at("epoch_seconds").get<int64_t>();
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  OwnedRequest r = v.request;
  const std::string a = *r.header("authorization");
  r.headers.emplace_back("authorization", a);
  auto e = ExpectError(verifier, r, now);
  CHECK(e.type == "IncompleteSignatureException");
  CHECK(e.query_code == "IncompleteSignature");
  CHECK(e.message ==
        "'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) in "
        "Authorization header: '" +
            a + "," + a + "'.");
  r.headers.back().second = "Bearer x";
  CHECK(ExpectError(verifier, r, now).message ==
        "'Bearer' not a valid key=value pair (missing equal-sign) in Authorization header: '" + a +
            ",Bearer x'.");
}

TEST_CASE("SigV4 checks the scope against the service the caller names", "[security][sigv4]") {
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  Vector metrics = LoadVector("metrics-query-form");
  const int64_t now = metrics.raw.at("epoch_seconds").get<int64_t>();
  CHECK(std::holds_alternative<auth::Identity>(
      verifier.Verify(metrics.request.view(), "monitoring", now)));
  CHECK(ExpectError(verifier, metrics.request, now).message ==
        "Credential should be scoped to correct service: 'logs'.");
}

TEST_CASE("SigV4 falls back to the Date header when X-Amz-Date is absent", "[security][sigv4]") {
  // Signature computed independently (python hmac) over this exact canonical request.
  OwnedRequest r;
  r.headers = {{"Host", "127.0.0.1:4588"},
               {"Date", "Mon, 01 Jan 2024 12:00:00 GMT"},
               {"X-Amz-Target", "Logs_20140328.DescribeLogGroups"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/logs/aws4_request,"
                "SignedHeaders=date;host;x-amz-target,"
                "Signature=369ccf0b64eff60a8f5fac80e7644226adf28307b2dcba72bfd160f2634dc99f"}};
  r.body = "{}";
  auth::CredentialStore store = ExampleStore();
  auth::Verifier verifier(store, {});
  auto result = verifier.Verify(r.view(), "logs", k20240101T120000Z);
  if (auto* e = std::get_if<auth::AuthError>(&result)) FAIL(e->type << ": " << e->message);
  CHECK(std::get<auth::Identity>(result).region == "us-east-1");
}

TEST_CASE("SigV4 date helpers parse and format exactly", "[security][sigv4]") {
  CHECK(auth::ParseAmzDate("20240101T120000Z") == k20240101T120000Z);
  CHECK(auth::ParseAmzDate("19700101T000000Z") == 0);
  CHECK(auth::ParseAmzDate("20240229T000000Z").has_value());
  CHECK_FALSE(auth::ParseAmzDate("20230229T000000Z").has_value());
  CHECK_FALSE(auth::ParseAmzDate("20240101T250000Z").has_value());
  CHECK_FALSE(auth::ParseAmzDate("20240101T120000").has_value());
  CHECK_FALSE(auth::ParseAmzDate("2024010xT120000Z").has_value());
  CHECK_FALSE(auth::ParseAmzDate("").has_value());
  CHECK(auth::FormatAmzDate(k20240101T120000Z) == "20240101T120000Z");
  CHECK(auth::FormatAmzDate(0) == "19700101T000000Z");
  CHECK(auth::FormatAmzDate(-1) == "19691231T235959Z");
  CHECK(auth::ParseHttpDate("Mon, 01 Jan 2024 12:00:00 GMT") == k20240101T120000Z);
  CHECK_FALSE(auth::ParseHttpDate("Mon, 01 Foo 2024 12:00:00 GMT").has_value());
  CHECK_FALSE(auth::ParseHttpDate("Mon, 01 Jan 2024 12:00:00 UTC").has_value());
}

TEST_CASE("SigV4 canonical pieces follow botocore's rules", "[security][sigv4]") {
  CHECK(auth::CanonicalUri("") == "/");
  CHECK(auth::CanonicalUri("/") == "/");
  CHECK(auth::CanonicalUri("/a/./b/../c//d%2Fe~f") == "/a/c/d%252Fe~f");
  CHECK(auth::CanonicalUri("/a/b/") == "/a/b/");
  CHECK(auth::CanonicalUri("/../..") == "/");
  CHECK(auth::CanonicalUri("/sp ace") == "/sp%20ace");
  CHECK(auth::CanonicalQueryString("b=2&a=1&c=x%20y&a=0&empty=") == "a=0&a=1&b=2&c=x%20y&empty=");
  CHECK(auth::CanonicalQueryString("novalue") == "novalue=");
  CHECK(auth::CanonicalQueryString("k=%7e%zz") == "k=~%25zz");
  CHECK(auth::CanonicalHeaderValue("  a   b \t c  ") == "a b c");
  CHECK(auth::CanonicalHeaderValue("").empty());
  CHECK(auth::ConstantTimeEquals("abc", "abc"));
  CHECK_FALSE(auth::ConstantTimeEquals("abc", "abd"));
  CHECK_FALSE(auth::ConstantTimeEquals("abc", "abcd"));
  CHECK(auth::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("SigV4 parser accepts ',' with or without a space and reads the region leniently",
          "[security][sigv4][parse]") {
  auto parsed = auth::ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=K/20240101/eu-west-1/logs/aws4_request,SignedHeaders=host;"
      "X-Amz-Date,Signature=ab");
  REQUIRE(std::holds_alternative<auth::AuthorizationHeader>(parsed));
  const auto& h = std::get<auth::AuthorizationHeader>(parsed);
  CHECK(h.access_key_id == "K");
  CHECK(h.region == "eu-west-1");
  CHECK(h.signed_header_names == std::vector<std::string>{"host", "x-amz-date"});
  CHECK(h.signature == "ab");
  CHECK(auth::RegionFromAuthorization(
            "AWS4-HMAC-SHA256 Credential=K/20240101/ap-south-2/logs/aws4_request, Signature=x") ==
        "ap-south-2");
  CHECK_FALSE(auth::RegionFromAuthorization("Bearer x").has_value());
  CHECK_FALSE(auth::RegionFromAuthorization("Credential=K/d").has_value());
  CHECK_FALSE(auth::RegionFromAuthorization("Credential=K/d/Bad_Region/x").has_value());
}
