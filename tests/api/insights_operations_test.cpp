// Logs Insights operations through Dispatch with the real engine: PutQueryDefinition's
// clientToken, GetLogRecord's discovered fields and GetQueryResults' statistics.
#include <chrono>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

json Definition(const std::string& name, const std::string& token) {
  return {{"name", name}, {"queryString", "fields @message"}, {"clientToken", token}};
}

size_t DefinitionCount(ApiFixture& f) {
  return f.Ok("DescribeQueryDefinitions", json::object())["queryDefinitions"].size();
}

// Runs `query` over `group` (the last two hours) to its end; the GetQueryResults answer.
json RunQuery(ApiFixture& f, const std::string& group, const std::string& query) {
  const std::string id = f.Ok("StartQuery", {{"logGroupName", group},
                                             {"queryString", query},
                                             {"startTime", (kNow - 2 * kHour) / 1000},
                                             {"endTime", kNow / 1000}})["queryId"];
  for (int i = 0; i < 2000; ++i) {
    json r = f.Ok("GetQueryResults", {{"queryId", id}});
    if (r["status"] != "Scheduled" && r["status"] != "Running") return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("query did not finish");
  return {};
}

std::string Cell(const json& row, const std::string& field) {
  for (const auto& c : row) {
    if (c["field"] == field) return c["value"];
  }
  return "";
}

}  // namespace

TEST_CASE("PutQueryDefinition retried with its clientToken answers the first definition",
          "[api][query_definition]") {
  ApiFixture f;
  const std::string token = "0f8fad5b-d9cb-469f-a165-70867728950e";
  const std::string id =
      f.Ok("PutQueryDefinition", Definition("errors", token))["queryDefinitionId"];
  f.clock().Advance(60'000);
  CHECK(f.Ok("PutQueryDefinition", Definition("errors", token))["queryDefinitionId"] == id);
  CHECK(DefinitionCount(f) == 1);

  SECTION("a different request with the same token is refused") {
    ApiError e = f.Err("PutQueryDefinition", Definition("other", token));
    CHECK(e.type == "InvalidParameterException");
    CHECK(e.message == "The clientToken was already used with a different request.");
  }
  SECTION("another token makes another definition") {
    const std::string other = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    CHECK(f.Ok("PutQueryDefinition", Definition("errors", other))["queryDefinitionId"] != id);
    CHECK(DefinitionCount(f) == 2);
  }
  SECTION("the token is forgotten after 24 hours") {
    f.clock().Advance(kDay);
    CHECK(f.Ok("PutQueryDefinition", Definition("errors", token))["queryDefinitionId"] != id);
    CHECK(DefinitionCount(f) == 2);
  }
  SECTION("without a token every call creates") {
    json bare = Definition("errors", token);
    bare.erase("clientToken");
    CHECK(f.Ok("PutQueryDefinition", bare)["queryDefinitionId"] != id);
    CHECK(f.Ok("PutQueryDefinition", bare)["queryDefinitionId"] != id);
    CHECK(DefinitionCount(f) == 3);
  }
}

TEST_CASE("GetQueryResults counts the records in chunks the pruning skipped",
          "[api][query_runner][statistics]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  f.CreateGroup("empty");
  // One PutLogEvents batch is one chunk: 50 "alpha", 40 "beta", 30 "gamma" events.
  double alpha_bytes = 0;
  double gamma_bytes = 0;
  const std::vector<std::pair<std::string, int>> batches = {
      {"alpha", 50}, {"beta", 40}, {"gamma", 30}};
  for (const auto& [word, n] : batches) {
    std::vector<std::pair<int64_t, std::string>> events;
    for (int i = 0; i < n; ++i) {
      events.emplace_back(kNow - kHour + i, word + " event number " + std::to_string(i));
      if (word == "alpha") alpha_bytes += static_cast<double>(events.back().second.size());
      if (word == "gamma") gamma_bytes += static_cast<double>(events.back().second.size());
    }
    f.Put("g", "s", events);
  }
  const std::string id = f.Ok("StartQuery", {{"logGroupNames", {"g", "empty"}},
                                             {"queryString", "filter @message like /beta/"},
                                             {"startTime", (kNow - 2 * kHour) / 1000},
                                             {"endTime", kNow / 1000}})["queryId"];
  json r;
  for (int i = 0; i < 2000; ++i) {
    r = f.Ok("GetQueryResults", {{"queryId", id}});
    if (r["status"] == "Complete") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(r["status"] == "Complete");
  const json& st = r["statistics"];
  CHECK(st["recordsMatched"] == 40.0);
  CHECK(st["recordsScanned"] == 40.0);
  CHECK(st["estimatedRecordsSkipped"] == 80.0);
  CHECK(st["estimatedBytesSkipped"] == alpha_bytes + gamma_bytes);
  CHECK(st["logGroupsScanned"] == 2.0);
}

TEST_CASE("GetLogRecord answers the fields discovered in a JSON message",
          "[api][query_runner][get_log_record]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  f.Put("g", "s",
        {{kNow - kHour,
          R"({"level":"ERROR","latency":250.5,"ok":false,"user":{"id":"u1"},"tags":["a","b"],)"
          R"("gone":null,"@timestamp":"x","level":"dup"})"},
         {kNow - kHour + 1,
          "REPORT RequestId: r1\tDuration: 2.50 ms\tBilled Duration: 3 ms\t"
          "Memory Size: 128 MB\tMax Memory Used: 71 MB"},
         {kNow - kHour + 2, "plain text"}});
  json r = RunQuery(f, "g", "fields @message | sort @timestamp asc");
  REQUIRE(r["results"].size() == 3);
  auto record = [&](size_t row) {
    return f.Ok("GetLogRecord",
                {{"logRecordPointer", Cell(r["results"][row], "@ptr")}})["logRecord"];
  };
  json json_record = record(0);
  CHECK(json_record == json{{"@timestamp", std::to_string(kNow - kHour)},
                            {"@ingestionTime", std::to_string(kNow)},
                            {"@message", Cell(r["results"][0], "@message")},
                            {"@logStream", "s"},
                            {"@log", "123456789012:g"},
                            {"level", "ERROR"},
                            {"latency", "250.5"},
                            {"ok", "false"},
                            {"user.id", "u1"},
                            {"tags.0", "a"},
                            {"tags.1", "b"},
                            {"@@timestamp", "x"}});
  json lambda = record(1);
  CHECK(lambda["@type"] == "REPORT");
  CHECK(lambda["@requestId"] == "r1");
  CHECK(lambda["@duration"] == "2.5");
  CHECK(lambda["@maxMemoryUsed"] == "71");
  CHECK(record(2).size() == 5);  // the system fields only
}

TEST_CASE("GetLogRecord answers at most 1000 discovered fields",
          "[api][query_runner][get_log_record]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  json big = json::object();
  for (int i = 0; i < 1500; ++i) big[fmt::format("f{:04}", i)] = i;  // dumped in this order
  f.Put("g", "s", {{kNow - kHour, big.dump()}});
  json r = RunQuery(f, "g", "fields @message");
  REQUIRE(r["results"].size() == 1);
  json record =
      f.Ok("GetLogRecord", {{"logRecordPointer", Cell(r["results"][0], "@ptr")}})["logRecord"];
  CHECK(record.size() == 5 + 1000);
  CHECK(record["f0999"] == "999");
  CHECK_FALSE(record.contains("f1000"));
}

}  // namespace cwlogd::api::testing
