#include "api/request_reader.h"

#include "api/detail/request_body.h"
#include "tests/catch2.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;

TEST_CASE("RequestReader lists the pattern violation before the length violation",
          "[api][reader]") {
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
  CHECK(JsonToLong(json(12.0), &message) == 12);  // a whole number written as a float
  CHECK_FALSE(JsonToLong(json("12"), &message).has_value());
  CHECK(message == "STRING_VALUE can not be converted to Long");
  CHECK_FALSE(JsonToInteger(json(int64_t{1} << 40), &message).has_value());
  CHECK_FALSE(JsonToLong(json(18446744073709551615ULL), &message).has_value());
  CHECK_FALSE(JsonToString(json::object(), &message).has_value());
  CHECK(message == "Start of structure or map found where not expected.");
  CHECK_FALSE(JsonToBool(json(1), &message).has_value());
}

// Issue #14 item 9: a fraction in an integer member is refused, not truncated.
TEST_CASE("RequestReader refuses a number with a fraction in an integer member", "[api][reader]") {
  std::string message;
  for (double fractional : {12.9, -0.5, 1e-7, 1700000000000.5}) {
    INFO(fractional);
    message.clear();
    CHECK_FALSE(JsonToLong(json(fractional), &message).has_value());
    CHECK(message == "NUMBER_VALUE can not be converted to Long");
    CHECK_FALSE(JsonToInteger(json(fractional), &message).has_value());
    CHECK(message == "NUMBER_VALUE can not be converted to Integer");
  }
  CHECK(JsonToLong(json(1e3), &message) == 1000);
  CHECK(JsonToInteger(json(-0.0), &message) == 0);
  json body = json::parse(R"({"limit":2.5,"logGroupName":"bad name"})");
  RequestReader in(body);
  (void)in.String("logGroupName", kLogGroupNameRule);
  CHECK_FALSE(in.Integer("limit", NumberRule{1, 50}).has_value());
  ApiError e = in.error();  // the deserialization problem wins over the pattern violation
  CHECK(e.type == "SerializationException");
  CHECK(e.message == "NUMBER_VALUE can not be converted to Integer");
}

// Issue #14 item 9: ParseJson finds a member named twice in one object, at any depth, in the
// same pass as the parse.
TEST_CASE("ParseJson names the first member repeated within one object", "[api][reader]") {
  auto first_duplicate = [](std::string_view text) {
    std::optional<std::string> duplicate;
    json parsed = detail::ParseJson(text, &duplicate);
    CHECK_FALSE(parsed.is_discarded());
    return duplicate;
  };
  CHECK(first_duplicate(R"({"logGroupName":"a","logGroupName":"b"})") == "logGroupName");
  CHECK(first_duplicate(R"({"a":1,"\u0061":2})") == "a");               // names compare unescaped
  CHECK(first_duplicate(R"({"x":{"k":1,"k":2},"y":1,"y":2})") == "k");  // document order
  CHECK(first_duplicate(R"({"y":1,"x":[{"k":1},{"k":2,"k":3}],"y":2})") == "k");
  CHECK(first_duplicate(R"({"k":{"k":{"k":1}},"j":[{"k":1},{"k":2}]})") == std::nullopt);
  std::string many = "{";
  for (int i = 0; i < 100; ++i) many += "\"m" + std::to_string(i) + "\":1,";
  CHECK(first_duplicate(many + "\"m99\":2}") == "m99");  // past the linear list
  CHECK(first_duplicate(many + "\"m100\":2}") == std::nullopt);
  CHECK(first_duplicate(R"([{"a":1},{"a":2}])") == std::nullopt);
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
