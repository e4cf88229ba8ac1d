#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

struct GetFixture : ApiFixture {
  // Stream g/s with events "m0".."m<n-1>" at kNow - n + i.
  explicit GetFixture(int n = 25) {
    CreateGroup("g");
    CreateStream("g", "s");
    std::vector<std::pair<int64_t, std::string>> events;
    for (int i = 0; i < n; ++i) events.emplace_back(kNow - n + i, "m" + std::to_string(i));
    if (n > 0) Put("g", "s", events);
  }
  json Get(json body) {
    body["logGroupName"] = "g";
    body["logStreamName"] = "s";
    return Ok("GetLogEvents", body);
  }
};

std::vector<std::string> Range(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("m" + std::to_string(i));
  return out;
}

bool IsStreamToken(const json& t, char dir) {
  if (!t.is_string()) return false;
  std::string s = t;
  return s.size() == 2 + 56 + 2 && s[0] == dir && s[1] == '/' && s.ends_with("/s") &&
         s.substr(2, 56).find_first_not_of("0123456789") == std::string::npos;
}

TEST_CASE("GetLogEvents returns the newest page by default, ascending", "[api][get]") {
  GetFixture f;
  json r = f.Get({{"limit", 10}});
  CHECK(Messages(r["events"]) == Range(15, 25));
  CHECK(IsStreamToken(r["nextForwardToken"], 'f'));
  CHECK(IsStreamToken(r["nextBackwardToken"], 'b'));
  json e = r["events"][0];
  CHECK(e.size() == 3);
  CHECK(e["timestamp"] == kNow - 10);
  CHECK(e["ingestionTime"] == kNow);
}

TEST_CASE("GetLogEvents pages forward from the head and repeats the token at the end",
          "[api][get]") {
  GetFixture f;
  json r = f.Get({{"limit", 10}, {"startFromHead", true}});
  CHECK(Messages(r["events"]) == Range(0, 10));
  std::vector<std::string> all = Messages(r["events"]);
  std::string token = r["nextForwardToken"];
  for (int guard = 0; guard < 10; ++guard) {
    json next = f.Get({{"limit", 10}, {"startFromHead", true}, {"nextToken", token}});
    for (const auto& m : Messages(next["events"])) all.push_back(m);
    if (next["nextForwardToken"] == token) {
      CHECK(next["events"].empty());
      break;
    }
    token = next["nextForwardToken"];
  }
  CHECK(all == Range(0, 25));
  // New events show up behind the repeated token.
  f.Put("g", "s", {{kNow, "late"}});
  json later = f.Get({{"nextToken", token}});
  CHECK(Messages(later["events"]) == std::vector<std::string>{"late"});
}

TEST_CASE("GetLogEvents pages backward with b/ tokens", "[api][get]") {
  GetFixture f;
  json r = f.Get({{"limit", 10}});
  std::vector<std::vector<std::string>> pages{Messages(r["events"])};
  std::string token = r["nextBackwardToken"];
  for (int guard = 0; guard < 10; ++guard) {
    json prev = f.Get({{"limit", 10}, {"nextToken", token}});
    if (prev["nextBackwardToken"] == token) {
      CHECK(prev["events"].empty());
      break;
    }
    pages.push_back(Messages(prev["events"]));
    token = prev["nextBackwardToken"];
  }
  REQUIRE(pages.size() == 3);
  CHECK(pages[1] == Range(5, 15));
  CHECK(pages[2] == Range(0, 5));
  // From the first page going back, the forward token leads forward again.
  json first = f.Get({{"limit", 5}, {"startFromHead", true}});
  json fwd = f.Get({{"limit", 5}, {"nextToken", first["nextForwardToken"]}});
  CHECK(Messages(fwd["events"]) == Range(5, 10));
  json back = f.Get({{"limit", 5}, {"nextToken", fwd["nextBackwardToken"]}});
  CHECK(Messages(back["events"]) == Range(0, 5));
}

TEST_CASE("GetLogEvents accepts tokens without the /s suffix", "[api][get]") {
  GetFixture f;
  json r = f.Get({{"limit", 5}, {"startFromHead", true}});
  std::string token = r["nextForwardToken"];
  token.resize(token.size() - 2);
  CHECK(Messages(f.Get({{"limit", 5}, {"nextToken", token}})["events"]) == Range(5, 10));
}

TEST_CASE("GetLogEvents on an empty stream still returns both tokens", "[api][get]") {
  GetFixture f(0);
  for (bool head : {true, false}) {
    json r = f.Get({{"startFromHead", head}});
    CHECK(r["events"].empty());
    CHECK(IsStreamToken(r["nextForwardToken"], 'f'));
    CHECK(IsStreamToken(r["nextBackwardToken"], 'b'));
  }
  json r = f.Get(json::object());
  f.Put("g", "s", {{kNow, "first"}});
  CHECK(Messages(f.Get({{"nextToken", r["nextForwardToken"]}})["events"]) ==
        std::vector<std::string>{"first"});
  json back = f.Get({{"nextToken", r["nextBackwardToken"]}});
  CHECK(back["events"].empty());
  CHECK(back["nextBackwardToken"] == r["nextBackwardToken"]);
}

TEST_CASE("GetLogEvents: startTime is inclusive and endTime exclusive", "[api][get]") {
  GetFixture f;
  json r =
      f.Get({{"startTime", kNow - 25 + 3}, {"endTime", kNow - 25 + 7}, {"startFromHead", true}});
  CHECK(Messages(r["events"]) == Range(3, 7));
  r = f.Get({{"startTime", kNow - 25 + 3}, {"endTime", kNow - 25 + 7}});
  CHECK(Messages(r["events"]) == Range(3, 7));
}

TEST_CASE("GetLogEvents caps a page at 1 MB", "[api][get]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  std::string big(300'000, 'x');
  for (int i = 0; i < 5; ++i) f.Put("g", "s", {{kNow, big + std::to_string(i)}});
  json r = f.Ok("GetLogEvents",
                {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}});
  CHECK(r["events"].size() == 3);  // 3 x 300,027 fits in 1,048,576; 4 do not
  json r2 =
      f.Ok("GetLogEvents",
           {{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", r["nextForwardToken"]}});
  CHECK(r2["events"].size() == 2);
}

TEST_CASE("GetLogEvents hides events older than the retention window", "[api][get]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  f.Put("g", "s", {{kNow - 3 * kDay, "old"}});
  f.Put("g", "s", {{kNow - kHour, "new"}});
  f.SetRetentionDays("g", 1);
  json r = f.Ok("GetLogEvents",
                {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}});
  CHECK(Messages(r["events"]) == std::vector<std::string>{"new"});
}

TEST_CASE("GetLogEvents rejects invalid and foreign tokens", "[api][get]") {
  GetFixture f;
  f.CreateStream("g", "other");
  f.Put("g", "other", {{kNow, "x"}});
  json r = f.Get({{"limit", 5}});
  std::string token = r["nextForwardToken"];
  for (std::string bad :
       {std::string("garbage"), std::string("f/123/s"), "x" + token.substr(1),
        token.substr(0, 10) + (token[10] == '1' ? "2" : "1") + token.substr(11)}) {
    ApiError e =
        f.Err("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", bad}});
    CHECK(e.type == "InvalidParameterException");
    CHECK(e.message == "The specified nextToken is invalid.");
  }
  ApiError e = f.Err("GetLogEvents",
                     {{"logGroupName", "g"}, {"logStreamName", "other"}, {"nextToken", token}});
  CHECK(e.message == "The specified nextToken is invalid.");
}

TEST_CASE("GetLogEvents reports AWS's errors", "[api][get]") {
  GetFixture f;
  ApiError e = f.Err("GetLogEvents", {{"logGroupName", "nope"}, {"logStreamName", "nope"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "nope"}});
  CHECK(e.message == "The specified log stream does not exist.");
  e = f.Err("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 10001}});
  CHECK(e.message ==
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000");
  e = f.Err("GetLogEvents",
            {{"logGroupName", "g"}, {"logGroupIdentifier", "g"}, {"logStreamName", "s"}});
  CHECK(e.type == "ValidationException");
  json r = f.Ok("GetLogEvents",
                {{"logGroupIdentifier", "arn:aws:logs:us-east-1:123456789012:log-group:g:*"},
                 {"logStreamName", "s"},
                 {"limit", 1}});
  CHECK(Messages(r["events"]) == std::vector<std::string>{"m24"});
}

}  // namespace
}  // namespace cwlogd::api::testing
