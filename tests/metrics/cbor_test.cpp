#include "server/cloudwatch/cbor.h"

#include <cmath>
#include <optional>
#include <random>
#include <string>

#include "server/cloudwatch/shapes.h"
#include "tests/catch2.h"

using cwlogd::server::cloudwatch::CborLimits;
using cwlogd::server::cloudwatch::DecodeCbor;
using cwlogd::server::cloudwatch::EncodeCbor;
using nlohmann::json;

namespace {

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

json MustDecode(std::string_view hex) {
  std::string error;
  auto v = DecodeCbor(Hex(hex), &error);
  INFO(hex << ": " << error);
  REQUIRE(v.has_value());
  return *v;
}

std::string DecodeError(std::string_view bytes, const CborLimits& limits = {}) {
  std::string error;
  auto v = DecodeCbor(bytes, &error, limits);
  if (v.has_value()) return "";
  return error.empty() ? "?" : error;
}

}  // namespace

TEST_CASE("CBOR decoder reads the RFC 8949 integer and float examples", "[metrics][cbor]") {
  CHECK(MustDecode("00") == 0);
  CHECK(MustDecode("17") == 23);
  CHECK(MustDecode("1818") == 24);
  CHECK(MustDecode("1903e8") == 1000);
  CHECK(MustDecode("1bffffffffffffffff").get<uint64_t>() == 18446744073709551615ull);
  CHECK(MustDecode("20") == -1);
  CHECK(MustDecode("3863") == -100);
  CHECK(MustDecode("3bffffffffffffffff").get<double>() == Approx(-18446744073709551616.0));
  CHECK(MustDecode("f93c00").get<double>() == 1.0);
  CHECK(MustDecode("f9c400").get<double>() == -4.0);
  CHECK(MustDecode("f90001").get<double>() == Approx(5.960464477539063e-8));
  CHECK(std::isinf(MustDecode("f97c00").get<double>()));
  CHECK(std::isnan(MustDecode("f97e00").get<double>()));
  CHECK(MustDecode("fa47c35000").get<double>() == 100000.0);
  CHECK(MustDecode("fb3ff199999999999a").get<double>() == 1.1);
  CHECK(MustDecode("f4") == false);
  CHECK(MustDecode("f5") == true);
  CHECK(MustDecode("f6").is_null());
  CHECK(MustDecode("f7").is_null());
}

TEST_CASE("CBOR decoder reads tag 1 timestamps as epoch seconds", "[metrics][cbor]") {
  CHECK(MustDecode("c11a514b67b0") == 1363896240);
  CHECK(MustDecode("c1fb41d452d9ec200000").get<double>() == 1363896240.5);
  // botocore: tag 1 + integer inside a map member.
  json m = MustDecode("a16954696d657374616d70c11a6553f100");
  CHECK(m["Timestamp"] == 1700000000);
}

TEST_CASE("CBOR decoder accepts definite and indefinite strings, arrays and maps",
          "[metrics][cbor]") {
  CHECK(MustDecode("6449455446") == "IETF");
  CHECK(MustDecode("62c3bc") == "\xc3\xbc");
  CHECK(MustDecode("7f657374726561646d696e67ff") == "streaming");
  CHECK(MustDecode("5f42010243030405ff").get_binary().size() == 5);
  CHECK(MustDecode("9fff") == json::array());
  CHECK(MustDecode("9f018202039f0405ffff") == json::parse("[1,[2,3],[4,5]]"));
  CHECK(MustDecode("bf61610161629f0203ffff") == json::parse(R"({"a":1,"b":[2,3]})"));
  CHECK(MustDecode("a26161016162820203") == json::parse(R"({"a":1,"b":[2,3]})"));
  CHECK(MustDecode("826161a161626163") == json::parse(R"(["a",{"b":"c"}])"));
  CHECK(MustDecode("bf6346756ef563416d7421ff") == json::parse(R"({"Fun":true,"Amt":-2})"));
}

TEST_CASE("CBOR decoder refuses malformed input without crashing", "[metrics][cbor]") {
  CHECK_FALSE(DecodeError("").empty());                         // nothing
  CHECK_FALSE(DecodeError(Hex("1c")).empty());                  // reserved additional info
  CHECK_FALSE(DecodeError(Hex("ff")).empty());                  // lone break
  CHECK_FALSE(DecodeError(Hex("1903")).empty());                // truncated argument
  CHECK_FALSE(DecodeError(Hex("0000")).empty());                // trailing bytes
  CHECK_FALSE(DecodeError(Hex("6461")).empty());                // string past the end
  CHECK_FALSE(DecodeError(Hex("9b7fffffffffffffff")).empty());  // absurd array length
  CHECK_FALSE(DecodeError(Hex("bb7fffffffffffffff")).empty());  // absurd map length
  CHECK_FALSE(DecodeError(Hex("a10102")).empty());              // integer map key
  CHECK_FALSE(DecodeError(Hex("62c328")).empty());              // invalid UTF-8
  CHECK_FALSE(DecodeError(Hex("c16161")).empty());              // tag 1 around a string
  CHECK_FALSE(DecodeError(Hex("5f6161ff")).empty());            // text chunk in a byte string
  CHECK_FALSE(DecodeError(Hex("7f5f")).empty());                // nested indefinite chunk
  CHECK_FALSE(DecodeError(Hex("9f01")).empty());                // unterminated array
  CHECK_FALSE(DecodeError(Hex("bf6161")).empty());              // map key without value
  CHECK_FALSE(DecodeError(Hex("f818")).empty());                // simple value 24 unsupported
  CHECK_FALSE(DecodeError(Hex("1f")).empty());                  // indefinite integer
  std::string deep(10000, static_cast<char>(0x81));
  deep.push_back(0x00);
  CHECK(DecodeError(deep).find("deep") != std::string::npos);
  CborLimits small;
  small.max_string_bytes = 4;
  CHECK_FALSE(DecodeError(Hex("6568656c6c6f"), small).empty());
}

TEST_CASE("CBOR decoder never reads a map that repeats a key as one of its values",
          "[metrics][cbor]") {
  // Asked for the repeated key: decoding goes on and names the first in document order.
  auto repeated = [](std::string_view hex, std::optional<std::string>* key) {
    std::string error;
    auto v = DecodeCbor(Hex(hex), &error, {}, key);
    INFO(hex << ": " << error);
    return v.has_value();
  };
  std::optional<std::string> key;
  CHECK(repeated("a2616101616102", &key));  // {"a":1,"a":2}
  CHECK(key == "a");
  key.reset();
  CHECK(repeated("a36178a2616201616202616101616102", &key));  // {"x":{"b":1,"b":2},"a":1,"a":2}
  CHECK(key == "b");
  key.reset();
  CHECK(repeated("a26161016161a2616201616202", &key));  // {"a":1,"a":{"b":1,"b":2}}
  CHECK(key == "a");
  key.reset();
  CHECK(repeated("bf616101616102ff", &key));  // indefinite-length map
  CHECK(key == "a");
  key.reset();
  CHECK(repeated("a26161017f6161ff02", &key));  // the second "a" in chunks
  CHECK(key == "a");
  key.reset();
  CHECK(repeated("a2616101616202", &key));  // {"a":1,"b":2}
  CHECK_FALSE(key.has_value());
  // Malformed input stays malformed whatever repeats before the error.
  CHECK_FALSE(repeated("a3616101616102", &key));
  // Not asked: a repeated key is malformed input.
  CHECK(DecodeError(Hex("a2616101616102")).find("map key 'a' repeated") != std::string::npos);
  CHECK(MustDecode("82a1616101a1616102") == json::parse(R"([{"a":1},{"a":2}])"));
}

TEST_CASE("CBOR decoder survives random and mutated input", "[metrics][cbor]") {
  std::mt19937 rng(12345);
  const std::string seed =
      EncodeCbor(json::parse(R"({"Namespace":"ns1","MetricData":[{"MetricName":"m","Value":1.5,
                      "Timestamp":1700000000,"Dimensions":[{"Name":"a","Value":"b"}],
                      "Values":[1,2.5,-3],"Flag":true,"Nothing":null}]})"),
                 &cwlogd::server::cloudwatch::IsTimestampMember);
  REQUIRE(DecodeCbor(seed, nullptr).has_value());
  for (int i = 0; i < 20000; ++i) {
    std::string input = seed;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = rng() % input.size();
      switch (rng() % 3) {
        case 0:
          input[pos] = static_cast<char>(rng());
          break;
        case 1:
          input.erase(pos, 1 + rng() % 3);
          break;
        default:
          input.insert(pos, 1, static_cast<char>(rng()));
          break;
      }
      // push_back: assigning the literal "\x01" trips GCC 12's false -Wrestrict warning.
      if (input.empty()) input.push_back('\x01');
    }
    std::string error;
    (void)DecodeCbor(input, &error);  // must simply not crash (ASan/UBSan builds check more)
  }
  for (int i = 0; i < 5000; ++i) {
    std::string input(1 + rng() % 64, '\0');
    for (auto& c : input) c = static_cast<char>(rng());
    (void)DecodeCbor(input, nullptr);
  }
  SUCCEED();
}

TEST_CASE("CBOR encoder writes definite lengths, float64 and tag 1 timestamps", "[metrics][cbor]") {
  CHECK(ToHex(EncodeCbor(json(0))) == "00");
  CHECK(ToHex(EncodeCbor(json(1000))) == "1903e8");
  CHECK(ToHex(EncodeCbor(json(-100))) == "3863");
  CHECK(ToHex(EncodeCbor(json(1.5))) == "fb3ff8000000000000");
  CHECK(ToHex(EncodeCbor(json("IETF"))) == "6449455446");
  CHECK(ToHex(EncodeCbor(json::parse("[1,[2,3]]"))) == "8201820203");
  CHECK(ToHex(EncodeCbor(json(nullptr))) == "f6");
  CHECK(ToHex(EncodeCbor(json(true))) == "f5");
  const json out = {{"Timestamp", 1363896240}, {"Timestamps", {1363896240.5}}, {"Sum", 2}};
  const std::string bytes = EncodeCbor(out, &cwlogd::server::cloudwatch::IsTimestampMember);
  const std::string hex = ToHex(bytes);
  // Timestamp -> c1 fb <1363896240.0>; Timestamps -> 81 c1 fb <1363896240.5>; Sum stays 02.
  CHECK(hex.find("6954696d657374616d70c1fb41d452d9ec000000") != std::string::npos);
  CHECK(hex.find("6a54696d657374616d707381c1fb41d452d9ec200000") != std::string::npos);
  CHECK(hex.find("6353756d02") != std::string::npos);
  // And it decodes back to the same numbers.
  auto back = DecodeCbor(bytes, nullptr);
  REQUIRE(back);
  CHECK((*back)["Timestamp"].get<double>() == 1363896240.0);
  CHECK((*back)["Timestamps"][0].get<double>() == 1363896240.5);
}
