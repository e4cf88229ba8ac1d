#include "agent/batcher.h"

#include <nlohmann/json.hpp>

#include "tests/catch2.h"

using namespace cwlogd::agent;

TEST_CASE("A batch stops at 10,000 events", "[agent][batch]") {
  Batch b(kMaxBatchEvents, kMaxBatchBytes);
  for (int i = 0; i < kMaxBatchEvents; ++i) {
    Event e{1000, "x"};
    REQUIRE(b.Fits(e));
    b.Add(std::move(e));
  }
  REQUIRE_FALSE(b.Fits(Event{1000, "x"}));
}

TEST_CASE("A batch counts 26 bytes per event against 1,048,576", "[agent][batch]") {
  Batch b(kMaxBatchEvents, kMaxBatchBytes);
  const std::string msg(1024 - 26, 'a');  // 1 KiB with the overhead
  for (int i = 0; i < 1024; ++i) {
    REQUIRE(b.Fits(Event{1, msg}));
    b.Add(Event{1, msg});
  }
  REQUIRE(b.bytes() == kMaxBatchBytes);
  REQUIRE_FALSE(b.Fits(Event{1, "a"}));
}

TEST_CASE("A batch spans less than 24 hours", "[agent][batch]") {
  Batch b(kMaxBatchEvents, kMaxBatchBytes);
  b.Add(Event{kMaxBatchSpanMs, "a"});
  REQUIRE(b.Fits(Event{1, "b"}));
  REQUIRE_FALSE(b.Fits(Event{0, "b"}));
  REQUIRE_FALSE(b.Fits(Event{2 * kMaxBatchSpanMs, "b"}));
}

TEST_CASE("The body sorts events by timestamp, keeping file order for equal stamps",
          "[agent][batch]") {
  Batch b(kMaxBatchEvents, kMaxBatchBytes);
  b.Add(Event{30, "third"});
  b.Add(Event{10, "first \"quoted\"\n\tline"});
  b.Add(Event{20, "second-a"});
  b.Add(Event{20, "second-b \x01"});
  const auto j = nlohmann::json::parse(b.Body("grp", "str\\m"));
  REQUIRE(j["logGroupName"] == "grp");
  REQUIRE(j["logStreamName"] == "str\\m");
  const auto& ev = j["logEvents"];
  REQUIRE(ev.size() == 4);
  REQUIRE(ev[0]["message"] == "first \"quoted\"\n\tline");
  REQUIRE(ev[1]["message"] == "second-a");
  REQUIRE(ev[2]["message"] == "second-b \x01");
  REQUIRE(ev[3]["timestamp"] == 30);
}

TEST_CASE("Messages become valid UTF-8 within 256 KiB", "[agent][batch]") {
  REQUIRE(SanitizeMessage("caf\xC3\xA9", false) == "caf\xC3\xA9");
  REQUIRE(SanitizeMessage("bad \xFF byte", false) == "bad \xEF\xBF\xBD byte");
  REQUIRE(SanitizeMessage("\xC3", false) == "\xEF\xBF\xBD");
  REQUIRE(SanitizeMessage("caf\xE9", true) == "caf\xC3\xA9");
  const std::string big(300000, 'z');
  REQUIRE(SanitizeMessage(big, false).size() == kMaxMessageBytes);
  std::string euros;
  for (int i = 0; i < 100000; ++i) euros += "\xE2\x82\xAC";
  const std::string cut = SanitizeMessage(euros, false);
  REQUIRE(cut.size() <= kMaxMessageBytes);
  REQUIRE(cut.size() % 3 == 0);
}
