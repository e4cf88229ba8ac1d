#include <set>

#include "api/detail/tokens.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

struct FilterFixture : ApiFixture {
  FilterFixture() {
    CreateGroup("g");
    for (std::string s : {"a", "b", "c"}) CreateStream("g", s);
    // Interleaved timestamps across streams.
    Put("g", "a", {{kNow - 10, "a1 ERROR disk"}, {kNow - 7, "a2 ok"}, {kNow - 4, "a3 ERROR net"}});
    Put("g", "b", {{kNow - 9, "b1 ok"}, {kNow - 6, "b2 ERROR cpu"}});
    Put("g", "c", {{kNow - 8, "c1 ok"}, {kNow - 5, "c2 ok"}, {kNow - 4, "c3 ERROR"}});
  }
  json Filter(json body) {
    body["logGroupName"] = "g";
    return Ok("FilterLogEvents", body);
  }
};

TEST_CASE("FilterLogEvents interleaves events of all streams in time order", "[api][filter]") {
  FilterFixture f;
  json r = f.Filter(json::object());
  CHECK(Messages(r["events"]) == std::vector<std::string>{"a1 ERROR disk", "b1 ok", "c1 ok",
                                                          "a2 ok", "b2 ERROR cpu", "c2 ok",
                                                          "a3 ERROR net", "c3 ERROR"});
  CHECK(r["searchedLogStreams"] == json::array());
  CHECK_FALSE(r.contains("nextToken"));
  json e = r["events"][0];
  CHECK(e["logStreamName"] == "a");
  CHECK(e["timestamp"] == kNow - 10);
  CHECK(e["ingestionTime"] == kNow);
  std::string id = e["eventId"];
  CHECK(id.size() == 56);
  CHECK(id.find_first_not_of("0123456789") == std::string::npos);
  std::set<std::string> ids;
  for (const auto& ev : r["events"]) ids.insert(ev["eventId"].get<std::string>());
  CHECK(ids.size() == 8);
  CHECK(f.Filter(json::object())["events"][0]["eventId"] == id);  // stable
}

TEST_CASE("An event id is its timestamp, sequence and index in fixed-width digits, then a check",
          "[api][filter]") {
  const std::string id = detail::EventId({1'700'000'000'123, 42, 7}, 9);
  CHECK(id.substr(0, 45) ==
        "00000001700000000123"
        "00000000000000000042"
        "00007");
  CHECK(id.size() == 56);
  CHECK(id.find_first_not_of("0123456789") == std::string::npos);
  CHECK(detail::EventId({1, 2, 3}, 9).substr(45) == id.substr(45));   // the check: the group's
  CHECK(detail::EventId({1, 2, 3}, 10).substr(45) != id.substr(45));  // and only the group's
  CHECK(detail::EventId({-5, 0, 0}, 9).substr(0, 20) == std::string(20, '0'));
}

TEST_CASE("FilterLogEvents applies the filter pattern, stream selection and time bounds",
          "[api][filter]") {
  FilterFixture f;
  CHECK(Messages(f.Filter({{"filterPattern", "ERROR"}})["events"]) ==
        std::vector<std::string>{"a1 ERROR disk", "b2 ERROR cpu", "a3 ERROR net", "c3 ERROR"});
  CHECK(
      Messages(f.Filter({{"filterPattern", "ERROR"}, {"logStreamNames", {"a", "c"}}})["events"]) ==
      std::vector<std::string>{"a1 ERROR disk", "a3 ERROR net", "c3 ERROR"});
  CHECK(Messages(f.Filter({{"logStreamNamePrefix", "b"}})["events"]) ==
        std::vector<std::string>{"b1 ok", "b2 ERROR cpu"});
  // Both bounds inclusive.
  CHECK(Messages(f.Filter({{"startTime", kNow - 9}, {"endTime", kNow - 7}})["events"]) ==
        std::vector<std::string>{"b1 ok", "c1 ok", "a2 ok"});
  CHECK(f.Filter({{"filterPattern", ""}})["events"].size() == 8);
}

TEST_CASE("FilterLogEvents pages return each event exactly once", "[api][filter]") {
  FilterFixture f;
  for (int limit : {1, 2, 3, 7}) {
    std::vector<std::string> all;
    json body = {{"limit", limit}};
    for (int guard = 0; guard < 20; ++guard) {
      json r = f.Filter(body);
      CHECK(r["events"].size() <= static_cast<size_t>(limit));
      for (const auto& m : Messages(r["events"])) all.push_back(m);
      if (!r.contains("nextToken")) break;
      CHECK(r["nextToken"] != body.value("nextToken", json()));
      body["nextToken"] = r["nextToken"];
    }
    CHECK(all.size() == 8);
    CHECK(std::set<std::string>(all.begin(), all.end()).size() == 8);
  }
  // Exactly `limit` matches left: no token (no empty trailing page).
  json r = f.Filter({{"limit", 4}, {"filterPattern", "ERROR"}});
  CHECK(r["events"].size() == 4);
  CHECK_FALSE(r.contains("nextToken"));
}

TEST_CASE("FilterLogEvents caps pages at 1 MB", "[api][filter]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  std::string big(400'000, 'x');
  for (int i = 0; i < 5; ++i) f.Put("g", "s", {{kNow, big}});
  json r = f.Ok("FilterLogEvents", {{"logGroupName", "g"}});
  CHECK(r["events"].size() == 2);
  REQUIRE(r.contains("nextToken"));
  size_t total = r["events"].size();
  while (r.contains("nextToken")) {
    r = f.Ok("FilterLogEvents", {{"logGroupName", "g"}, {"nextToken", r["nextToken"]}});
    total += r["events"].size();
  }
  CHECK(total == 5);
}

TEST_CASE("FilterLogEvents stops at the scan bound and resumes with a token", "[api][filter]") {
  FilterFixture f;
  f.options().max_filter_scan_bytes = 40;  // about two events per call
  std::vector<std::string> all;
  json body = {{"filterPattern", "ERROR"}};
  int calls = 0;
  for (; calls < 20; ++calls) {
    json r = f.Filter(body);
    for (const auto& m : Messages(r["events"])) all.push_back(m);
    if (!r.contains("nextToken")) break;
    body["nextToken"] = r["nextToken"];
  }
  CHECK(calls > 1);
  CHECK(all ==
        std::vector<std::string>{"a1 ERROR disk", "b2 ERROR cpu", "a3 ERROR net", "c3 ERROR"});
}

TEST_CASE("FilterLogEvents reports AWS's errors", "[api][filter]") {
  FilterFixture f;
  ApiError e = f.Err("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "/api"}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message.starts_with("Invalid filter pattern"));
  e = f.Err("FilterLogEvents",
            {{"logGroupName", "g"}, {"logStreamNames", {"a"}}, {"logStreamNamePrefix", "a"}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("FilterLogEvents", {{"logGroupName", "g"}, {"nextToken", "nope"}});
  CHECK(e.message == "The specified nextToken is invalid.");
  json r = f.Filter({{"limit", 1}});
  e = f.Err("FilterLogEvents", {{"logGroupName", "g"},
                                {"limit", 1},
                                {"filterPattern", "ok"},
                                {"nextToken", r["nextToken"]}});
  CHECK(e.message == "The specified nextToken is invalid.");
  e = f.Err("FilterLogEvents", {{"logGroupName", "g"}, {"limit", 10001}});
  CHECK(e.message ==
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000");
  e = f.Err("FilterLogEvents", {{"logGroupName", "nope"}});
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", std::string(1025, 'a')}});
  CHECK(e.message.ends_with("Member must have length less than or equal to 1024"));
  e = f.Err("FilterLogEvents", {{"logGroupName", "g"}, {"logStreamNames", json::array()}});
  CHECK(e.message.ends_with("Member must have length greater than or equal to 1"));
}

TEST_CASE("FilterLogEvents hides events older than the retention window", "[api][filter]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  f.Put("g", "s", {{kNow - 3 * kDay, "old"}});
  f.Put("g", "s", {{kNow - kHour, "new"}});
  f.SetRetentionDays("g", 1);
  CHECK(Messages(f.Ok("FilterLogEvents", {{"logGroupName", "g"}})["events"]) ==
        std::vector<std::string>{"new"});
}

}  // namespace
}  // namespace cwlogd::api::testing
