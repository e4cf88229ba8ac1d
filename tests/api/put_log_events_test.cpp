#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

json Events(const std::vector<std::pair<int64_t, std::string>>& events) {
  json list = json::array();
  for (const auto& [ts, m] : events) list.push_back({{"timestamp", ts}, {"message", m}});
  return list;
}

json PutBody(const json& events) {
  return {{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", events}};
}

std::vector<std::string> Stored(ApiFixture& f) {
  return Messages(
      f.Ok("GetLogEvents",
           {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}})["events"]);
}

struct PutFixture : ApiFixture {
  PutFixture() {
    CreateGroup("g");
    CreateStream("g", "s");
  }
};

TEST_CASE("PutLogEvents stores events and returns a 56-digit sequence token", "[api][put]") {
  PutFixture f;
  json r =
      f.Ok("PutLogEvents",
           PutBody(Events({{kNow - 5, "one"}, {kNow - 5, "two"}, {kNow, "🙀 - 参よ - 日本語"}})));
  REQUIRE(r["nextSequenceToken"].is_string());
  CHECK(r["nextSequenceToken"].get<std::string>().size() == 56);
  CHECK_FALSE(r.contains("rejectedLogEventsInfo"));
  CHECK(Stored(f) == std::vector<std::string>{"one", "two", "🙀 - 参よ - 日本語"});
  json g = f.Ok("DescribeLogGroups", json::object())["logGroups"][0];
  CHECK(g["storedBytes"] == 3 + 3 + std::string("🙀 - 参よ - 日本語").size());
  // sequenceToken is ignored, whatever it holds.
  json r2 = f.Ok("PutLogEvents", {{"logGroupName", "g"},
                                  {"logStreamName", "s"},
                                  {"sequenceToken", "junk"},
                                  {"logEvents", Events({{kNow, "x"}})}});
  CHECK(r2["nextSequenceToken"] != r["nextSequenceToken"]);
}

TEST_CASE("PutLogEvents validates the schema first", "[api][put]") {
  PutFixture f;
  ApiError e = f.Err("PutLogEvents", PutBody(json::array()));
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message ==
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1");
  e = f.Err("PutLogEvents", PutBody(Events({{kNow, ""}})));
  CHECK(e.message ==
        "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1");
  e = f.Err("PutLogEvents", PutBody(Events({{kNow, "a"}, {-1, "b"}})));
  CHECK(e.message ==
        "1 validation error detected: Value '-1' at 'logEvents.2.member.timestamp' failed to "
        "satisfy constraint: Member must have value greater than or equal to 0");
  e = f.Err("PutLogEvents", PutBody(json::array({{{"message", "a"}}})));
  CHECK(e.message ==
        "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to "
        "satisfy constraint: Member must not be null");
  e = f.Err("PutLogEvents", PutBody(json::array({{{"message", 5}, {"timestamp", kNow}}})));
  CHECK(e.type == "SerializationException");
  e = f.Err("PutLogEvents", PutBody(json::array({"text"})));
  CHECK(e.type == "SerializationException");
  e = f.Err("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  CHECK(e.message.find("Value null at 'logEvents'") != std::string::npos);

  json many = json::array();
  for (int i = 0; i < 10001; ++i) many.push_back({{"timestamp", kNow}, {"message", "m"}});
  e = f.Err("PutLogEvents", PutBody(many));
  CHECK(e.message.starts_with("1 validation error detected: Value '[InputLogEvent(timestamp="));
  CHECK(
      e.message.ends_with("at 'logEvents' failed to satisfy constraint: Member must have length "
                          "less than or equal to 10000"));
  many.erase(many.begin());
  f.Ok("PutLogEvents", PutBody(many));  // exactly 10,000 is fine

  // Schema errors come before existence errors.
  e = f.Err("PutLogEvents",
            {{"logGroupName", "nope"}, {"logStreamName", "s"}, {"logEvents", json::array()}});
  CHECK(e.type == "InvalidParameterException");
}

// Issue #14 item 9: a member named twice and a fractional timestamp are refused as
// SerializationException; nothing is stored.
TEST_CASE("PutLogEvents refuses duplicate members and fractional timestamps", "[api][put]") {
  PutFixture f;
  const std::string now = std::to_string(kNow);
  const std::string event = R"({"timestamp":)" + now + R"(,"message":"m"})";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"logGroupName":"g","logGroupName":"h","logStreamName":"s","logEvents":[)" + event + "]}",
       "Duplicate field 'logGroupName'"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[)" + event + "]," +
           R"("logEvents":[)" + event + "]}",
       "Duplicate field 'logEvents'"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[)" + event + R"(,{"timestamp":)" +
           now + R"(,"message":"a","message":"b"}]})",
       "Duplicate field 'message'"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"timestamp":)" + now +
           R"(,"message":"m"}]})",
       "Duplicate field 'timestamp'"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now +
           R"(,"message":"m","x":{"k":1,"k":2}}]})",
       "Duplicate field 'k'"},
      {R"({"logGroupName":"g","logStreamName":"s","entity":{"keyAttributes":{"a":"1","a":"2"}},)"
       R"("logEvents":[)" +
           event + "]}",
       "Duplicate field 'a'"},
      // The duplicate wins over every other problem, even in events a failed list leaves unread.
      {R"({"logGroupName":"bad name","logStreamName":"s","logEvents":[{"message":5,"message":6},)"
       R"("not an event"]})",
       "Duplicate field 'message'"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now +
           R"(.5,"message":"m"}]})",
       "NUMBER_VALUE can not be converted to Long"},
      {R"({"logGroupName":"g","logStreamName":"s","logEvents":[)" + event +
           R"(,{"timestamp":1e-3,"message":"m"}]})",
       "NUMBER_VALUE can not be converted to Long"},
  };
  for (const auto& [body, message] : refused) {
    INFO(body);
    ApiResult r = f.Raw("PutLogEvents", body);
    ApiError* e = std::get_if<ApiError>(&r);
    REQUIRE(e != nullptr);
    CHECK(e->type == "SerializationException");
    CHECK(e->message == message);
  }
  CHECK(Stored(f).empty());
  // A whole number written as a float is still a timestamp.
  ApiResult r = f.Raw("PutLogEvents", R"({"logGroupName":"g","logStreamName":"s","logEvents":[)"
                                      R"({"timestamp":)" +
                                          now + R"(.0,"message":"whole"}]})");
  CHECK(std::holds_alternative<json>(r));
  CHECK(Stored(f) == std::vector<std::string>{"whole"});
}

TEST_CASE("PutLogEvents reports the group before the stream and never creates streams",
          "[api][put]") {
  ApiFixture f;
  ApiError e =
      f.Err("PutLogEvents",
            {{"logGroupName", "g"}, {"logStreamName", "s"}, {"logEvents", Events({{kNow, "a"}})}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  f.CreateGroup("g");
  e = f.Err("PutLogEvents", PutBody(Events({{kNow, "a"}})));
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log stream does not exist.");
  CHECK(f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})["logStreams"].empty());
}

TEST_CASE("PutLogEvents enforces the 1 MiB batch and event limits", "[api][put]") {
  PutFixture f;
  // Exactly 1,048,576 bytes: one event of 1,048,550 message bytes.
  f.Ok("PutLogEvents", PutBody(Events({{kNow, std::string(1'048'550, 'x')}})));
  ApiError e = f.Err("PutLogEvents", PutBody(Events({{kNow, std::string(1'048'551, 'x')}})));
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message == "Upload too large: 1048577 bytes exceeds limit of 1048576");
  // Two events of 524,263 + 26 bytes each = 1,048,578.
  e = f.Err(
      "PutLogEvents",
      PutBody(Events({{kNow, std::string(524'263, 'a')}, {kNow, std::string(524'263, 'b')}})));
  CHECK(e.message == "Upload too large: 1048578 bytes exceeds limit of 1048576");
  // Multi-byte characters count as their UTF-8 bytes: 349,517 x 3 bytes + 26 = 1,048,577.
  std::string wide;
  for (int i = 0; i < 349'517; ++i) wide += "日";
  e = f.Err("PutLogEvents", PutBody(Events({{kNow, wide}})));
  CHECK(e.message == "Upload too large: 1048577 bytes exceeds limit of 1048576");
}

TEST_CASE("PutLogEvents rejects events out of chronological order", "[api][put]") {
  PutFixture f;
  ApiError e = f.Err("PutLogEvents", PutBody(Events({{kNow, "a"}, {kNow - 1, "b"}})));
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message == "Log events in a single PutLogEvents request must be in chronological order.");
  CHECK(Stored(f).empty());
}

TEST_CASE("PutLogEvents drops too old, expired and too new events and says which", "[api][put]") {
  PutFixture f;
  SECTION("too old and too new") {
    json r = f.Ok("PutLogEvents", PutBody(Events({{kNow - 15 * kDay, "old1"},
                                                  {kNow - 14 * kDay - 1, "old2"},
                                                  {kNow - 14 * kDay, "edge-old"},
                                                  {kNow - 13 * kDay, "kept"},
                                                  {kNow + 2 * kHour + 1, "new1"}})));
    CHECK(r["rejectedLogEventsInfo"] ==
          json{{"tooOldLogEventEndIndex", 2}, {"tooNewLogEventStartIndex", 4}});
    CHECK(Stored(f) == std::vector<std::string>{"edge-old", "kept"});
    r = f.Ok("PutLogEvents", PutBody(Events({{kNow, "now"},
                                             {kNow + 2 * kHour, "edge-new"},
                                             {kNow + 2 * kHour + 1, "new1"},
                                             {kNow + 3 * kHour, "new2"}})));
    CHECK(r["rejectedLogEventsInfo"] == json{{"tooNewLogEventStartIndex", 2}});
    CHECK(Stored(f) == std::vector<std::string>{"edge-old", "kept", "now", "edge-new"});
  }
  SECTION("expired by retention") {
    f.SetRetentionDays("g", 1);
    json r = f.Ok("PutLogEvents", PutBody(Events({{kNow - 20 * kDay, "old"},
                                                  {kNow - 2 * kDay, "expired1"},
                                                  {kNow - kDay - 1, "expired2"},
                                                  {kNow - kDay + 1, "kept"}})));
    CHECK(r["rejectedLogEventsInfo"] ==
          json{{"tooOldLogEventEndIndex", 1}, {"expiredLogEventEndIndex", 3}});
    CHECK(Stored(f) == std::vector<std::string>{"kept"});
  }
  SECTION("all rejected: 200, nothing stored, stream untouched") {
    json r =
        f.Ok("PutLogEvents", PutBody(Events({{kNow + 3 * kHour, "n1"}, {kNow + 4 * kHour, "n2"}})));
    CHECK(r["rejectedLogEventsInfo"] == json{{"tooNewLogEventStartIndex", 0}});
    CHECK(r["nextSequenceToken"].get<std::string>().size() == 56);
    CHECK(Stored(f).empty());
    json s = f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})["logStreams"][0];
    CHECK_FALSE(s.contains("lastIngestionTime"));
    CHECK_FALSE(s.contains("uploadSequenceToken"));
  }
}

TEST_CASE("PutLogEvents rejects a batch spanning more than 24 hours", "[api][put]") {
  PutFixture f;
  ApiError e = f.Err("PutLogEvents", PutBody(Events({{kNow - kDay - 1, "a"}, {kNow, "b"}})));
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message ==
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
  f.Ok("PutLogEvents", PutBody(Events({{kNow - kDay, "a"}, {kNow, "b"}})));  // exactly 24 h
  // The span counts only accepted events: a too-old head does not count.
  json r = f.Ok("PutLogEvents",
                PutBody(Events({{kNow - 20 * kDay, "old"}, {kNow - 1, "c"}, {kNow, "d"}})));
  CHECK(r["rejectedLogEventsInfo"] == json{{"tooOldLogEventEndIndex", 1}});
}

TEST_CASE("PutLogEvents uses the server clock for ingestionTime", "[api][put]") {
  PutFixture f;
  f.clock().Set(kNow + 1234);
  f.Put("g", "s", {{kNow, "a"}});
  json e = f.Ok("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})["events"][0];
  CHECK(e["ingestionTime"] == kNow + 1234);
  CHECK(e["timestamp"] == kNow);
}

}  // namespace
}  // namespace cwlogd::api::testing
