#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

std::vector<std::string> StreamNames(const json& r) {
  std::vector<std::string> out;
  for (const auto& s : r["logStreams"]) out.push_back(s["logStreamName"]);
  return out;
}

TEST_CASE("CreateLogStream makes a stream DescribeLogStreams shows in AWS's shape",
          "[api][streams]") {
  ApiFixture f;
  f.CreateGroup("g");
  CHECK(f.Ok("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}}) == json::object());
  json streams = f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})["logStreams"];
  REQUIRE(streams.size() == 1);
  CHECK(streams[0] == json{{"arn", "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s"},
                           {"creationTime", kNow},
                           {"logStreamName", "s"},
                           {"storedBytes", 0}});
  f.clock().Advance(5);
  f.Put("g", "s", {{kNow - 10, "a"}, {kNow - 3, "b"}});
  json s = f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})["logStreams"][0];
  CHECK(s["firstEventTimestamp"] == kNow - 10);
  CHECK(s["lastEventTimestamp"] == kNow - 3);
  CHECK(s["lastIngestionTime"] == kNow + 5);
  CHECK(s["storedBytes"] == 0);
  REQUIRE(s["uploadSequenceToken"].is_string());
  std::string token = s["uploadSequenceToken"];
  CHECK(token.size() == 56);
  CHECK(token.find_first_not_of("0123456789") == std::string::npos);
  f.Put("g", "s", {{kNow, "c"}});
  CHECK(f.Ok("DescribeLogStreams",
             {{"logGroupName", "g"}})["logStreams"][0]["uploadSequenceToken"] != token);
}

TEST_CASE("CreateLogStream and DeleteLogStream report AWS's errors", "[api][streams]") {
  ApiFixture f;
  ApiError e = f.Err("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  e = f.Err("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  CHECK(e.type == "ResourceAlreadyExistsException");
  CHECK(e.message == "The specified log stream already exists");
  e = f.Err("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "a:b"}});
  CHECK(e.message ==
        "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*]*");
  e = f.Err("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", std::string(513, 's')}});
  CHECK(e.message ==
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.");
  f.CreateStream("g", "any thing/[]$");  // only ':' and '*' are excluded

  CHECK(f.Ok("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}}) == json::object());
  e = f.Err("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log stream does not exist.");
  e = f.Err("DeleteLogStream", {{"logGroupName", "nope"}, {"logStreamName", "s"}});
  CHECK(e.message == "The specified log group does not exist.");
}

TEST_CASE("DescribeLogStreams orders by name or last event time and pages", "[api][streams]") {
  ApiFixture f;
  f.CreateGroup("g");
  for (std::string s : {"c", "a", "b", "d"}) f.CreateStream("g", s);
  f.Put("g", "c", {{kNow - 100, "x"}});
  f.Put("g", "a", {{kNow - 50, "x"}});
  f.Put("g", "b", {{kNow - 200, "x"}});
  // d has no events: it counts as time 0.
  CHECK(StreamNames(f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})) ==
        std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(StreamNames(f.Ok("DescribeLogStreams", {{"logGroupName", "g"}, {"descending", true}})) ==
        std::vector<std::string>{"d", "c", "b", "a"});
  CHECK(StreamNames(
            f.Ok("DescribeLogStreams", {{"logGroupName", "g"}, {"orderBy", "LastEventTime"}})) ==
        std::vector<std::string>{"d", "b", "c", "a"});
  json body = {
      {"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"descending", true}, {"limit", 3}};
  json p1 = f.Ok("DescribeLogStreams", body);
  CHECK(StreamNames(p1) == std::vector<std::string>{"a", "c", "b"});
  REQUIRE(p1.contains("nextToken"));
  body["nextToken"] = p1["nextToken"];
  json p2 = f.Ok("DescribeLogStreams", body);
  CHECK(StreamNames(p2) == std::vector<std::string>{"d"});
  CHECK_FALSE(p2.contains("nextToken"));

  json q1 = f.Ok("DescribeLogStreams", {{"logGroupName", "g"}, {"limit", 2}});
  CHECK(StreamNames(q1) == std::vector<std::string>{"a", "b"});
  json q2 = f.Ok("DescribeLogStreams",
                 {{"logGroupName", "g"}, {"limit", 2}, {"nextToken", q1["nextToken"]}});
  CHECK(StreamNames(q2) == std::vector<std::string>{"c", "d"});
  CHECK_FALSE(q2.contains("nextToken"));
  json d1 = f.Ok("DescribeLogStreams", {{"logGroupName", "g"}, {"limit", 3}, {"descending", true}});
  CHECK(StreamNames(d1) == std::vector<std::string>{"d", "c", "b"});
  json d2 = f.Ok(
      "DescribeLogStreams",
      {{"logGroupName", "g"}, {"limit", 3}, {"descending", true}, {"nextToken", d1["nextToken"]}});
  CHECK(StreamNames(d2) == std::vector<std::string>{"a"});

  ApiError e = f.Err("DescribeLogStreams",
                     {{"logGroupName", "g"}, {"nextToken", q1["nextToken"]}, {"descending", true}});
  CHECK(e.message == "The specified nextToken is invalid.");
}

TEST_CASE("DescribeLogStreams filters by prefix and accepts a group identifier", "[api][streams]") {
  ApiFixture f;
  f.CreateGroup("g");
  for (std::string s : {"web-1", "web-2", "db-1"}) f.CreateStream("g", s);
  CHECK(StreamNames(
            f.Ok("DescribeLogStreams", {{"logGroupName", "g"}, {"logStreamNamePrefix", "web"}})) ==
        std::vector<std::string>{"web-1", "web-2"});
  for (std::string id : {"g", "arn:aws:logs:us-east-1:123456789012:log-group:g",
                         "arn:aws:logs:us-east-1:123456789012:log-group:g:*"}) {
    CHECK(f.Ok("DescribeLogStreams", {{"logGroupIdentifier", id}})["logStreams"].size() == 3);
  }
  ApiError e = f.Err("DescribeLogStreams",
                     {{"logGroupIdentifier", "arn:aws:logs:eu-west-1:123456789012:log-group:g"}});
  CHECK(e.type == "ResourceNotFoundException");
}

TEST_CASE("DescribeLogStreams reports AWS's errors", "[api][streams]") {
  ApiFixture f;
  f.CreateGroup("g");
  ApiError e = f.Err("DescribeLogStreams", {{"logGroupName", "g"}, {"logGroupIdentifier", "g"}});
  CHECK(e.type == "ValidationException");
  CHECK(e.message == "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  e = f.Err("DescribeLogStreams", json::object());
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("DescribeLogStreams",
            {{"logGroupName", "g"}, {"orderBy", "LastEventTime"}, {"logStreamNamePrefix", "x"}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("DescribeLogStreams", {{"logGroupName", "g"}, {"orderBy", "Name"}});
  CHECK(e.message ==
        "1 validation error detected: Value 'Name' at 'orderBy' failed to satisfy constraint: "
        "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
  e = f.Err("DescribeLogStreams", {{"logGroupName", "nope"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("DescribeLogStreams", {{"logGroupName", "g"}, {"limit", 51}});
  CHECK(e.message.ends_with("Member must have value less than or equal to 50"));
  e = f.Err("DescribeLogStreams", {{"logGroupName", "g"}, {"logStreamNamePrefix", ""}});
  CHECK(e.message.find("Member must have length greater than or equal to 1") != std::string::npos);
}

}  // namespace
}  // namespace cwlogd::api::testing
