#include <memory>
#include <regex>
#include <stdexcept>
#include <string>

#include "tests/catch2.h"
#include <zlib.h>

#include "server/router.h"
#include "tests/server/test_util.h"

using namespace cwlogd::server;
using namespace cwlogd::server::testing;

namespace {

// A Router over a real store in a temp dir, with a swappable authenticator.
struct RouterFixture {
  explicit RouterFixture(bool test_endpoints = false) {
    cwlogd::storage::StorageOptions so;
    so.path = (dir.path() / "data").string();
    auto opened = cwlogd::storage::OpenRocksLogStore(so);
    if (!opened.ok()) throw std::runtime_error("store: " + opened.status().message());
    store = std::move(opened).value();
    RouterOptions ro;
    ro.enable_test_endpoints = test_endpoints;
    ro.max_body_bytes = 1 << 20;
    router = std::make_unique<Router>(
        *store, clock, api_options,
        [this](const HttpRequest& req) { return authenticate(req); }, logger, ro);
  }

  TempDir dir;
  cwlogd::storage::SystemClock clock;
  cwlogd::api::ApiOptions api_options;
  Logger logger{LogLevel::kError};
  std::unique_ptr<cwlogd::storage::LogStore> store;
  Authenticator authenticate = UnverifiedAuthenticator();
  std::unique_ptr<Router> router;
};

std::string Gzip(std::string_view data) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

bool IsUuidV4(const std::string& s) {
  static const std::regex kUuid(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return std::regex_match(s, kUuid);
}

}  // namespace

TEST_CASE("Router renders a successful Logs call as AWS JSON 1.1", "[server][router]") {
  RouterFixture f;
  HttpRequest req = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})");
  HttpResponse res = f.router->Handle(req);
  CHECK(res.result_int() == 200);
  CHECK(res[http::field::content_type] == "application/x-amz-json-1.1");
  CHECK(IsUuidV4(std::string(res["x-amzn-RequestId"])));
  CHECK(std::regex_match(std::string(res[http::field::date]),
                         std::regex("^[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} "
                                    "\\d{2}:\\d{2}:\\d{2} GMT$")));
  CHECK(res.body() == "{}");
}

TEST_CASE("Router gives every response its own request id", "[server][router]") {
  RouterFixture f;
  HttpRequest a = GetRequest("/_cwlogd/health");
  HttpRequest b = GetRequest("/_cwlogd/health");
  CHECK(f.router->Handle(a)["x-amzn-RequestId"] != f.router->Handle(b)["x-amzn-RequestId"]);
}

TEST_CASE("Router answers a missing or foreign X-Amz-Target with UnknownOperationException",
          "[server][router]") {
  RouterFixture f;
  for (std::string target : {"", "Kinesis_20131202.ListStreams", "Logs_20140328",
                             "Logs_20140328.NoSuchOperation"}) {
    CAPTURE(target);
    HttpRequest req{http::verb::post, "/", 11};
    if (!target.empty()) req.set("X-Amz-Target", target);
    req.body() = "{}";
    req.prepare_payload();
    HttpResponse res = f.router->Handle(req);
    CHECK(res.result_int() == 400);
    CHECK(res["X-Amzn-ErrorType"] == "UnknownOperationException");
    auto body = JsonBody(res);
    REQUIRE(body.is_object());
    CHECK(body["__type"] == "UnknownOperationException");
    CHECK(body["message"].is_string());
  }
}

TEST_CASE("Router passes the caller's partition to the handlers", "[server][router]") {
  RouterFixture f;
  std::string alice = AuthorizationFor("111111111111", "eu-west-1");
  std::string bob = AuthorizationFor("222222222222", "eu-west-1");
  HttpRequest create = LogsRequest("CreateLogGroup", R"({"logGroupName":"shared-name"})", alice);
  REQUIRE(f.router->Handle(create).result_int() == 200);

  // The same name is free in another account and in another region of the same account.
  HttpRequest create_bob = LogsRequest("CreateLogGroup", R"({"logGroupName":"shared-name"})", bob);
  CHECK(f.router->Handle(create_bob).result_int() == 200);
  HttpRequest create_alice_us = LogsRequest("CreateLogGroup", R"({"logGroupName":"shared-name"})",
                                            AuthorizationFor("111111111111", "us-east-1"));
  CHECK(f.router->Handle(create_alice_us).result_int() == 200);

  HttpRequest again = LogsRequest("CreateLogGroup", R"({"logGroupName":"shared-name"})", alice);
  HttpResponse dup = f.router->Handle(again);
  CHECK(dup.result_int() == 400);
  CHECK(JsonBody(dup)["__type"] == "ResourceAlreadyExistsException");

  HttpRequest list_default = LogsRequest("DescribeLogGroups", "{}");
  auto groups = JsonBody(f.router->Handle(list_default))["logGroups"];
  REQUIRE(groups.is_array());
  CHECK(groups.empty());
}

TEST_CASE("Router renders an authentication error without calling the API", "[server][router]") {
  RouterFixture f;
  f.authenticate = [](const HttpRequest&) -> AuthResult {
    return cwlogd::api::ApiError{"UnrecognizedClientException",
                                 "The security token included in the request is invalid.", 400};
  };
  HttpRequest req = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})");
  HttpResponse res = f.router->Handle(req);
  CHECK(res.result_int() == 400);
  CHECK(res["X-Amzn-ErrorType"] == "UnrecognizedClientException");
  CHECK(JsonBody(res)["message"] == "The security token included in the request is invalid.");

  f.authenticate = UnverifiedAuthenticator();
  HttpRequest list = LogsRequest("DescribeLogGroups", "{}");
  CHECK(JsonBody(f.router->Handle(list))["logGroups"].empty());
}

TEST_CASE("Router turns an unexpected exception into 500 InternalFailure and keeps serving",
          "[server][router]") {
  RouterFixture f;
  f.authenticate = [](const HttpRequest&) -> AuthResult {
    throw std::runtime_error("boom");
  };
  HttpRequest req = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})");
  HttpResponse res = f.router->Handle(req);
  CHECK(res.result_int() == 500);
  CHECK(res["X-Amzn-ErrorType"] == "InternalFailure");
  CHECK(JsonBody(res)["__type"] == "InternalFailure");
  CHECK(IsUuidV4(std::string(res["x-amzn-RequestId"])));

  f.authenticate = UnverifiedAuthenticator();
  HttpRequest again = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})");
  CHECK(f.router->Handle(again).result_int() == 200);
}

TEST_CASE("Router inflates a gzip request body", "[server][router]") {
  RouterFixture f;
  HttpRequest req = LogsRequest("CreateLogGroup", Gzip(R"({"logGroupName":"zipped"})"));
  req.set(http::field::content_encoding, "gzip");
  REQUIRE(f.router->Handle(req).result_int() == 200);
  HttpRequest list = LogsRequest("DescribeLogGroups", "{}");
  auto groups = JsonBody(f.router->Handle(list))["logGroups"];
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]["logGroupName"] == "zipped");

  SECTION("corrupt gzip is a SerializationException") {
    HttpRequest bad = LogsRequest("CreateLogGroup", "\x1f\x8b garbage");
    bad.set(http::field::content_encoding, "gzip");
    HttpResponse res = f.router->Handle(bad);
    CHECK(res.result_int() == 400);
    CHECK(JsonBody(res)["__type"] == "SerializationException");
  }
  SECTION("an unknown encoding is a SerializationException") {
    HttpRequest bad = LogsRequest("CreateLogGroup", R"({"logGroupName":"x"})");
    bad.set(http::field::content_encoding, "br");
    CHECK(JsonBody(f.router->Handle(bad))["__type"] == "SerializationException");
  }
}

TEST_CASE("Router treats an empty body like {}", "[server][router]") {
  RouterFixture f;
  HttpRequest req = LogsRequest("DescribeLogGroups", "");
  HttpResponse res = f.router->Handle(req);
  CHECK(res.result_int() == 200);
  CHECK(JsonBody(res)["logGroups"].is_array());
}

TEST_CASE("Router answers unknown paths and methods with a 404 JSON error", "[server][router]") {
  RouterFixture f;
  for (auto [verb, target] : {std::pair{http::verb::get, "/"}, {http::verb::get, "/favicon.ico"},
                              {http::verb::put, "/"}, {http::verb::post, "/_cwlogd/nothing"},
                              {http::verb::post, "/_cwlogd/health"}}) {
    CAPTURE(target);
    HttpRequest req{verb, target, 11};
    HttpResponse res = f.router->Handle(req);
    CHECK(res.result_int() == 404);
    CHECK(JsonBody(res)["__type"] == "NotFoundException");
    CHECK(res["x-amzn-RequestId"].size() == 36);
  }
}

TEST_CASE("Router serves the test endpoints only when enabled", "[server][router]") {
  SECTION("disabled") {
    RouterFixture f(false);
    for (const char* path : {"/_cwlogd/reset", "/_cwlogd/clock"}) {
      HttpRequest req{http::verb::post, path, 11};
      req.body() = R"({"offsetMs":1})";
      CHECK(f.router->Handle(req).result_int() == 404);
    }
    CHECK(f.clock.offset_ms() == 0);
  }
  SECTION("enabled: reset wipes every partition") {
    RouterFixture f(true);
    HttpRequest create = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})",
                                     AuthorizationFor("333333333333", "eu-north-1"));
    REQUIRE(f.router->Handle(create).result_int() == 200);
    HttpRequest reset{http::verb::post, "/_cwlogd/reset", 11};
    HttpResponse res = f.router->Handle(reset);
    CHECK(res.result_int() == 200);
    CHECK(res.body() == "{}");
    HttpRequest create_again = LogsRequest("CreateLogGroup", R"({"logGroupName":"g"})",
                                           AuthorizationFor("333333333333", "eu-north-1"));
    CHECK(f.router->Handle(create_again).result_int() == 200);
  }
  SECTION("enabled: clock sets the offset") {
    RouterFixture f(true);
    HttpRequest req{http::verb::post, "/_cwlogd/clock", 11};
    req.body() = R"({"offsetMs":-3600000})";
    HttpResponse res = f.router->Handle(req);
    CHECK(res.result_int() == 200);
    CHECK(JsonBody(res)["offsetMs"] == -3600000);
    CHECK(f.clock.offset_ms() == -3600000);

    HttpRequest bad{http::verb::post, "/_cwlogd/clock", 11};
    bad.body() = R"({"offsetMs":"soon"})";
    CHECK(f.router->Handle(bad).result_int() == 400);
    CHECK(f.clock.offset_ms() == -3600000);
  }
}

TEST_CASE("IsMetricsRequest recognises the three CloudWatch protocols", "[server][router]") {
  HttpRequest json{http::verb::post, "/", 11};
  json.set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData");
  CHECK(IsMetricsRequest(json));

  HttpRequest cbor{http::verb::post, "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                   11};
  CHECK(IsMetricsRequest(cbor));
  HttpRequest cbor_header{http::verb::post, "/", 11};
  cbor_header.set("smithy-protocol", "rpc-v2-cbor");
  CHECK(IsMetricsRequest(cbor_header));

  HttpRequest query{http::verb::post, "/", 11};
  query.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  query.body() = "Action=ListMetrics&Version=2010-08-01";
  CHECK(IsMetricsRequest(query));
  HttpRequest query_get{http::verb::get, "/?Version=2010-08-01&Action=ListMetrics", 11};
  CHECK(IsMetricsRequest(query_get));

  HttpRequest logs = LogsRequest("PutLogEvents", "{}");
  CHECK_FALSE(IsMetricsRequest(logs));
  HttpRequest not_action{http::verb::get, "/?NotAction=1", 11};
  CHECK_FALSE(IsMetricsRequest(not_action));
}
