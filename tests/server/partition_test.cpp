#include "server/partition.h"

#include <optional>
#include <string>

#include "tests/catch2.h"

using cwlogd::server::ParseSigV4Authorization;
using cwlogd::server::PartitionFromAuthorization;

namespace {
constexpr const char* kBotocoreHeader =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-2/logs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
    "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
}

TEST_CASE("ParseSigV4Authorization reads every part of a botocore header", "[server][partition]") {
  auto auth = ParseSigV4Authorization(kBotocoreHeader);
  REQUIRE(auth);
  CHECK(auth->access_key_id == "AKIDEXAMPLE");
  CHECK(auth->date == "20240101");
  CHECK(auth->region == "eu-west-2");
  CHECK(auth->service == "logs");
  CHECK(auth->signed_headers == "content-type;host;x-amz-date;x-amz-target");
  CHECK(auth->signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST_CASE("ParseSigV4Authorization accepts ',' without a space and extra blanks",
          "[server][partition]") {
  auto auth = ParseSigV4Authorization(
      "  AWS4-HMAC-SHA256   Credential=123456789012/20240101/ap-south-1/monitoring/aws4_request,"
      "SignedHeaders=host,Signature=abcd  ");
  REQUIRE(auth);
  CHECK(auth->access_key_id == "123456789012");
  CHECK(auth->region == "ap-south-1");
  CHECK(auth->service == "monitoring");
  CHECK(auth->signed_headers == "host");
  CHECK(auth->signature == "abcd");
}

TEST_CASE("ParseSigV4Authorization rejects malformed headers and says why", "[server][partition]") {
  auto [header, why] = GENERATE(table<std::string, std::string>({
      {"", "scheme"},
      {"Bearer abc", "scheme"},
      {"AWS4-HMAC-SHA256", "scheme"},
      {"AWS4-HMAC-SHA256X Credential=a/b/c/d/aws4_request", "scheme"},
      {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab", "Credential"},
      {"AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/logs/aws4_request, Signature=ab",
       "SignedHeaders"},
      {"AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/logs/aws4_request, SignedHeaders=host",
       "Signature"},
      {"AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/logs/aws4_request, SignedHeaders=host, "
       "Signature=",
       "Signature"},
      {"AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/aws4_request, SignedHeaders=h, "
       "Signature=s",
       "scoped"},
      {"AWS4-HMAC-SHA256 Credential=k/20240101/us-east-1/logs/other, SignedHeaders=h, "
       "Signature=s",
       "scoped"},
      {"AWS4-HMAC-SHA256 Credential=k//us-east-1/logs/aws4_request, SignedHeaders=h, "
       "Signature=s",
       "scoped"},
      {"AWS4-HMAC-SHA256 Credential=k/d/r/s/aws4_request/x, SignedHeaders=h, Signature=s",
       "scoped"},
      {"AWS4-HMAC-SHA256 garbage", "'='"},
      {"AWS4-HMAC-SHA256 ,,,,", "Credential"},
  }));
  CAPTURE(header);
  std::string error;
  CHECK_FALSE(ParseSigV4Authorization(header, &error));
  CHECK_THAT(error, ContainsSubstring(why));
}

TEST_CASE("PartitionFromAuthorization takes the region from the credential scope",
          "[server][partition]") {
  auto p = PartitionFromAuthorization(std::string_view(kBotocoreHeader));
  CHECK(p.region == "eu-west-2");
  CHECK(p.account == "000000000000");  // AKIDEXAMPLE is not 12 digits
}

TEST_CASE("PartitionFromAuthorization uses a 12-digit access key as the account",
          "[server][partition]") {
  auto p = PartitionFromAuthorization(std::string_view(
      "AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-west-2/logs/aws4_request, "
      "SignedHeaders=host, Signature=ab"));
  CHECK(p.account == "123456789012");
  CHECK(p.region == "us-west-2");

  SECTION("11, 13 digits or non-digits are not an account") {
    for (const char* key : {"12345678901", "1234567890123", "12345678901a", "test", "１２"}) {
      CAPTURE(key);
      std::string header = std::string("AWS4-HMAC-SHA256 Credential=") + key +
                           "/20240101/us-west-2/logs/aws4_request, SignedHeaders=host, "
                           "Signature=ab";
      CHECK(PartitionFromAuthorization(std::string_view(header)).account == "000000000000");
    }
  }
}

TEST_CASE("PartitionFromAuthorization falls back to the default partition on garbage",
          "[server][partition]") {
  CHECK(PartitionFromAuthorization(std::nullopt).region == "us-east-1");
  CHECK(PartitionFromAuthorization(std::nullopt).account == "000000000000");
  for (const std::string& header :
       {std::string(""), std::string("garbage"), std::string("AWS4-HMAC-SHA256 Credential=///", 31),
        std::string("AWS4-HMAC-SHA256 Credential=\0\0\0", 31), std::string(10000, ','),
        std::string(10000, '/')}) {
    auto p = PartitionFromAuthorization(std::string_view(header));
    CHECK(p.region == "us-east-1");
    CHECK(p.account == "000000000000");
  }
}

TEST_CASE("PartitionFromAuthorization ignores a region that could not be one",
          "[server][partition]") {
  for (const char* region : {"US-EAST-1", "us east 1", "eu-west-1\n", "a/b",
                             "abcdefghijklmnopqrstuvwxyzabcdefg" /* 33 */}) {
    CAPTURE(region);
    std::string header = std::string("AWS4-HMAC-SHA256 Credential=AKID/20240101/") + region +
                         "/logs/aws4_request, SignedHeaders=host, Signature=ab";
    CHECK(PartitionFromAuthorization(std::string_view(header)).region == "us-east-1");
  }
}
