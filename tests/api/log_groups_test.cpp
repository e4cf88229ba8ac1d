#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

TEST_CASE("CreateLogGroup makes a group DescribeLogGroups shows in AWS's shape", "[api][groups]") {
  ApiFixture f;
  json r = f.Ok("CreateLogGroup", {{"logGroupName", "g"}});
  CHECK(r == json::object());
  json groups = f.Ok("DescribeLogGroups", json::object())["logGroups"];
  REQUIRE(groups.size() == 1);
  CHECK(groups[0] == json{{"arn", "arn:aws:logs:us-east-1:123456789012:log-group:g:*"},
                          {"creationTime", kNow},
                          {"deletionProtectionEnabled", false},
                          {"logGroupArn", "arn:aws:logs:us-east-1:123456789012:log-group:g"},
                          {"logGroupClass", "STANDARD"},
                          {"logGroupName", "g"},
                          {"metricFilterCount", 0},
                          {"storedBytes", 0}});
}

TEST_CASE("CreateLogGroup stores class, KMS key, protection and tags", "[api][groups]") {
  ApiFixture f;
  f.Ok("CreateLogGroup", {{"logGroupName", "g"},
                          {"logGroupClass", "INFREQUENT_ACCESS"},
                          {"kmsKeyId", "arn:aws:kms:us-east-1:123456789012:key/abc"},
                          {"deletionProtectionEnabled", true},
                          {"tags", {{"team", "a"}}}});
  json g = f.Ok("DescribeLogGroups", json::object())["logGroups"][0];
  CHECK(g["logGroupClass"] == "INFREQUENT_ACCESS");
  CHECK(g["kmsKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/abc");
  CHECK(g["deletionProtectionEnabled"] == true);
  auto info = f.store().GetLogGroup(f.partition(), "g");
  REQUIRE(info.ok());
  CHECK(info->tags == std::map<std::string, std::string>{{"team", "a"}});
}

TEST_CASE("CreateLogGroup uses the aws-cn and aws-us-gov partitions in ARNs", "[api][groups]") {
  ApiFixture f;
  f.partition().region = "cn-north-1";
  f.CreateGroup("g");
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"][0]["logGroupArn"] ==
        "arn:aws-cn:logs:cn-north-1:123456789012:log-group:g");
  f.partition().region = "us-gov-west-1";
  f.CreateGroup("g");
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"][0]["arn"] ==
        "arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:g:*");
}

TEST_CASE("CreateLogGroup rejects bad names with AWS's messages", "[api][groups]") {
  ApiFixture f;
  f.CreateGroup("g");
  ApiError e = f.Err("CreateLogGroup", {{"logGroupName", "g"}});
  CHECK(e.type == "ResourceAlreadyExistsException");
  CHECK(e.message == "The specified log group already exists");

  e = f.Err("CreateLogGroup", {{"logGroupName", std::string(513, 'x')}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message ==
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.");

  e = f.Err("CreateLogGroup", {{"logGroupName", "bad name!"}});
  CHECK(e.message ==
        "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");

  for (std::string name : {"aws/cwagent", "AWS/x", "Aws/batch/job"}) {
    e = f.Err("CreateLogGroup", {{"logGroupName", name}});
    CHECK(e.message == "Log groups starting with AWS/ are reserved for AWS.");
  }
  f.Ok("CreateLogGroup", {{"logGroupName", "/aws/lambda/fn"}});
  f.Ok("CreateLogGroup", {{"logGroupName", "awsome"}});

  e = f.Err("CreateLogGroup", json::object());
  CHECK(e.message ==
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: "
        "Member must not be null");
  e = f.Err("CreateLogGroup", {{"logGroupName", "h"}, {"logGroupClass", "COLD"}});
  CHECK(e.message ==
        "1 validation error detected: Value 'COLD' at 'logGroupClass' failed to satisfy "
        "constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]");
  e = f.Err("CreateLogGroup", {{"logGroupName", "h"}, {"kmsKeyId", std::string(257, 'k')}});
  CHECK(
      e.message.ends_with("at 'kmsKeyId' failed to satisfy constraint: Member must have length "
                          "less than or equal to 256"));
}

TEST_CASE("Log group names are case-sensitive and partition-scoped", "[api][groups]") {
  ApiFixture f;
  f.CreateGroup("MyGroup");
  f.CreateGroup("mygroup");
  f.partition().account = "000000000000";
  f.CreateGroup("MyGroup");
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"].size() == 1);
  f.partition().region = "eu-west-1";
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"].empty());
}

TEST_CASE("CreateLogGroup validates tags", "[api][groups][tags]") {
  ApiFixture f;
  json many = json::object();
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  ApiError e = f.Err("CreateLogGroup", {{"logGroupName", "g"}, {"tags", many}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message.starts_with("1 validation error detected: Value '{"));
  CHECK(e.message.ends_with(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"));
  e = f.Err("CreateLogGroup", {{"logGroupName", "g"}, {"tags", {{"a*b", "v"}}}});
  CHECK(e.message.find("at 'tags.a*b.member.key' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern") != std::string::npos);
  e = f.Err("CreateLogGroup", {{"logGroupName", "g"}, {"tags", {{"aws:owner", "v"}}}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("CreateLogGroup", {{"logGroupName", "g"}, {"tags", json::object()}});
  CHECK(e.message.find("Member must have length greater than or equal to 1") != std::string::npos);
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"].empty());
}

TEST_CASE("DeleteLogGroup removes the group and reports a missing one", "[api][groups]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  CHECK(f.Ok("DeleteLogGroup", {{"logGroupName", "g"}}) == json::object());
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"].empty());
  ApiError e = f.Err("DeleteLogGroup", {{"logGroupName", "g"}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  // Recreating gives an empty group.
  f.CreateGroup("g");
  CHECK(f.Ok("DescribeLogStreams", {{"logGroupName", "g"}})["logStreams"].empty());
}

TEST_CASE("DeleteLogGroup is blocked while deletion protection is on", "[api][groups]") {
  ApiFixture f;
  f.Ok("CreateLogGroup", {{"logGroupName", "g"}, {"deletionProtectionEnabled", true}});
  ApiError e = f.Err("DeleteLogGroup", {{"logGroupName", "g"}});
  CHECK(e.type == "ValidationException");
  CHECK(e.http_status == 400);
  CHECK(f.Ok("DescribeLogGroups", json::object())["logGroups"].size() == 1);
}

TEST_CASE("DescribeLogGroups sorts by name, filters by prefix and pages", "[api][groups]") {
  ApiFixture f;
  for (std::string g : {"b", "a/2", "a/1", "C", "a/3", "a-x"}) f.CreateGroup(g);
  auto names = [](const json& groups) {
    std::vector<std::string> out;
    for (const auto& g : groups) out.push_back(g["logGroupName"]);
    return out;
  };
  CHECK(names(f.Ok("DescribeLogGroups", json::object())["logGroups"]) ==
        std::vector<std::string>{"C", "a-x", "a/1", "a/2", "a/3", "b"});
  CHECK(names(f.Ok("DescribeLogGroups", {{"logGroupNamePrefix", "a/"}})["logGroups"]) ==
        std::vector<std::string>{"a/1", "a/2", "a/3"});

  json page1 = f.Ok("DescribeLogGroups", {{"logGroupNamePrefix", "a"}, {"limit", 2}});
  CHECK(names(page1["logGroups"]) == std::vector<std::string>{"a-x", "a/1"});
  REQUIRE(page1.contains("nextToken"));
  json page2 = f.Ok("DescribeLogGroups",
                    {{"logGroupNamePrefix", "a"}, {"limit", 2}, {"nextToken", page1["nextToken"]}});
  CHECK(names(page2["logGroups"]) == std::vector<std::string>{"a/2", "a/3"});
  CHECK_FALSE(page2.contains("nextToken"));  // nothing after a/3 within the prefix

  ApiError e = f.Err("DescribeLogGroups", {{"nextToken", "garbage"}});
  CHECK(e.message == "The specified nextToken is invalid.");
  // A token from another query is refused.
  e = f.Err("DescribeLogGroups", {{"logGroupNamePrefix", "b"}, {"nextToken", page1["nextToken"]}});
  CHECK(e.message == "The specified nextToken is invalid.");
}

// Issue #14 item 7: a nextToken only resumes in the account and region that issued it. The
// same names exist in every partition here, so only the binding can tell the tokens apart.
TEST_CASE("Every paging nextToken is refused in another account or region", "[api][groups]") {
  ApiFixture f;
  const storage::Partition issuer = f.partition();
  const storage::Partition other_account{"210987654321", issuer.region};
  const storage::Partition other_region{issuer.account, "eu-west-1"};
  for (const auto& p : {other_account, other_region, issuer}) {
    f.partition() = p;
    for (std::string g : {"g1", "g2", "g3"}) f.CreateGroup(g);
    f.CreateStream("g1", "s1");
    f.CreateStream("g1", "s2");
    f.CreateStream("g1", "s3");
    f.Put("g1", "s1", {{kNow - 3, "a"}, {kNow - 2, "b"}, {kNow - 1, "c"}});
    for (std::string name : {"d1", "d2"}) {
      f.Ok("PutDestination", {{"destinationName", name}, {"targetArn", "t"}, {"roleArn", "r"}});
      f.Ok("PutResourcePolicy", {{"policyName", name}, {"policyDocument", "{}"}});
    }
    for (std::string name : {"f1", "f2"}) {
      f.Ok("PutMetricFilter",
           {{"logGroupName", "g1"},
            {"filterName", name},
            {"filterPattern", ""},
            {"metricTransformations",
             json::array(
                 {{{"metricName", "m"}, {"metricNamespace", "ns"}, {"metricValue", "1"}}})}});
    }
  }
  struct Paged {
    std::string op;
    json request;
    std::string token_member;
  };
  const std::vector<Paged> operations = {
      {"DescribeLogGroups", {{"limit", 1}}, "nextToken"},
      {"ListLogGroups", {{"limit", 1}}, "nextToken"},
      {"DescribeMetricFilters", {{"logGroupName", "g1"}, {"limit", 1}}, "nextToken"},
      {"DescribeMetricFilters", {{"limit", 1}}, "nextToken"},
      {"DescribeMetricFilters", {{"filterNamePrefix", "f"}, {"limit", 1}}, "nextToken"},
      {"DescribeDestinations", {{"limit", 1}}, "nextToken"},
      {"DescribeResourcePolicies", {{"limit", 1}}, "nextToken"},
      {"DescribeLogStreams", {{"logGroupName", "g1"}, {"limit", 1}}, "nextToken"},
      {"FilterLogEvents", {{"logGroupName", "g1"}, {"limit", 1}}, "nextToken"},
      {"GetLogEvents",
       {{"logGroupName", "g1"}, {"logStreamName", "s1"}, {"limit", 1}, {"startFromHead", true}},
       "nextForwardToken"},
  };
  for (const Paged& paged : operations) {
    INFO(paged.op << " " << paged.request.dump());
    f.partition() = issuer;
    json page1 = f.Ok(paged.op, paged.request);
    REQUIRE(page1.contains(paged.token_member));
    json next = paged.request;
    next["nextToken"] = page1[paged.token_member];
    for (const auto& p : {other_account, other_region}) {
      f.partition() = p;
      ApiError e = f.Err(paged.op, next);
      CHECK(e.type == "InvalidParameterException");
      CHECK(e.message == "The specified nextToken is invalid.");
    }
    f.partition() = issuer;
    (void)f.Ok(paged.op, next);  // still good where it was issued
  }
}

TEST_CASE("DescribeLogGroups with a pattern matches substrings and returns slim elements",
          "[api][groups]") {
  ApiFixture f;
  for (std::string g : {"DataLogs", "aws-x/DataLogs", "GroupDataLogs", "datalogs"})
    f.CreateGroup(g);
  json groups = f.Ok("DescribeLogGroups", {{"logGroupNamePattern", "DataLogs"}})["logGroups"];
  REQUIRE(groups.size() == 3);
  for (const auto& g : groups) {
    CHECK_FALSE(g.contains("storedBytes"));
    CHECK_FALSE(g.contains("deletionProtectionEnabled"));
    CHECK(g.contains("arn"));
    CHECK(g.contains("logGroupArn"));
    CHECK(g.contains("logGroupClass"));
    CHECK(g.contains("metricFilterCount"));
    CHECK(g.contains("creationTime"));
  }
  ApiError e =
      f.Err("DescribeLogGroups", {{"logGroupNamePattern", "a"}, {"logGroupNamePrefix", "a"}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message ==
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
}

TEST_CASE("DescribeLogGroups filters by class and identifiers", "[api][groups]") {
  ApiFixture f;
  f.CreateGroup("a");
  f.Ok("CreateLogGroup", {{"logGroupName", "b"}, {"logGroupClass", "INFREQUENT_ACCESS"}});
  f.CreateGroup("c");
  json groups = f.Ok("DescribeLogGroups", {{"logGroupClass", "INFREQUENT_ACCESS"}})["logGroups"];
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]["logGroupName"] == "b");

  groups = f.Ok("DescribeLogGroups",
                {{"logGroupIdentifiers",
                  {"c", "arn:aws:logs:us-east-1:123456789012:log-group:a:*", "missing",
                   "arn:aws:logs:us-east-1:999999999999:log-group:b"}}})["logGroups"];
  REQUIRE(groups.size() == 2);
  CHECK(groups[0]["logGroupName"] == "a");
  CHECK(groups[1]["logGroupName"] == "c");
  ApiError e =
      f.Err("DescribeLogGroups", {{"logGroupIdentifiers", {"a"}}, {"logGroupNamePrefix", "a"}});
  CHECK(e.type == "InvalidParameterException");
}

TEST_CASE("DescribeLogGroups validates limit", "[api][groups]") {
  ApiFixture f;
  ApiError e = f.Err("DescribeLogGroups", {{"limit", 51}});
  CHECK(e.message ==
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member "
        "must have value less than or equal to 50");
  e = f.Err("DescribeLogGroups", {{"limit", 0}});
  CHECK(e.message.ends_with("Member must have value greater than or equal to 1"));
  for (int i = 0; i < 51; ++i) f.CreateGroup("g" + std::to_string(100 + i));
  json r = f.Ok("DescribeLogGroups", json::object());
  CHECK(r["logGroups"].size() == 50);  // default limit
  CHECK(r.contains("nextToken"));
}

TEST_CASE("ListLogGroups returns slim elements and supports its pattern language",
          "[api][groups]") {
  ApiFixture f;
  for (std::string g : {"app-one", "app-two", "web-app", "other"}) f.CreateGroup(g);
  json r = f.Ok("ListLogGroups", json::object());
  REQUIRE(r["logGroups"].size() == 4);
  CHECK(r["logGroups"][0] ==
        json{{"logGroupName", "app-one"},
             {"logGroupArn", "arn:aws:logs:us-east-1:123456789012:log-group:app-one"},
             {"logGroupClass", "STANDARD"}});
  auto names = [&](const json& body) {
    std::vector<std::string> out;
    json page = f.Ok("ListLogGroups", body);
    for (const auto& g : page["logGroups"]) out.push_back(g["logGroupName"]);
    return out;
  };
  CHECK(names({{"logGroupNamePattern", "app"}}) ==
        std::vector<std::string>{"app-one", "app-two", "web-app"});
  CHECK(names({{"logGroupNamePattern", "^app"}}) == std::vector<std::string>{"app-one", "app-two"});
  CHECK(names({{"logGroupNamePattern", "^web|other"}}) ==
        std::vector<std::string>{"other", "web-app"});
  ApiError e = f.Err("ListLogGroups", {{"logGroupNamePattern", "ab"}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("ListLogGroups", {{"logGroupNamePattern", "a|bcd"}});
  CHECK(e.message.find("Member must satisfy regular expression pattern") != std::string::npos);
  e = f.Err("ListLogGroups", {{"limit", 1001}});
  CHECK(e.message.ends_with("Member must have value less than or equal to 1000"));

  json p1 = f.Ok("ListLogGroups", {{"limit", 3}});
  REQUIRE(p1["logGroups"].size() == 3);
  json p2 = f.Ok("ListLogGroups", {{"limit", 3}, {"nextToken", p1["nextToken"]}});
  REQUIRE(p2["logGroups"].size() == 1);
  CHECK(p2["logGroups"][0]["logGroupName"] == "web-app");
  CHECK_FALSE(p2.contains("nextToken"));
}

}  // namespace
}  // namespace cwlogd::api::testing
