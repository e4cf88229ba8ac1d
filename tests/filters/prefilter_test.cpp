// FilterPattern::MayMatchWithin, the block prefilter FilterLogEvents scans use to skip whole
// chunks: it may say "maybe" too often, never "no" for a block holding a matching message.
#include <random>
#include <string>
#include <vector>

#include "filters/filter_pattern.h"
#include "tests/catch2.h"
#include "tests/filters/test_util.h"

namespace {

using cwlogd::filters::testing::MustParse;

TEST_CASE("Term patterns rule out blocks without their terms", "[filters][prefilter]") {
  const std::string block =
      "GET /index.html 200\x05"
      "POST /api 500 ERROR timeout\x03";
  CHECK(MustParse("ERROR").MayMatchWithin(block));
  CHECK_FALSE(MustParse("RAREPANIC").MayMatchWithin(block));
  CHECK_FALSE(MustParse("ERROR RAREPANIC").MayMatchWithin(block));
  CHECK(MustParse("?RAREPANIC ?timeout").MayMatchWithin(block));
  CHECK_FALSE(MustParse("?RAREPANIC ?FATAL").MayMatchWithin(block));
  CHECK(MustParse("\"POST /api\"").MayMatchWithin(block));
  CHECK_FALSE(MustParse("\"POST /index\"").MayMatchWithin(block));
  // Case matters, as in Matches.
  CHECK_FALSE(MustParse("error").MayMatchWithin(block));
  // An excluded term present in the block says nothing about the block's other messages.
  CHECK(MustParse("-ERROR").MayMatchWithin(block));
  CHECK(MustParse("GET -ERROR").MayMatchWithin(block));
}

TEST_CASE("Other pattern kinds never rule a block out", "[filters][prefilter]") {
  for (const char* text :
       {"", "%RARE[0-9]+%", "{ $.level = \"ERROR\" }", "[ip, user, status = 5*]"}) {
    CAPTURE(text);
    CHECK(MustParse(text).MayMatchWithin("nothing relevant here"));
  }
}

TEST_CASE("A block with a matching message is never ruled out", "[filters][prefilter]") {
  const std::vector<std::string> words = {"GET", "POST", "ERROR",      "WARN",       "timeout",
                                          "200", "500",  "user=alice", "\"quoted\"", "RAREPANIC"};
  const std::vector<std::string> patterns = {
      "ERROR",     "ERROR timeout",     "?WARN ?RAREPANIC", "GET -ERROR",  "\"user=alice\"",
      "RAREPANIC", "POST 500 -timeout", "-GET -POST",       "?ERROR -WARN"};
  std::mt19937 rng(11);
  for (const std::string& text : patterns) {
    const auto pattern = MustParse(text);
    for (int round = 0; round < 500; ++round) {
      std::string block;
      bool any_match = false;
      const int messages = 1 + static_cast<int>(rng() % 5);
      for (int m = 0; m < messages; ++m) {
        std::string message;
        for (int w = static_cast<int>(rng() % 4); w >= 0; --w) {
          message += words[rng() % words.size()] + " ";
        }
        any_match = any_match || pattern.Matches(message);
        block += message;
        block += static_cast<char>(rng() % 8);  // varint-like bytes between messages
      }
      CAPTURE(text, block);
      if (any_match) REQUIRE(pattern.MayMatchWithin(block));
    }
  }
}

}  // namespace

// MayMatchIfContains asks a summary of the block (a term sketch) about each term: the same
// rules as MayMatchWithin, with the summary's answers standing in for a search of the bytes.
TEST_CASE("Term patterns consult a block summary term by term", "[filters][prefilter]") {
  const std::vector<std::string> present = {"ERROR", "timeout", "POST /api"};
  std::vector<std::string> asked;
  auto summary = [&](std::string_view term) {
    asked.emplace_back(term);
    for (const auto& p : present) {
      if (p == term) return true;
    }
    return false;
  };
  CHECK(MustParse("ERROR timeout").MayMatchIfContains(summary));
  CHECK_FALSE(MustParse("ERROR RAREPANIC").MayMatchIfContains(summary));
  CHECK(MustParse("?RAREPANIC ?timeout").MayMatchIfContains(summary));
  CHECK_FALSE(MustParse("?RAREPANIC ?FATAL").MayMatchIfContains(summary));
  CHECK(MustParse("\"POST /api\"").MayMatchIfContains(summary));
  CHECK(MustParse("-RAREPANIC").MayMatchIfContains(summary));  // excluded terms: no verdict
  asked.clear();
  CHECK_FALSE(MustParse("RAREPANIC ERROR").MayMatchIfContains(summary));
  CHECK(asked == std::vector<std::string>{"RAREPANIC"});  // stops at the first absent term
  for (const char* text : {"", "%RARE%", "{ $.level = \"ERROR\" }", "[ip, status = 5*]"}) {
    CAPTURE(text);
    CHECK(MustParse(text).MayMatchIfContains([](std::string_view) { return false; }));
  }
}
