// api/detail/json_text.h: the JSON text the event-page responses are written with must parse
// back (nlohmann, strict) to exactly the strings and numbers that were written.
#include "api/detail/json_text.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/catch2.h"

namespace cwlogd::api::detail {
namespace {

std::string Quoted(std::string_view value) {
  std::string out;
  AppendJsonString(out, value);
  return out;
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[json_text]") {
  CHECK(Quoted("") == "\"\"");
  CHECK(Quoted("GET /index.html 200") == "\"GET /index.html 200\"");
  CHECK(Quoted("say \"hi\"\\") == R"("say \"hi\"\\")");
  CHECK(Quoted("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
  CHECK(Quoted(std::string("nul\0x\x1f", 6)) == R"("nul\u0000x\u001f")");
  CHECK(Quoted("del \x7f stays") == "\"del \x7f stays\"");
  CHECK(Quoted("/slash/") == "\"/slash/\"");
}

TEST_CASE("JSON strings copy valid UTF-8 and replace invalid bytes", "[json_text]") {
  CHECK(Quoted("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  // A lone continuation byte, an overlong form, a surrogate, and a truncated sequence at the
  // end: each bad byte becomes U+FFFD, the good text around it is kept.
  CHECK(Quoted("a\x80z") == "\"a\xEF\xBF\xBDz\"");
  CHECK(Quoted("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(Quoted("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(Quoted("ok \xE2\x82") == "\"ok \xEF\xBF\xBD\xEF\xBF\xBD\"");
  // Valid text next to invalid bytes is still copied whole.
  CHECK(Quoted("\xC3\xA9\xFF\"") == "\"\xC3\xA9\xEF\xBF\xBD\\\"\"");
}

TEST_CASE("JSON text round-trips through a strict parser", "[json_text]") {
  std::mt19937 rng(7);
  const std::string alphabet[] = {
      "a",    "Z",    " ",    "\"",       "\\",           "\n",
      "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      "{",    "}"};
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) value += alphabet[rng() % std::size(alphabet)];
    std::string doc = "{\"m\":";
    AppendJsonString(doc, value);
    doc += ",\"n\":";
    const int64_t number = static_cast<int64_t>(rng()) - (int64_t{1} << 31);
    AppendJsonInt(doc, number);
    doc += '}';
    const nlohmann::json parsed = nlohmann::json::parse(doc);  // throws on bad JSON
    REQUIRE(parsed["m"].get<std::string>() == value);
    REQUIRE(parsed["n"].get<int64_t>() == number);
  }
}

TEST_CASE("Long strings escape every special byte wherever it falls in a word", "[json_text]") {
  // Valid UTF-8 is skipped 8 bytes at a time: put each escaped byte at every offset of a long
  // string, next to multi-byte characters, and compare with nlohmann's escaping.
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", " ", "\x7f", "\xC3\xA9"};
  for (const auto& special : specials) {
    for (size_t at = 0; at < 40; ++at) {
      std::string value(at, 'x');
      value += special;
      value += std::string(37 - at % 37, 'y');
      value += "\xE2\x82\xAC tail";
      CAPTURE(special, at);
      REQUIRE(Quoted(value) == nlohmann::json(value).dump());
    }
  }
}

TEST_CASE("JSON integers cover the int64 range", "[json_text]") {
  std::string out;
  AppendJsonInt(out, std::numeric_limits<int64_t>::min());
  out += ',';
  AppendJsonInt(out, 0);
  out += ',';
  AppendJsonInt(out, std::numeric_limits<int64_t>::max());
  CHECK(out == "-9223372036854775808,0,9223372036854775807");
}

}  // namespace
}  // namespace cwlogd::api::detail
