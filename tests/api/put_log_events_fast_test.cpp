#include "api/detail/put_log_events_parser.h"
#include "api/handlers/handlers.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

using detail::ParsePutLogEvents;
using detail::PutLogEventsInput;

constexpr size_t kDepth = 64;  // ApiOptions::max_json_depth's default

TEST_CASE("The PutLogEvents fast parser reads a well-formed request", "[api][put][fast]") {
  auto parsed = ParsePutLogEvents(
      R"({"logGroupName":"g","logStreamName":"s","sequenceToken":"x","logEvents":[)"
      R"({"timestamp":1,"message":"a\"b\u00e9"},{"message":"🙀","timestamp":2}]})",
      kDepth);
  auto* in = std::get_if<PutLogEventsInput>(&parsed);
  REQUIRE(in != nullptr);
  CHECK(in->group == "g");
  CHECK(in->stream == "s");
  REQUIRE(in->events.size() == 2);
  CHECK(in->events[0].timestamp == 1);
  CHECK(in->events[0].message == "a\"b\xC3\xA9");
  CHECK(in->events[1].message == "🙀");
}

// The bodies the former fast path left to the nlohmann handler: the one parser reads each of
// them without throwing (their answers are pinned through Dispatch in put_log_events_test.cpp).
TEST_CASE("The PutLogEvents parser reads unusual bodies without throwing", "[api][put][fast]") {
  const std::string ev = R"([{"timestamp":1,"message":"m"}])";
  const std::vector<std::string> bodies = {
      std::string(R"({"logGroupName":"g","logStreamName":"s"})"),
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":)" + ev + "} {}",
      R"({"logGroupName":"g","logGroupName":"h","logStreamName":"s","logEvents":)" + ev + "}",
      R"({"logGroupName":null,"logStreamName":"s","logEvents":)" + ev + "}",
      R"({"logGroupName":"bad name","logStreamName":"s","logEvents":)" + ev + "}",
      R"({"logGroupName":"g","logStreamName":"a:b","logEvents":)" + ev + "}",
      R"({"logGroupName":")" + std::string(513, 'g') + R"(","logStreamName":"s","logEvents":)" +
          ev + "}",
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
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"a)" +
          std::string("\xff") + R"("}]})",
      std::string("[]"),
      std::string("not json")};
  for (const std::string& body : bodies) {
    INFO(body);
    CHECK_NOTHROW(ParsePutLogEvents(body, kDepth));
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
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now +
          R"(,"message":"one"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + old +
          R"(,"message":"old"},{"timestamp":)" + now + R"(,"message":"two"},{"timestamp":)" +
          future + R"(,"message":"new"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now +
          R"(,"message":"b"},{"timestamp":1,"message":"a"}]})",
      R"({"logGroupName":"g","logStreamName":"nope","logEvents":[{"timestamp":)" + now +
          R"(,"message":"x"}]})",
      R"({"logGroupName":"nope","logStreamName":"nope","logEvents":[{"timestamp":)" + now +
          R"(,"message":"x"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + now +
          R"(,"message":")" + std::string(1'048'551, 'x') + R"("}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + old +
          R"(,"message":"a"},{"timestamp":)" + now + R"(,"message":"b"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" +
          std::to_string(kNow - 2 * kDay) + R"(,"message":"a"},{"timestamp":)" + now +
          R"(,"message":"b"}]})",
      R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" + future +
          R"(,"message":"all rejected"}]})",
  };
  for (const auto& body : bodies) {
    INFO(body.substr(0, 200));
    ApiResult a = fast.Raw("PutLogEvents", body);
    Context ctx{slow.store(), slow.clock(), slow.options(), slow.metric_filter_cache(),
                slow.partition()};
    ApiResult b = HandlePutLogEvents(body, ctx);
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

// Issue #14 item 9: one rule for both parsers. The same extra members refused (or accepted)
// in a PutLogEvents body (simdjson) and in a DescribeLogGroups body (nlohmann DOM) give the
// same answer, naming the same first duplicate in document order.
TEST_CASE("Duplicate members get one answer from both request parsers", "[api][put][fast]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  const std::vector<std::string> extras = {
      R"("x":1,"x":2)",
      R"("x":{"k":1,"k":2},"y":1,"y":2)",
      R"("y":1,"x":[{"k":1},{"k":2,"k":3}],"y":2)",
      R"("x":{"\u006b":1,"k":2})",
      R"("x":{"k":{"k":1}},"z":[{"k":1},{"k":2}])",
      R"("x":[[{"a":1,"b":2,"a":3}]])",
  };
  const std::string events =
      std::string(R"("logEvents":[{"timestamp":)") + std::to_string(kNow) + R"(,"message":"m"}])";
  for (const std::string& extra : extras) {
    INFO(extra);
    std::string put_body = R"({"logGroupName":"g","logStreamName":"s",)" + extra;
    put_body.append(",").append(events).append("}");
    ApiResult put = f.Raw("PutLogEvents", put_body);
    std::string describe_body = "{" + extra;
    describe_body += '}';
    ApiResult describe = f.Raw("DescribeLogGroups", describe_body);
    REQUIRE(put.index() == describe.index());
    if (auto* e = std::get_if<ApiError>(&put)) {
      CHECK(e->type == "SerializationException");
      CHECK(e->message == std::get<ApiError>(describe).message);
      CHECK(e->message.starts_with("Duplicate field '"));
    }
  }
}

}  // namespace
}  // namespace cwlogd::api::testing

namespace cwlogd::api::testing {
namespace {

// simdjson 3.0 refuses integers beyond 64 bits; nlohmann read them as doubles, and so does
// the one parser (the literal is widened before a second parse).
TEST_CASE("The PutLogEvents parser reads integers beyond 64 bits as doubles", "[api][put][fast]") {
  auto parsed =
      ParsePutLogEvents(R"({"logGroupName":"g","logStreamName":"s","x":-99999999999999999999,)"
                        R"("logEvents":[{"timestamp":100000000000000000000,"message":"m"}]})",
                        kDepth);
  auto* error = std::get_if<ApiError>(&parsed);
  REQUIRE(error != nullptr);
  CHECK(error->message == "NUMBER_VALUE 1e+20 is out of range for Long");
}

}  // namespace
}  // namespace cwlogd::api::testing
