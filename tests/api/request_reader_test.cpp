#include "tests/catch2.h"

#include "api/request_reader.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;

TEST_CASE("RequestReader lists the pattern violation before the length violation", "[api][reader]") {
  json body = {{"logGroupNamePrefix", ""}};
  RequestReader in(body);
  CHECK_FALSE(in.String("logGroupNamePrefix", kLogGroupNamePrefixRule).has_value());
  REQUIRE(in.failed());
  ApiError e = in.error();
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message ==
        "2 validation errors detected: Value '' at 'logGroupNamePrefix' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; "
        "Value '' at 'logGroupNamePrefix' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1");
}

TEST_CASE("RequestReader reports a missing required member as Value null", "[api][reader]") {
  json body = json::object();
  RequestReader in(body);
  (void)in.String("logGroupName", kLogGroupNameRule, true);
  CHECK(in.error().message ==
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: "
        "Member must not be null");
}

TEST_CASE("RequestReader uses AWS's special text for names over 512 characters", "[api][reader]") {
  json body = {{"logGroupName", std::string(513, 'a')}, {"limit", 0}};
  RequestReader in(body);
  (void)in.String("logGroupName", kLogGroupNameRule, true);
  (void)in.Integer("limit", NumberRule{1, 50});
  CHECK(in.error().message ==
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.");
  json ok = {{"logGroupName", std::string(512, 'a')}};
  RequestReader in2(ok);
  CHECK(in2.String("logGroupName", kLogGroupNameRule, true).has_value());
  CHECK_FALSE(in2.failed());
}

TEST_CASE("RequestReader checks number ranges and enums", "[api][reader]") {
  json body = {{"limit", 10001}, {"orderBy", "Name"}, {"startTime", -1}};
  RequestReader in(body);
  (void)in.Integer("limit", NumberRule{1, 10000});
  constexpr std::string_view kValues[] = {"LogStreamName", "LastEventTime"};
  (void)in.Enum("orderBy", kValues);
  (void)in.Long("startTime", NumberRule{0});
  CHECK(in.error().message ==
        "3 validation errors detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000; Value 'Name' at 'orderBy' failed to "
        "satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]; "
        "Value '-1' at 'startTime' failed to satisfy constraint: Member must have value greater "
        "than or equal to 0");
}

TEST_CASE("RequestReader prints lists and maps Java-style", "[api][reader]") {
  json body = {{"names", json::array({"a", "b", "c"})}, {"tags", {{"k", "v"}}}};
  RequestReader in(body);
  (void)in.StringList("names", ListRule{1, 2}, kLogStreamNameRule);
  (void)in.StringMap("tags", ListRule{2, 50}, kTagKeyRule, kTagValueRule);
  CHECK(in.error().message ==
        "2 validation errors detected: Value '[a, b, c]' at 'names' failed to satisfy "
        "constraint: Member must have length less than or equal to 2; Value '{k=v}' at 'tags' "
        "failed to satisfy constraint: Member must have length greater than or equal to 2");
}

TEST_CASE("RequestReader addresses list elements with 1-based member paths", "[api][reader]") {
  json body = {{"names", json::array({"ok", "bad:name"})}};
  RequestReader in(body);
  (void)in.StringList("names", ListRule{1, 100}, kLogStreamNameRule);
  CHECK(in.error().message ==
        "1 validation error detected: Value 'bad:name' at 'names.2.member' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [^:*]*");
}

TEST_CASE("RequestReader converts numbers the way Coral does", "[api][reader]") {
  std::string message;
  CHECK(JsonToLong(json(12.9), &message) == 12);
  CHECK_FALSE(JsonToLong(json("12"), &message).has_value());
  CHECK(message == "STRING_VALUE can not be converted to Long");
  CHECK_FALSE(JsonToInteger(json(int64_t{1} << 40), &message).has_value());
  CHECK_FALSE(JsonToLong(json(18446744073709551615ULL), &message).has_value());
  CHECK_FALSE(JsonToString(json::object(), &message).has_value());
  CHECK(message == "Start of structure or map found where not expected.");
  CHECK_FALSE(JsonToBool(json(1), &message).has_value());
}

TEST_CASE("Tag rules accept Unicode letters and refuse symbols", "[api][reader]") {
  CHECK(kTagKeyRule.matches("Team Name_1.2:/=+-@"));
  CHECK(kTagKeyRule.matches("日本語 Ünïcödé"));
  CHECK_FALSE(kTagKeyRule.matches("a*b"));
  CHECK_FALSE(kTagKeyRule.matches("smile 🙀"));
  CHECK_FALSE(kTagKeyRule.matches(""));
  CHECK(kTagValueRule.matches(""));
  CHECK(Utf16Length("🙀") == 2);
  CHECK(Utf16Length("日本") == 2);
}

}  // namespace
}  // namespace cwlogd::api
