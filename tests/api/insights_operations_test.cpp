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

}  // namespace cwlogd::api::testing
