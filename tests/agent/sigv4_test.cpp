#include "agent/sigv4.h"

#include "tests/catch2.h"

using namespace cwlogd::agent;

TEST_CASE("SigV4 signs AWS's documented IAM example", "[agent][sigv4]") {
  SigningRequest r;
  r.method = "GET";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers = {{"host", "iam.amazonaws.com"},
               {"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"x-amz-date", "20150830T123600Z"}};
  r.amz_date = "20150830T123600Z";
  r.region = "us-east-1";
  r.service = "iam";
  const Credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  REQUIRE(SignV4(r, c) ==
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
          "SignedHeaders=content-type;host;x-amz-date, "
          "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST_CASE("SigV4 signs a PutLogEvents request as botocore does", "[agent][sigv4]") {
  const std::string body =
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"hi"}]})";
  SigningRequest r;
  r.headers = {{"x-amz-target", "Logs_20140328.PutLogEvents"},
               {"content-type", "application/x-amz-json-1.1"},
               {"host", "127.0.0.1:4588"},
               {"x-amz-date", "20150830T123600Z"}};
  r.payload = body;
  r.amz_date = "20150830T123600Z";
  r.region = "us-east-1";
  const Credentials c{"AKIACWLOGDTESTAAAAAA", "secret/A+key", ""};
  // The value botocore 1.x's SigV4Auth gives the same request.
  REQUIRE_THAT(SignV4(r, c),
               ContainsSubstring(
                   "Signature=9e6bc429c314b2967d39b6625142826c683de1a4337e8272acf527d6a72bd2c6"));
}

TEST_CASE("The credentials file's profile is read like the SDKs do", "[agent][sigv4]") {
  const std::string text =
      "[default]\naws_access_key_id = AKID1\naws_secret_access_key=SECRET1\n\n"
      "# comment\n[other]\naws_access_key_id=AKID2\naws_secret_access_key = SECRET2\n"
      "aws_session_token = TOKEN2\n[empty]\n";
  auto d = ParseCredentialsFile(text, "default");
  REQUIRE(d.has_value());
  REQUIRE(d->access_key_id == "AKID1");
  REQUIRE(d->secret_access_key == "SECRET1");
  REQUIRE(d->session_token.empty());
  auto o = ParseCredentialsFile(text, "other");
  REQUIRE(o.has_value());
  REQUIRE(o->session_token == "TOKEN2");
  REQUIRE_FALSE(ParseCredentialsFile(text, "empty").has_value());
  REQUIRE_FALSE(ParseCredentialsFile(text, "missing").has_value());
}
