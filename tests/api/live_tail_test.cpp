// The event-stream codec (vectors checked against botocore's parser) and the live-tail
// session rules: filters, the per-second sample, the slow-reader cut-off, the 3-hour limit.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/live_tail/event_stream.h"
#include "api/live_tail/live_tail_hub.h"
#include "storage/clock.h"
#include "tests/catch2.h"

namespace cwlogd::api::live_tail {
namespace {

using nlohmann::json;

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// Every message in `bytes`, decoded in order; fails the test on a malformed one.
std::vector<EventStreamMessage> DecodeAll(std::string_view bytes) {
  std::vector<EventStreamMessage> out;
  while (!bytes.empty()) {
    DecodeResult r = DecodeEventStreamMessage(bytes);
    REQUIRE(r.message.has_value());
    out.push_back(std::move(*r.message));
    bytes.remove_prefix(r.consumed);
  }
  return out;
}

// initial-response with payload {} (docs/live.md; verified with botocore 1.43's parser).
constexpr std::string_view kInitialResponseHex =
    "00000068000000564e6817240d3a6d6573736167652d747970650700056576656e740b3a6576656e742d7479"
    "7065070010696e697469616c2d726573706f6e73650d3a636f6e74656e742d747970650700106170706c6963"
    "6174696f6e2f6a736f6e7b7dfe942c1d";

TEST_CASE("Crc32 is zlib's IEEE CRC32", "[api][live_tail]") {
  CHECK(Crc32("") == 0u);
  CHECK(Crc32("123456789") == 0xcbf43926u);  // the standard check value
  CHECK(Crc32("56789", Crc32("1234")) == 0xcbf43926u);
}

TEST_CASE("An event-stream message is encoded as the AWS SDKs read it", "[api][live_tail]") {
  std::string out;
  AppendJsonEvent(&out, "initial-response", "{}");
  CHECK(out == FromHex(kInitialResponseHex));
  CHECK(out.size() == 0x68);
}

TEST_CASE("A decoded message gives back its headers and payload", "[api][live_tail]") {
  std::string bytes;
  AppendJsonEvent(&bytes, "sessionStart", R"({"sessionId":"s"})");
  AppendJsonException(&bytes, "SessionTimeoutException", "done \"now\"");
  auto messages = DecodeAll(bytes);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].StringHeader(":message-type") == "event");
  CHECK(messages[0].StringHeader(":event-type") == "sessionStart");
  CHECK(messages[0].StringHeader(":content-type") == "application/json");
  CHECK(messages[0].payload == R"({"sessionId":"s"})");
  CHECK(messages[1].StringHeader(":message-type") == "exception");
  CHECK(messages[1].StringHeader(":exception-type") == "SessionTimeoutException");
  CHECK(json::parse(messages[1].payload) == json{{"message", "done \"now\""}});
}

TEST_CASE("The decoder refuses broken messages and waits for partial ones", "[api][live_tail]") {
  const std::string good = FromHex(kInitialResponseHex);
  SECTION("a cut message needs more bytes") {
    for (size_t n : {size_t{0}, size_t{5}, size_t{12}, good.size() - 1}) {
      DecodeResult r = DecodeEventStreamMessage(std::string_view(good).substr(0, n));
      CHECK_FALSE(r.message.has_value());
      CHECK(r.error == DecodeError::kNeedMore);
    }
  }
  SECTION("a flipped prelude byte breaks the prelude CRC") {
    std::string bad = good;
    bad[3] = static_cast<char>(bad[3] ^ 1);
    CHECK(DecodeEventStreamMessage(bad).error == DecodeError::kPreludeCrc);
  }
  SECTION("a flipped payload byte breaks the message CRC") {
    std::string bad = good;
    bad[bad.size() - 6] = static_cast<char>(bad[bad.size() - 6] ^ 1);
    CHECK(DecodeEventStreamMessage(bad).error == DecodeError::kMessageCrc);
  }
  SECTION("a duplicate header name is refused, as botocore does") {
    std::string dup;
    AppendEventStreamMessage(&dup, {{"a", "1"}, {"a", "2"}}, "");
    CHECK(DecodeEventStreamMessage(dup).error == DecodeError::kDuplicateHeader);
  }
}

struct SessionFixture {
  storage::FakeClock clock{1'700'000'000'000};
  LiveTailHub hub;
  storage::Partition partition{"000000000000", "us-east-1"};

  std::shared_ptr<LiveTailSession> Open(SessionFilter filter) {
    filter.partition = partition;
    auto session = std::make_shared<LiveTailSession>(std::move(filter), "{}", clock);
    REQUIRE(hub.Add(session));
    return session;
  }
  void Put(std::string_view group, std::string_view stream, std::vector<std::string> messages) {
    std::vector<storage::InputEvent> events;
    for (auto& m : messages) events.push_back({clock.NowMillis(), std::move(m)});
    hub.Publish(partition, group, stream, events, clock.NowMillis());
  }
  // The next update's payload; fails if the session ended instead.
  json Update(LiveTailSession& s) {
    StreamChunk chunk = s.TakeUpdate();
    REQUIRE_FALSE(chunk.last);
    auto messages = DecodeAll(chunk.bytes);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0].StringHeader(":event-type") == "sessionUpdate");
    return json::parse(messages[0].payload);
  }
};

SessionFilter GroupFilter(const std::string& group) {
  SessionFilter f;
  f.group_names = {group};
  f.identifiers = {group};
  return f;
}

TEST_CASE_METHOD(SessionFixture, "A session starts with initial-response then sessionStart",
                 "[api][live_tail]") {
  auto s = Open(GroupFilter("g"));
  auto messages = DecodeAll(s->TakeStart());
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].StringHeader(":event-type") == "initial-response");
  CHECK(messages[1].StringHeader(":event-type") == "sessionStart");
}

TEST_CASE_METHOD(SessionFixture, "A session gets the events of its groups, streams and pattern",
                 "[api][live_tail]") {
  SessionFilter f = GroupFilter("g");
  f.stream_prefixes = std::vector<std::string>{"web-"};
  filters::ParseError error;
  f.pattern = filters::ParseFilterPattern("ERROR", &error);
  auto s = Open(std::move(f));
  Put("g", "web-1", {"ERROR one", "INFO two"});
  Put("g", "db-1", {"ERROR other stream"});
  Put("h", "web-1", {"ERROR other group"});
  json u = Update(*s);
  CHECK(u["sessionMetadata"]["sampled"] == false);
  REQUIRE(u["sessionResults"].size() == 1);
  const json& r = u["sessionResults"][0];
  CHECK(r["logStreamName"] == "web-1");
  CHECK(r["logGroupIdentifier"] == "g");
  CHECK(r["message"] == "ERROR one");
  CHECK(r["timestamp"] == clock.NowMillis());
  CHECK(r["ingestionTime"] == clock.NowMillis());
  SECTION("the next update is an empty heartbeat") { CHECK(Update(*s)["sessionResults"].empty()); }
}

TEST_CASE_METHOD(SessionFixture, "Past 500 events in a second an update carries a sample",
                 "[api][live_tail]") {
  auto s = Open(GroupFilter("g"));
  std::vector<std::string> batch;
  for (int i = 0; i < 1200; ++i) batch.push_back("m" + std::to_string(i));
  Put("g", "s", batch);
  json u = Update(*s);
  CHECK(u["sessionMetadata"]["sampled"] == true);
  REQUIRE(u["sessionResults"].size() == kMaxResultsPerUpdate);
  // In arrival order, and not merely the first 500.
  int previous = -1;
  bool past_500 = false;
  for (const json& r : u["sessionResults"]) {
    int n = std::stoi(r["message"].get<std::string>().substr(1));
    CHECK(n > previous);
    previous = n;
    past_500 = past_500 || n >= 500;
  }
  CHECK(past_500);
  CHECK(Update(*s)["sessionMetadata"]["sampled"] == false);
}

TEST_CASE_METHOD(SessionFixture, "A session ends with SessionTimeoutException after 3 hours",
                 "[api][live_tail]") {
  auto s = Open(GroupFilter("g"));
  clock.Set(clock.NowMillis() + kMaxSessionMs - 1);
  (void)Update(*s);
  clock.Set(clock.NowMillis() + 1);
  StreamChunk end = s->TakeUpdate();
  CHECK(end.last);
  auto messages = DecodeAll(end.bytes);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].StringHeader(":message-type") == "exception");
  CHECK(messages[0].StringHeader(":exception-type") == "SessionTimeoutException");
  CHECK(s->closed());
  Put("g", "s", {"after"});
  CHECK(hub.size() == 0);  // closed sessions leave the hub
}

TEST_CASE_METHOD(SessionFixture, "A reader that stops taking updates is cut off, not waited for",
                 "[api][live_tail]") {
  auto s = Open(GroupFilter("g"));
  Put("g", "s", {"early"});
  clock.Set(clock.NowMillis() + kSlowReaderMs + 1);
  Put("g", "s", {"late"});
  StreamChunk end = s->TakeUpdate();
  CHECK(end.last);
  auto messages = DecodeAll(end.bytes);
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].StringHeader(":exception-type") == "SessionStreamingException");
}

TEST_CASE("The hub costs one load when no session is open, and caps sessions", "[api][live_tail]") {
  storage::FakeClock clock(0);
  LiveTailHub hub;
  std::vector<storage::InputEvent> events{{0, "x"}};
  hub.Publish({"000000000000", "us-east-1"}, "g", "s", events, 0);  // no session: no-op
  std::vector<std::shared_ptr<LiveTailSession>> sessions;
  for (size_t i = 0; i < kMaxSessions; ++i) {
    sessions.push_back(std::make_shared<LiveTailSession>(GroupFilter("g"), "{}", clock));
    REQUIRE(hub.Add(sessions.back()));
  }
  auto extra = std::make_shared<LiveTailSession>(GroupFilter("g"), "{}", clock);
  CHECK_FALSE(hub.Add(extra));
  sessions.front()->Close();
  CHECK(hub.Add(extra));
}

}  // namespace
}  // namespace cwlogd::api::live_tail
