#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

constexpr const char* kArn = "arn:aws:logs:us-east-1:123456789012:log-group:g";

json Group(ApiFixture& f) {
  return f.Ok("DescribeLogGroups", {{"logGroupNamePrefix", "g"}})["logGroups"][0];
}

TEST_CASE("PutRetentionPolicy sets retentionInDays and DeleteRetentionPolicy removes it",
          "[api][retention]") {
  ApiFixture f;
  f.CreateGroup("g");
  CHECK(f.Ok("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 7}}) ==
        json::object());
  CHECK(Group(f)["retentionInDays"] == 7);
  f.Ok("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 3653}});
  CHECK(Group(f)["retentionInDays"] == 3653);
  CHECK(f.Ok("DeleteRetentionPolicy", {{"logGroupName", "g"}}) == json::object());
  CHECK_FALSE(Group(f).contains("retentionInDays"));
  f.Ok("DeleteRetentionPolicy", {{"logGroupName", "g"}});  // no policy: still fine
}

TEST_CASE("PutRetentionPolicy lists the valid values for any other value", "[api][retention]") {
  ApiFixture f;
  f.CreateGroup("g");
  for (int days : {0, 2, 4000, -1}) {
    ApiError e = f.Err("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", days}});
    CHECK(e.type == "InvalidParameterException");
    CHECK(e.message ==
          "Invalid retention value. Valid values are: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, "
          "365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]");
  }
  ApiError e = f.Err("PutRetentionPolicy", {{"logGroupName", "g"}});
  CHECK(e.message.find("Value null at 'retentionInDays'") != std::string::npos);
  e = f.Err("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", "7"}});
  CHECK(e.type == "SerializationException");
  e = f.Err("PutRetentionPolicy", {{"logGroupName", "nope"}, {"retentionInDays", 7}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("DeleteRetentionPolicy", {{"logGroupName", "nope"}});
  CHECK(e.message == "The specified log group does not exist.");
}

TEST_CASE("Retention makes PutLogEvents reject expired events and reads hide them",
          "[api][retention]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  f.Put("g", "s", {{kNow - 2 * kDay, "two days"}});
  f.Ok("PutRetentionPolicy", {{"logGroupName", "g"}, {"retentionInDays", 1}});
  json r = f.Put("g", "s", {{kNow - 2 * kDay, "late"}, {kNow, "fresh"}});
  CHECK(r["rejectedLogEventsInfo"] == json{{"expiredLogEventEndIndex", 1}});
  CHECK(Messages(f.Ok("FilterLogEvents", {{"logGroupName", "g"}})["events"]) ==
        std::vector<std::string>{"fresh"});
}

TEST_CASE("TagResource, UntagResource and ListTagsForResource work on the group ARN",
          "[api][tags]") {
  ApiFixture f;
  f.Ok("CreateLogGroup", {{"logGroupName", "g"}, {"tags", {{"a", "1"}}}});
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}}) == json{{"tags", {{"a", "1"}}}});
  CHECK(f.Ok("TagResource", {{"resourceArn", kArn}, {"tags", {{"b", "2"}, {"a", "x"}}}}) ==
        json::object());
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}})["tags"] ==
        json{{"a", "x"}, {"b", "2"}});
  CHECK(f.Ok("UntagResource", {{"resourceArn", kArn}, {"tagKeys", {"a", "missing"}}}) ==
        json::object());
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}})["tags"] == json{{"b", "2"}});
  f.Ok("UntagResource", {{"resourceArn", kArn}, {"tagKeys", json::array()}});
  f.Ok("UntagResource", {{"resourceArn", kArn}, {"tagKeys", {"b"}}});
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}}) == json{{"tags", json::object()}});
}

TEST_CASE("Legacy tag operations share the tag set with the ARN family", "[api][tags]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.Ok("TagLogGroup", {{"logGroupName", "g"}, {"tags", {{"legacy", "1"}}}});
  f.Ok("TagResource", {{"resourceArn", kArn}, {"tags", {{"modern", "2"}}}});
  CHECK(f.Ok("ListTagsLogGroup", {{"logGroupName", "g"}}) ==
        json{{"tags", {{"legacy", "1"}, {"modern", "2"}}}});
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}})["tags"].size() == 2);
  f.Ok("UntagLogGroup", {{"logGroupName", "g"}, {"tags", {"modern"}}});
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}})["tags"] == json{{"legacy", "1"}});
  ApiError e = f.Err("UntagLogGroup", {{"logGroupName", "g"}, {"tags", json::array()}});
  CHECK(e.message.ends_with("Member must have length greater than or equal to 1"));
  e = f.Err("TagLogGroup", {{"logGroupName", "nope"}, {"tags", {{"a", "b"}}}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("ListTagsLogGroup", {{"logGroupName", "nope"}});
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("UntagLogGroup", {{"logGroupName", "nope"}, {"tags", {"a"}}});
  CHECK(e.message == "The specified log group does not exist.");
}

TEST_CASE("Tagging more than 50 tags in total gives TooManyTagsException", "[api][tags]") {
  ApiFixture f;
  f.CreateGroup("g");
  json tags = json::object();
  for (int i = 0; i < 50; ++i) tags["k" + std::to_string(i)] = "v";
  f.Ok("TagResource", {{"resourceArn", kArn}, {"tags", tags}});
  f.Ok("TagResource", {{"resourceArn", kArn}, {"tags", {{"k0", "overwrite"}}}});  // still 50
  ApiError e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", {{"one-more", "v"}}}});
  CHECK(e.type == "TooManyTagsException");
  CHECK(e.http_status == 400);
  REQUIRE(e.extra_fields.size() == 1);
  CHECK(e.extra_fields[0] == std::pair<std::string, std::string>{"resourceName", kArn});
  e = f.Err("TagLogGroup", {{"logGroupName", "g"}, {"tags", {{"one-more", "v"}}}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(f.Ok("ListTagsForResource", {{"resourceArn", kArn}})["tags"].size() == 50);
  tags["k50"] = "v";
  e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", tags}});
  CHECK(e.type == "InvalidParameterException");  // 51 in one request: a schema violation
  CHECK(e.message.ends_with(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"));
}

TEST_CASE("Tagging validates ARNs, keys and values", "[api][tags]") {
  ApiFixture f;
  f.CreateGroup("g");
  ApiError e =
      f.Err("TagResource", {{"resourceArn", std::string(kArn) + ":*"}, {"tags", {{"a", "b"}}}});
  CHECK(e.message ==
        "1 validation error detected: Value 'arn:aws:logs:us-east-1:123456789012:log-group:g:*' at "
        "'resourceArn' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: [\\w+=/:,.@-]*");
  e = f.Err("TagResource", {{"resourceArn", "arn:aws:logs:us-east-1:123456789012:log-group:nope"},
                            {"tags", {{"a", "b"}}}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("ListTagsForResource",
            {{"resourceArn", "arn:aws:logs:us-east-1:999999999999:log-group:g"}});
  CHECK(e.type == "ResourceNotFoundException");
  e = f.Err("ListTagsForResource", {{"resourceArn", "g"}});
  CHECK(e.type == "ResourceNotFoundException");
  e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", {{std::string(129, 'k'), "v"}}}});
  CHECK(e.message.ends_with("Member must have length less than or equal to 128"));
  e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", {{"k", std::string(257, 'v')}}}});
  CHECK(e.message.ends_with("Member must have length less than or equal to 256"));
  e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", {{"k", "v*"}}}});
  CHECK(e.message.find("at 'tags.k.member.value' failed to satisfy constraint: Member must satisfy "
                       "regular expression pattern") != std::string::npos);
  e = f.Err("TagResource", {{"resourceArn", kArn}, {"tags", {{"aws:reserved", "v"}}}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("TagResource", {{"resourceArn", kArn}});
  CHECK(e.message.find("Value null at 'tags'") != std::string::npos);
  e = f.Err("UntagResource", {{"resourceArn", kArn}});
  CHECK(e.message.find("Value null at 'tagKeys'") != std::string::npos);
  f.Ok("TagResource", {{"resourceArn", kArn}, {"tags", {{"Ünïcödé 名前", ""}}}});
}

TEST_CASE("PutLogGroupDeletionProtection toggles protection of deletes",
          "[api][deletion_protection]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  CHECK(f.Ok("PutLogGroupDeletionProtection",
             {{"logGroupIdentifier", "g"}, {"deletionProtectionEnabled", true}}) == json::object());
  CHECK(Group(f)["deletionProtectionEnabled"] == true);
  ApiError e = f.Err("DeleteLogGroup", {{"logGroupName", "g"}});
  CHECK(e.type == "ValidationException");
  e = f.Err("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  CHECK(e.type == "ValidationException");
  f.Ok("PutLogGroupDeletionProtection",
       {{"logGroupIdentifier", std::string(kArn) + ":*"}, {"deletionProtectionEnabled", false}});
  CHECK(Group(f)["deletionProtectionEnabled"] == false);
  f.Ok("DeleteLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  f.Ok("DeleteLogGroup", {{"logGroupName", "g"}});

  e = f.Err("PutLogGroupDeletionProtection",
            {{"logGroupIdentifier", "g"}, {"deletionProtectionEnabled", true}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("PutLogGroupDeletionProtection", {{"logGroupIdentifier", "g"}});
  CHECK(e.message.find("Value null at 'deletionProtectionEnabled'") != std::string::npos);
  e = f.Err("PutLogGroupDeletionProtection",
            {{"logGroupIdentifier", "g"}, {"deletionProtectionEnabled", "true"}});
  CHECK(e.type == "SerializationException");
}

TEST_CASE("AssociateKmsKey and DisassociateKmsKey set and clear kmsKeyId", "[api][kms]") {
  ApiFixture f;
  f.CreateGroup("g");
  const std::string key =
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK(f.Ok("AssociateKmsKey", {{"logGroupName", "g"}, {"kmsKeyId", key}}) == json::object());
  CHECK(Group(f)["kmsKeyId"] == key);
  CHECK(f.Ok("DisassociateKmsKey", {{"logGroupName", "g"}}) == json::object());
  CHECK_FALSE(Group(f).contains("kmsKeyId"));
  f.Ok("AssociateKmsKey", {{"resourceIdentifier", kArn}, {"kmsKeyId", key}});
  CHECK(Group(f)["kmsKeyId"] == key);
  f.Ok("DisassociateKmsKey", {{"resourceIdentifier", kArn}});
  CHECK_FALSE(Group(f).contains("kmsKeyId"));
  f.Ok("AssociateKmsKey",
       {{"resourceIdentifier", "arn:aws:logs:us-east-1:123456789012:query-result:*"},
        {"kmsKeyId", key}});

  ApiError e = f.Err("AssociateKmsKey", {{"logGroupName", "nope"}, {"kmsKeyId", key}});
  CHECK(e.type == "ResourceNotFoundException");
  CHECK(e.message == "The specified log group does not exist.");
  e = f.Err("AssociateKmsKey", {{"logGroupName", "g"}});
  CHECK(e.message.find("Value null at 'kmsKeyId'") != std::string::npos);
  e = f.Err("AssociateKmsKey",
            {{"logGroupName", "g"}, {"resourceIdentifier", kArn}, {"kmsKeyId", key}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("AssociateKmsKey", {{"kmsKeyId", key}});
  CHECK(e.type == "InvalidParameterException");
  e = f.Err("AssociateKmsKey", {{"logGroupName", "g"}, {"kmsKeyId", std::string(257, 'k')}});
  CHECK(e.message.ends_with("Member must have length less than or equal to 256"));
  e = f.Err("DisassociateKmsKey", {{"logGroupName", "nope"}});
  CHECK(e.type == "ResourceNotFoundException");
}

}  // namespace
}  // namespace cwlogd::api::testing
