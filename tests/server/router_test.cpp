#include "server/router.h"

#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

#include "tests/catch2.h"
#include "tests/server/test_util.h"

using namespace cwlogd::server;
using namespace cwlogd::server::testing;

namespace {

// A Router over a real store in a temp dir, with a swappable authenticator.
struct RouterFixture {
  explicit RouterFixture(bool test_endpoints = false, bool console = true) {
    cwlogd::storage::StorageOptions so;
    so.path = (dir.path() / "data").string();
    auto opened = cwlogd::storage::OpenRocksLogStore(so);
    if (!opened.ok()) throw std::runtime_error("store: " + opened.status().message());
    store = std::move(opened).value();
    RouterOptions ro;
    ro.enable_test_endpoints = test_endpoints;
    ro.console = console;
    ro.max_body_bytes = 1 << 20;
    router = std::make_unique<Router>(
        *store, clock, api_options,
        [this](const HttpRequest& req, const RequestClass& what) {
          return authenticate(req, what);
        },
        logger, ro);
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
  REQUIRE(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
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
  for (std::string target :
       {"", "Kinesis_20131202.ListStreams", "Logs_20140328", "Logs_20140328.NoSuchOperation"}) {
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
  f.authenticate = [](const HttpRequest&, const RequestClass&) -> AuthResult {
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
  f.authenticate = [](const HttpRequest&, const RequestClass&) -> AuthResult {
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
  for (auto [verb, target] : {std::pair{http::verb::get, "/nothing"},
                              {http::verb::get, "/favicon.ico"},
                              {http::verb::get, "/console/nothing.js"},
                              {http::verb::put, "/"},
                              {http::verb::post, "/_cwlogd/nothing"},
                              {http::verb::post, "/_cwlogd/health"}}) {
    CAPTURE(target);
    HttpRequest req{verb, target, 11};
    HttpResponse res = f.router->Handle(req);
    CHECK(res.result_int() == 404);
    CHECK(JsonBody(res)["__type"] == "NotFoundException");
    CHECK(res["x-amzn-RequestId"].size() == 36);
  }
}

TEST_CASE("Router serves the console without auth at / unless it is turned off",
          "[server][router][console]") {
  SECTION("on") {
    RouterFixture f;
    f.authenticate = [](const HttpRequest&, const RequestClass&) -> AuthResult {
      return cwlogd::api::ApiError{"MissingAuthenticationTokenException", "no", 403};
    };
    HttpRequest root{http::verb::get, "/", 11};
    HttpResponse redirect = f.router->Handle(root);
    CHECK(redirect.result_int() == 302);
    CHECK(redirect[http::field::location] == "/console/");
    HttpRequest index{http::verb::get, "/console/", 11};
    HttpResponse page = f.router->Handle(index);
    CHECK(page.result_int() == 200);
    CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
  }
  SECTION("off") {
    RouterFixture f(false, false);
    for (const char* target : {"/", "/console/"}) {
      HttpRequest req{http::verb::get, target, 11};
      CHECK(f.router->Handle(req).result_int() == 404);
    }
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

TEST_CASE("Router authenticates the test endpoints, never the health check", "[server][router]") {
  RouterFixture f(true);
  int calls = 0;
  f.authenticate = [&calls](const HttpRequest&, const RequestClass& what) -> AuthResult {
    ++calls;
    CHECK(what.protocol == RequestProtocol::kCwlogdEndpoint);
    return cwlogd::api::ApiError{"MissingAuthenticationTokenException",
                                 "Missing Authentication Token", 400};
  };
  for (const char* path : {"/_cwlogd/reset", "/_cwlogd/clock", "/_cwlogd/sweep"}) {
    HttpRequest req{http::verb::post, path, 11};
    req.body() = R"({"offsetMs":1})";
    HttpResponse res = f.router->Handle(req);
    CHECK(res.result_int() == 400);
    CHECK(JsonBody(res)["__type"] == "MissingAuthenticationTokenException");
  }
  CHECK(calls == 3);
  CHECK(f.clock.offset_ms() == 0);
  HttpRequest health = GetRequest("/_cwlogd/health");
  CHECK(f.router->Handle(health).result_int() == 200);
  CHECK(calls == 3);
}

TEST_CASE("Router hands the authenticator the request's classification", "[server][router]") {
  RouterFixture f;
  std::vector<RequestProtocol> seen;
  f.authenticate = [&seen](const HttpRequest& req, const RequestClass& what) -> AuthResult {
    seen.push_back(what.protocol);
    return UnverifiedAuthenticator()(req, what);
  };
  HttpRequest logs = LogsRequest("DescribeLogGroups", "{}");
  f.router->Handle(logs);
  HttpRequest cbor{http::verb::post, "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                   11};
  f.router->Handle(cbor);
  HttpRequest query{http::verb::get, "/?Action=ListMetrics&Version=2010-08-01", 11};
  f.router->Handle(query);
  CHECK(seen == std::vector<RequestProtocol>{RequestProtocol::kLogsJson11,
                                             RequestProtocol::kCloudWatchCbor,
                                             RequestProtocol::kCloudWatchQuery});
  CHECK(IsCloudWatch(RequestProtocol::kCloudWatchJson10));
  CHECK_FALSE(IsCloudWatch(RequestProtocol::kLogsJson11));
  CHECK_FALSE(IsCloudWatch(RequestProtocol::kCwlogdEndpoint));
}

TEST_CASE("ClassifyRequest names each request's protocol once", "[server][router]") {
  HttpRequest health{http::verb::get, "/_cwlogd/health", 11};
  CHECK(ClassifyRequest(health).protocol == RequestProtocol::kCwlogdEndpoint);

  HttpRequest json{http::verb::post, "/", 11};
  json.set("X-Amz-Target", "GraniteServiceVersion20100801.PutMetricData");
  CHECK(ClassifyRequest(json).protocol == RequestProtocol::kCloudWatchJson10);
  HttpRequest cbor{http::verb::post, "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                   11};
  CHECK(ClassifyRequest(cbor).protocol == RequestProtocol::kCloudWatchCbor);
  HttpRequest query{http::verb::get, "/?Action=ListMetrics", 11};
  CHECK(ClassifyRequest(query).protocol == RequestProtocol::kCloudWatchQuery);

  HttpRequest logs = LogsRequest("PutLogEvents", "{}");
  RequestClass logs_class = ClassifyRequest(logs);
  CHECK(logs_class.protocol == RequestProtocol::kLogsJson11);
  CHECK(logs_class.amz_target == "Logs_20140328.PutLogEvents");

  HttpRequest get{http::verb::get, "/", 11};
  CHECK(ClassifyRequest(get).protocol == RequestProtocol::kNoRoute);
  HttpRequest no_target{http::verb::post, "/", 11};
  CHECK(ClassifyRequest(no_target).protocol == RequestProtocol::kMissingLogsTarget);
  HttpRequest other{http::verb::post, "/", 11};
  other.set("X-Amz-Target", "DynamoDB_20120810.ListTables");
  CHECK(ClassifyRequest(other).protocol == RequestProtocol::kUnknownLogsTarget);
}

TEST_CASE("STS requests are told apart from CloudWatch query and Logs requests",
          "[server][router][sts]") {
  const std::string sts_auth =
      "AWS4-HMAC-SHA256 Credential=123456789012/20260101/eu-west-1/sts/aws4_request, "
      "SignedHeaders=host, Signature=00";
  HttpRequest signed_form{http::verb::post, "/", 11};
  signed_form.set(http::field::content_type, "application/x-www-form-urlencoded");
  signed_form.set(http::field::authorization, sts_auth);
  signed_form.body() = "Action=GetCallerIdentity&Version=2011-06-15";
  CHECK(ClassifyRequest(signed_form).protocol == RequestProtocol::kStsQuery);
  HttpRequest unsigned_form{http::verb::post, "/", 11};
  unsigned_form.set(http::field::content_type, "application/x-www-form-urlencoded; charset=utf-8");
  unsigned_form.body() = "Version=2011-06-15&Action=GetCallerIdentity";
  CHECK(ClassifyRequest(unsigned_form).protocol == RequestProtocol::kStsQuery);
  HttpRequest metrics_form{http::verb::post, "/", 11};
  metrics_form.set(http::field::content_type, "application/x-www-form-urlencoded");
  metrics_form.body() = "Action=ListMetrics&Version=2010-08-01";
  CHECK(ClassifyRequest(metrics_form).protocol == RequestProtocol::kCloudWatchQuery);
  // A Logs request signed for the wrong service stays a Logs request (its auth error is Logs').
  HttpRequest logs = LogsRequest("DescribeLogGroups", "{}");
  logs.set(http::field::authorization, sts_auth);
  CHECK(ClassifyRequest(logs).protocol == RequestProtocol::kLogsJson11);

  RouterFixture f;
  signed_form.prepare_payload();
  HttpResponse answer = f.router->Handle(signed_form);
  CHECK(answer.result_int() == 200);
  CHECK(answer[http::field::content_type] == "text/xml");
  CHECK(answer.body().find("<Account>123456789012</Account>") != std::string::npos);
  CHECK(answer.body().find("<Arn>arn:aws:iam::123456789012:root</Arn>") != std::string::npos);
  HttpRequest other{http::verb::post, "/", 11};
  other.set(http::field::content_type, "application/x-www-form-urlencoded");
  other.set(http::field::authorization, sts_auth);
  other.body() = "Action=AssumeRole&Version=2011-06-15";
  other.prepare_payload();
  answer = f.router->Handle(other);
  CHECK(answer.result_int() == 400);
  CHECK(answer.body().find("<Code>InvalidAction</Code>") != std::string::npos);
}

TEST_CASE("A metrics request gets its gzip body inflated by the pipeline", "[server][router]") {
  RouterFixture f;
  HttpRequest req{http::verb::post, "/", 11};
  req.set("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics");
  req.set(http::field::content_type, "application/x-amz-json-1.0");
  req.set(http::field::content_encoding, " GZIP ");
  req.body() = Gzip("{}");
  req.prepare_payload();
  CHECK(f.router->Handle(req).result_int() == 200);

  HttpRequest bad{http::verb::post, "/", 11};
  bad.set("X-Amz-Target", "GraniteServiceVersion20100801.ListMetrics");
  bad.set(http::field::content_type, "application/x-amz-json-1.0");
  bad.set(http::field::content_encoding, "br");
  bad.body() = "{}";
  bad.prepare_payload();
  HttpResponse res = f.router->Handle(bad);
  CHECK(res.result_int() == 400);
  CHECK(JsonBody(res)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
}
