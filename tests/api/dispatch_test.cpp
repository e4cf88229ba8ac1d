#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

ApiError ErrorOf(const ApiResult& r) {
  REQUIRE(std::holds_alternative<ApiError>(r));
  return std::get<ApiError>(r);
}

TEST_CASE("Dispatch answers an unknown target with UnknownOperationException", "[api][dispatch]") {
  ApiFixture f;
  storage::FakeClock clock(kNow);
  ApiOptions options;
  Context ctx{f.store(), clock, options, f.metric_filter_cache(), f.partition()};
  for (std::string_view target :
       {"Logs_20140328.NoSuchOperation", "CreateLogGroup", "Logs_20990101.CreateLogGroup", ""}) {
    ApiError e = ErrorOf(Dispatch(target, "{}", ctx));
    CHECK(e.type == "UnknownOperationException");
    CHECK(e.http_status == 400);
  }
}

TEST_CASE("Dispatch refuses bodies that are not a JSON object", "[api][dispatch]") {
  ApiFixture f;
  for (std::string_view body : {"", "not json", "[]", "42", "\"s\"", "{\"a\":", "null", "{} {}"}) {
    ApiError e = ErrorOf(f.Raw("DescribeLogGroups", body));
    INFO(body);
    CHECK(e.type == "SerializationException");
    CHECK(e.http_status == 400);
  }
}

TEST_CASE("Dispatch refuses bodies nested deeper than max_json_depth", "[api][dispatch]") {
  ApiFixture f;
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(ErrorOf(f.Raw("DescribeLogGroups", deep)).type == "SerializationException");
  // Brackets inside strings do not count.
  std::string in_string = "{\"logGroupNamePrefix\":\"" + std::string(100, '[') + "\"}";
  CHECK(ErrorOf(f.Raw("DescribeLogGroups", in_string)).type == "InvalidParameterException");
  f.options().max_json_depth = 2;
  CHECK(ErrorOf(f.Raw("DescribeLogGroups", "{\"a\":{\"b\":{}}}")).type == "SerializationException");
  CHECK(std::holds_alternative<json>(f.Raw("DescribeLogGroups", "{\"a\":{\"b\":1}}")));
}

TEST_CASE("Dispatch gives SerializationException for a member of the wrong type",
          "[api][dispatch]") {
  ApiFixture f;
  CHECK(f.Err("CreateLogGroup", {{"logGroupName", 5}}).type == "SerializationException");
  CHECK(f.Err("DescribeLogGroups", {{"limit", "5"}}).type == "SerializationException");
  CHECK(f.Err("DescribeLogGroups", {{"limit", json::array()}}).type == "SerializationException");
  CHECK(f.Err("DescribeLogStreams", {{"logGroupName", "g"}, {"descending", "yes"}}).type ==
        "SerializationException");
  CHECK(f.Err("CreateLogGroup", {{"logGroupName", "g"}, {"tags", json::array()}}).type ==
        "SerializationException");
  // Wrong type wins over a constraint violation elsewhere in the request.
  ApiError e = f.Err("DescribeLogGroups", {{"limit", 500}, {"logGroupNamePrefix", 7}});
  CHECK(e.type == "SerializationException");
}

TEST_CASE("Dispatch ignores unknown members and treats null as absent", "[api][dispatch]") {
  ApiFixture f;
  f.Ok("CreateLogGroup",
       {{"logGroupName", "g"}, {"someFutureMember", {{"x", 1}}}, {"kmsKeyId", nullptr}});
  json groups = f.Ok("DescribeLogGroups", {{"limit", nullptr}})["logGroups"];
  REQUIRE(groups.size() == 1);
  CHECK_FALSE(groups[0].contains("kmsKeyId"));
}

TEST_CASE("Dispatch decodes invalid UTF-8 bytes as U+FFFD", "[api][dispatch]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  std::string body = R"({"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":)" +
                     std::to_string(kNow) + R"(,"message":"a)" + std::string("\xff\xfe") +
                     R"(b"}]})";
  ApiResult r = f.Raw("PutLogEvents", body);
  REQUIRE(std::holds_alternative<json>(r));
  json events = f.Ok("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}})["events"];
  REQUIRE(events.size() == 1);
  CHECK(events[0]["message"] ==
        "a\xEF\xBF\xBD\xEF\xBF\xBD"
        "b");
}

}  // namespace
}  // namespace cwlogd::api::testing
