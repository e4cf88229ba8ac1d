// The fixes of issue 21 to existing operations, and the account-level resource operations
// through api::Dispatch (the integration tests drive them with real clients).
#include <string>
#include <vector>

#include "tests/api/api_test_util.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;
using testing::ApiFixture;
using testing::kNow;

void PutFilter(ApiFixture& f, const std::string& group, const std::string& name) {
  f.Ok("PutMetricFilter",
       {{"logGroupName", group},
        {"filterName", name},
        {"filterPattern", ""},
        {"metricTransformations",
         json::array({{{"metricName", "m"}, {"metricNamespace", "ns"}, {"metricValue", "1"}}})}});
}

TEST_CASE("DescribeMetricFilters with filterNamePrefix across groups orders by filter name",
          "[api][metric_filters]") {
  ApiFixture f;
  for (std::string g : {"a-group", "b-group", "c-group"}) f.CreateGroup(g);
  PutFilter(f, "a-group", "err-z");
  PutFilter(f, "b-group", "err-a");
  PutFilter(f, "c-group", "err-m");
  PutFilter(f, "a-group", "err-a");
  PutFilter(f, "c-group", "other");
  std::vector<std::pair<std::string, std::string>> seen;
  json request = {{"filterNamePrefix", "err"}, {"limit", 2}};
  for (int pages = 0; pages < 5; ++pages) {
    json page = f.Ok("DescribeMetricFilters", request);
    for (const auto& m : page["metricFilters"]) {
      seen.emplace_back(m["filterName"], m["logGroupName"]);
    }
    if (!page.contains("nextToken")) break;
    request["nextToken"] = page["nextToken"];
  }
  CHECK(seen == std::vector<std::pair<std::string, std::string>>{{"err-a", "a-group"},
                                                                 {"err-a", "b-group"},
                                                                 {"err-m", "c-group"},
                                                                 {"err-z", "a-group"}});
  // Within one group the order was already by name.
  json one =
      f.Ok("DescribeMetricFilters", {{"logGroupName", "a-group"}, {"filterNamePrefix", "e"}});
  REQUIRE(one["metricFilters"].size() == 2);
  CHECK(one["metricFilters"][0]["filterName"] == "err-a");
  // Without a prefix, across groups: (group, filter name) as before.
  json all = f.Ok("DescribeMetricFilters", json::object());
  CHECK(all["metricFilters"][0]["logGroupName"] == "a-group");
  CHECK(all["metricFilters"][1]["filterName"] == "err-z");
}

TEST_CASE("DescribeLogGroups with a pattern hands out a nextToken with every non-empty page",
          "[api][groups]") {
  ApiFixture f;
  for (std::string g : {"alpha", "beta", "gamma"}) f.CreateGroup(g);
  json page = f.Ok("DescribeLogGroups", {{"logGroupNamePattern", "bet"}});
  REQUIRE(page["logGroups"].size() == 1);
  REQUIRE(page.contains("nextToken"));
  json next =
      f.Ok("DescribeLogGroups", {{"logGroupNamePattern", "bet"}, {"nextToken", page["nextToken"]}});
  CHECK(next["logGroups"].empty());
  CHECK_FALSE(next.contains("nextToken"));
  CHECK_FALSE(f.Ok("DescribeLogGroups", {{"logGroupNamePattern", "none"}}).contains("nextToken"));
  // Without a pattern: only when more remain.
  CHECK_FALSE(f.Ok("DescribeLogGroups", {{"logGroupNamePrefix", "beta"}}).contains("nextToken"));
}

TEST_CASE("Resource policies: the limit of 10, documents and names", "[api][resources]") {
  ApiFixture f;
  for (int i = 0; i < 10; ++i) {
    f.Ok("PutResourcePolicy", {{"policyName", "p" + std::to_string(i)}, {"policyDocument", "{}"}});
  }
  ApiError e = f.Err("PutResourcePolicy", {{"policyName", "p10"}, {"policyDocument", "{}"}});
  CHECK(e.type == "LimitExceededException");
  CHECK(e.message == "Resource limit exceeded.");
  e = f.Err("PutResourcePolicy",
            {{"policyName", "p1"}, {"policyDocument", std::string(51201, 'x')}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message.starts_with("1 validation error detected: Value '"));
  CHECK(
      e.message.ends_with("' at 'policyDocument' failed to satisfy constraint: Member must have "
                          "length less than or equal to 51200"));
  e = f.Err("PutResourcePolicy", {{"policyName", "p1"}, {"policyDocument", "[1]"}});
  CHECK(e.message == "The policyDocument is not a valid JSON object.");
  e = f.Err("DeleteResourcePolicy", {{"policyName", "none"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "Policy with name [none] does not exist.");
}

TEST_CASE("Destinations: validation of names and the ARN", "[api][resources]") {
  ApiFixture f;
  ApiError e =
      f.Err("PutDestination",
            {{"destinationName", std::string(513, 'd')}, {"targetArn", "t"}, {"roleArn", "r"}});
  CHECK(e.message == "1 validation error detected: Value '" + std::string(513, 'd') +
                         "' at 'destinationName' failed to satisfy constraint: Member must have "
                         "length less than or equal to 512");
  json d = f.Ok("PutDestination", {{"destinationName", "d"}, {"targetArn", "t"}, {"roleArn", "r"}});
  CHECK(d["destination"]["arn"] ==
        "arn:aws:logs:" + f.partition().region + ":" + f.partition().account + ":destination:d");
  CHECK(d["destination"]["creationTime"] == kNow);
}

}  // namespace
}  // namespace cwlogd::api
