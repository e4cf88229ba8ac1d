#include "api/detail/put_log_events_fast.h"
#include "api/handlers/handlers.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

using detail::ParsePutLogEventsFast;

TEST_CASE("The PutLogEvents fast parser reads a well-formed request", "[api][put][fast]") {
  auto in = ParsePutLogEventsFast(
      R"({"logGroupName":"g","logStreamName":"s","sequenceToken":"x","logEvents":[)"
      R"({"timestamp":1,"message":"a\"b\u00e9"},{"message":"🙀","timestamp":2}]})");
  REQUIRE(in.has_value());
  CHECK(in->group == "g");
  CHECK(in->stream == "s");
  REQUIRE(in->events.size() == 2);
  CHECK(in->events[0].timestamp == 1);
  CHECK(in->events[0].message == "a\"b\xC3\xA9");
  CHECK(in->events[1].message == "🙀");
}

TEST_CASE("The PutLogEvents fast parser leaves anything unusual to the full handler", "[api][put][fast]") {
  const std::string ev = R"([{"timestamp":1,"message":"m"}])";
  const std::vector<std::string> bodies = {
           std::string(R"({"logGroupName":"g","logStreamName":"s"})"),
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":)" + ev + "} {}",
           R"({"logGroupName":"g","logGroupName":"h","logStreamName":"s","logEvents":)" + ev + "}",
           R"({"logGroupName":null,"logStreamName":"s","logEvents":)" + ev + "}",
           R"({"logGroupName":"bad name","logStreamName":"s","logEvents":)" + ev + "}",
           R"({"logGroupName":"g","logStreamName":"a:b","logEvents":)" + ev + "}",
           R"({"logGroupName":")" + std::string(513, 'g') + R"(","logStreamName":"s","logEvents":)" + ev + "}",
           R"({"logGroupName":"g","logStreamName":"s","entity":{},"logEvents":)" + ev + "}",
           R"({"logGroupName":"g","logStreamName":"s","sequenceToken":"","logEvents":)" + ev + "}",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1.5,"message":"m"}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":-1,"message":"m"}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":"1","message":"m"}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":""}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m","x":1}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[null]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":18446744073709551615,"message":"m"}]})",
           R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"a)" + std::string("\xff") + R"("}]})",
           std::string("[]"), std::string("not json")};
  for (const std::string& body : bodies) {
    INFO(body);
    CHECK_FALSE(ParsePutLogEventsFast(body).has_value());
  }
}

// Every body gives the same answer and the same stored events through Dispatch (fast path
// when it applies) and through the nlohmann handler alone.
TEST_CASE("PutLogEvents answers the same with and without the fast path", "[api][put][fast]") {
  ApiFixture fast, slow;
  for (ApiFixture* f : {&fast, &slow}) {
    f->CreateGroup("g");
    f->CreateStream("g", "s");
  }
  const std::string now = std::to_string(kNow);
  const std::string old = std::to_string(kNow - 20 * kDay);
  const std::string future = std::to_string(kNow + 3 * kHour);
  std::vector<std::string> bodies = {
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now + R"(,"message":"one"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + old + R"(,"message":"old"},{"timestamp":)" + now + R"(,"message":"two"},{"timestamp":)" + future + R"(,"message":"new"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now + R"(,"message":"b"},{"timestamp":1,"message":"a"}]})",
      R"({"logGroupName":"g","logStreamName":"nope","logEvents":[{"timestamp":)" + now + R"(,"message":"x"}]})",
      R"({"logGroupName":"nope","logStreamName":"nope","logEvents":[{"timestamp":)" + now + R"(,"message":"x"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now + R"(,"message":")" + std::string(1'048'551, 'x') + R"("}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + old + R"(,"message":"a"},{"timestamp":)" + now + R"(,"message":"b"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + std::to_string(kNow - 2 * kDay) + R"(,"message":"a"},{"timestamp":)" + now + R"(,"message":"b"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + future + R"(,"message":"all rejected"}]})",
  };
  for (const auto& body : bodies) {
    INFO(body.substr(0, 200));
    ApiResult a = fast.Raw("PutLogEvents", body);
    Context ctx{slow.store(), slow.clock(), slow.options(), slow.partition()};
    ApiResult b = HandlePutLogEvents(nlohmann::json::parse(body), ctx);
    REQUIRE(a.index() == b.index());
    if (auto* e = std::get_if<ApiError>(&a)) {
      CHECK(e->type == std::get<ApiError>(b).type);
      CHECK(e->message == std::get<ApiError>(b).message);
    } else {
      CHECK(std::get<json>(a).value("rejectedLogEventsInfo", json()) ==
            std::get<json>(b).value("rejectedLogEventsInfo", json()));
    }
  }
  json get = {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}};
  json fast_events = fast.Ok("GetLogEvents", get)["events"];
  CHECK(fast_events == slow.Ok("GetLogEvents", get)["events"]);
  CHECK(Messages(fast_events) == std::vector<std::string>{"one", "two", "b"});
}

}  // namespace
}  // namespace cwlogd::api::testing
