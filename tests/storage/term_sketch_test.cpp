#include "storage/term_sketch.h"

#include <random>
#include <string>
#include <vector>

#include "storage/log_store.h"
#include "tests/catch2.h"

namespace cwlogd::storage {
namespace {

uint64_t MessageBytes(const std::vector<InputEvent>& events) {
  uint64_t n = 0;
  for (const auto& e : events) n += e.message.size();
  return n;
}

std::vector<InputEvent> RandomEvents(std::mt19937& rng, size_t count, size_t max_size) {
  std::vector<InputEvent> events;
  for (size_t i = 0; i < count; ++i) {
    std::string message(1 + rng() % max_size, '\0');
    // Mostly letters, some bytes of every value (UTF-8 continuation bytes, NUL, 0xFF).
    for (char& c : message) {
      c = rng() % 8 == 0 ? static_cast<char>(rng() % 256) : static_cast<char>('a' + rng() % 26);
    }
    events.push_back({static_cast<int64_t>(i), std::move(message)});
  }
  return events;
}

TEST_CASE("A term sketch never rules out a term that occurs in a message", "[storage][sketch]") {
  std::mt19937 rng(11);
  // Batch sizes that give every sketch size from the smallest to the largest.
  for (size_t count : {40, 150, 600, 2500}) {
    const auto events = RandomEvents(rng, count, 120);
    std::string stored;
    TermSketch::Append(events, MessageBytes(events), &stored);
    auto sketch = TermSketch::Parse(stored);
    REQUIRE(sketch.has_value());
    for (const auto& e : events) {
      for (size_t len = 1; len <= 16 && len <= e.message.size(); ++len) {
        const size_t start = rng() % (e.message.size() - len + 1);
        INFO("count " << count << ", term length " << len);
        REQUIRE(sketch->MayContain(std::string_view(e.message).substr(start, len)));
      }
    }
  }
}

TEST_CASE("A term sketch rules out terms absent from nginx-like lines", "[storage][sketch]") {
  std::vector<InputEvent> events;
  std::mt19937 rng(3);
  for (int i = 0; i < 1000; ++i) {
    events.push_back({i, std::to_string(10 + rng() % 200) + "." + std::to_string(rng() % 256) +
                             ".0.1 - - [30/Nov/2026:15:00:00 +0000] \"GET /api/v1/users/" +
                             std::to_string(rng() % 100000) + " HTTP/1.1\" 200 " +
                             std::to_string(rng() % 60000) + " \"-\" \"curl/8.4.0\""});
  }
  std::string stored;
  TermSketch::Append(events, MessageBytes(events), &stored);
  auto sketch = TermSketch::Parse(stored);
  REQUIRE(sketch.has_value());
  CHECK(stored.size() == 2 + 2048);  // the largest sketch: 16,384 bits
  CHECK(sketch->MayContain("GET /api/v1/users/"));
  CHECK(sketch->MayContain("curl"));
  CHECK_FALSE(sketch->MayContain("RAREPANIC"));
  CHECK_FALSE(sketch->MayContain("Exception"));
  CHECK_FALSE(sketch->MayContain("POST"));
  CHECK(sketch->MayContain("ab"));  // under three bytes: always "maybe"
  CHECK(sketch->MayContain(""));
}

TEST_CASE("Small chunks get no sketch; malformed sketches read as none", "[storage][sketch]") {
  std::vector<InputEvent> small = {{1, std::string(TermSketch::kMinMessageBytes - 1, 'x')}};
  std::string stored = "keep";
  TermSketch::Append(small, MessageBytes(small), &stored);
  CHECK(stored == "keep");  // nothing appended

  CHECK_FALSE(TermSketch::Parse("").has_value());
  std::vector<InputEvent> big = {{1, std::string(4096, 'y')}};
  std::string good;
  TermSketch::Append(big, MessageBytes(big), &good);
  REQUIRE(TermSketch::Parse(good).has_value());
  std::string wrong_tag = good;
  wrong_tag[0] = 'X';
  CHECK_FALSE(TermSketch::Parse(wrong_tag).has_value());
  std::string wrong_size = good.substr(0, good.size() - 1);
  CHECK_FALSE(TermSketch::Parse(wrong_size).has_value());
  std::string wrong_log2 = good;
  wrong_log2[1] = 40;
  CHECK_FALSE(TermSketch::Parse(wrong_log2).has_value());
}

}  // namespace
}  // namespace cwlogd::storage
