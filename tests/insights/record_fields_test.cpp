// System fields, JSON discovery and Lambda REPORT fields.
#include <string>
#include <vector>

#include "insights/query.h"
#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

std::vector<std::string> Discover(std::string_view message) {
  std::vector<std::string> names;
  DiscoverFields(message, [&](std::string_view n) { names.emplace_back(n); });
  return names;
}

const char* kReport =
    "REPORT RequestId: 3f5f7e0e-8c0a-4b5e-9d4f-0a1b2c3d4e5f\tDuration: 2.35 ms\tBilled "
    "Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t";

}  // namespace

TEST_CASE("DiscoverFields flattens JSON leaves with dots and array indexes",
          "[insights][record_fields]") {
  CHECK(Discover(R"({"a":1,"b":{"c":"x","d":[true,{"e":null}]},"f":[]})") ==
        std::vector<std::string>{"a", "b.c", "b.d.0"});
  CHECK(Discover(R"({"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"}]}}})") ==
        std::vector<std::string>{"requestParameters.instancesSet.items.0.instanceId"});
  CHECK(Discover(R"({"@example.com":1,"x":{"@y":2}})") ==
        std::vector<std::string>{"@@example.com", "x.@y"});
  CHECK(Discover("not json").empty());
  CHECK(Discover("{broken").empty());
  CHECK(Discover("[1,2]").empty());
  CHECK(Discover(R"({"":1,"a":{"":2}})") == std::vector<std::string>{"a."});
}

TEST_CASE("DiscoverFields gives the Lambda REPORT fields", "[insights][record_fields]") {
  CHECK(Discover(kReport) == std::vector<std::string>{"@type", "@requestId", "@duration",
                                                      "@billedDuration", "@memorySize",
                                                      "@maxMemoryUsed"});
}

TEST_CASE("DiscoverFields stops at 1000 fields", "[insights][record_fields]") {
  std::string big = "{";
  for (int i = 0; i < 1500; ++i) big += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  big += "}";
  CHECK(Discover(big).size() == 1000);
}

TEST_CASE("Queries read system, JSON and Lambda fields", "[insights][record_fields]") {
  std::vector<Event> events = {{1717236000000, kReport, "stream-1", 1717236000500},
                               {1717236000001, R"({"@odd":"v","tags":["a","b"],"n":1.5})"}};
  QueryOutcome out =
      Run("fields @logStream, @log, @ingestionTime, @requestId, @duration, @billedDuration, "
          "@maxMemoryUsed, @memorySize, @type, @@odd, tags.1, n | sort @timestamp asc",
          events);
  CHECK(Show(out.rows) ==
        "@logStream=stream-1 @log=123456789012:g @ingestionTime=2024-06-01 10:00:00.500 "
        "@requestId=3f5f7e0e-8c0a-4b5e-9d4f-0a1b2c3d4e5f @duration=2.35 @billedDuration=3 "
        "@maxMemoryUsed=71 @memorySize=128 @type=REPORT; @logStream=s @log=123456789012:g "
        "@ingestionTime=1970-01-01 00:00:00.000 @@odd=v tags.1=b n=1.5");
  out = Run("stats avg(@duration) as d, max(@maxMemoryUsed) as m", events);
  CHECK(Show(out.rows) == "d=2.35 m=71");
}

TEST_CASE("A field a command defines is not read from the message", "[insights][record_fields]") {
  QueryOutcome out = Run(R"(parse @message "x=*;" as y | fields y)", {{1, R"({"y":"json"})"}});
  CHECK(Show(out.rows).empty());
}

}  // namespace cwlogd::insights::testing
