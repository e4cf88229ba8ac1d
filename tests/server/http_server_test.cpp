// The HTTP server in-process: a real Service (RocksLogStore in a temp dir) on 127.0.0.1 port 0,
// driven by a Beast client over loopback.
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/catch2.h"
#include "tests/server/test_util.h"

using namespace cwlogd::server;
using namespace cwlogd::server::testing;
using std::chrono::milliseconds;

namespace {

bool ServerClosed(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == http::error::partial_message;
}

}  // namespace

TEST_CASE("HTTP server answers the health endpoint", "[server][http]") {
  TestServer server;
  Client client(server.port());
  HttpResponse res = client.Send(GetRequest("/_cwlogd/health"));
  CHECK(res.result_int() == 200);
  CHECK(JsonBody(res) == nlohmann::json{{"status", "ok"}});
  CHECK(res["x-amzn-RequestId"].size() == 36);
  CHECK_FALSE(res[http::field::date].empty());
}

TEST_CASE("HTTP server answers HEAD with headers only", "[server][http]") {
  TestServer server;
  Client client(server.port());
  // HEAD then GET on the same connection: a stray HEAD body would corrupt the GET response.
  REQUIRE_FALSE(
      client.WriteRaw("HEAD /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  beast::error_code ec;
  HttpResponse head = client.Read(ec, /*head_response=*/true);
  REQUIRE_FALSE(ec);
  CHECK(head.result_int() == 200);
  CHECK(head[http::field::content_length] == "15");
  CHECK(head.body().empty());
  HttpResponse get = client.Read();
  CHECK(get.result_int() == 200);
  CHECK(get.body() == R"({"status":"ok"})");
}

TEST_CASE("HTTP server reports an unknown target as UnknownOperationException", "[server][http]") {
  TestServer server;
  Client client(server.port());
  HttpResponse res = client.Send(LogsRequest("DoesNotExist", "{}"));
  CHECK(res.result_int() == 400);
  CHECK(res[http::field::content_type] == "application/x-amz-json-1.1");
  CHECK(res["X-Amzn-ErrorType"] == "UnknownOperationException");
  CHECK(res["x-amzn-RequestId"].size() == 36);
  auto body = JsonBody(res);
  CHECK(body["__type"] == "UnknownOperationException");
  CHECK(body.contains("message"));
}

TEST_CASE("HTTP server answers malformed JSON with SerializationException", "[server][http]") {
  TestServer server;
  Client client(server.port());
  for (const std::string& body : {std::string("{not json"), std::string("[]"), std::string("\"x\""),
                                  std::string("{\"logGroupName\":\xff\xfe}")}) {
    CAPTURE(body);
    HttpResponse res = client.Send(LogsRequest("CreateLogGroup", body));
    CHECK(res.result_int() == 400);
    CHECK(JsonBody(res)["__type"] == "SerializationException");
  }
  // The connection is still usable afterwards.
  CHECK(client.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
}

TEST_CASE("HTTP server refuses a body over the limit with 413 and closes", "[server][http]") {
  TestServer server([](Config& c) { c.server.max_body_bytes = 1024; });

  SECTION("declared by Content-Length") {
    Client client(server.port());
    HttpRequest req = LogsRequest("PutLogEvents", std::string(4096, 'x'));
    beast::error_code ec;
    HttpResponse res = client.WriteWhileReading(std::move(req), ec);
    REQUIRE_FALSE(ec);
    CHECK(res.result_int() == 413);
    CHECK(res["X-Amzn-ErrorType"] == "SerializationException");
    auto body = JsonBody(res);
    CHECK(body["__type"] == "SerializationException");
    CHECK_THAT(body["message"].get<std::string>(), ContainsSubstring("1024"));
    CHECK_FALSE(res.keep_alive());
    client.Read(ec);
    CHECK(ServerClosed(ec));
  }
  SECTION("much larger than the socket buffers: the 413 still arrives") {
    Client client(server.port());
    beast::error_code ec;
    HttpResponse res =
        client.WriteWhileReading(LogsRequest("PutLogEvents", std::string(8 << 20, 'y')), ec);
    REQUIRE_FALSE(ec);
    CHECK(res.result_int() == 413);
  }
  SECTION("chunked, without a length") {
    Client client(server.port());
    std::string raw =
        "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.PutLogEvents\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i) raw += "200\r\n" + std::string(512, 'z') + "\r\n";
    raw += "0\r\n\r\n";
    REQUIRE_FALSE(client.WriteRaw(raw));
    HttpResponse res = client.Read();
    CHECK(res.result_int() == 413);
  }
  SECTION("a body at the limit is accepted") {
    Client client(server.port());
    std::string body = R"({"logGroupName":")" + std::string(1024 - 19, 'a') + R"("})";
    REQUIRE(body.size() == 1024);
    HttpResponse res = client.Send(LogsRequest("CreateLogGroup", body));
    CHECK(res.result_int() != 413);
  }
}

TEST_CASE("HTTP server refuses oversized headers with 431", "[server][http]") {
  TestServer server([](Config& c) { c.server.max_header_bytes = 2048; });
  Client client(server.port());
  HttpRequest req = GetRequest("/_cwlogd/health");
  req.set("X-Padding", std::string(8192, 'p'));
  beast::error_code ec;
  HttpResponse res = client.WriteWhileReading(std::move(req), ec);
  REQUIRE_FALSE(ec);
  CHECK(res.result_int() == 431);
  CHECK(JsonBody(res)["__type"] == "SerializationException");
}

TEST_CASE("HTTP server answers a garbled request line with 400 and closes", "[server][http]") {
  TestServer server;
  Client client(server.port());
  REQUIRE_FALSE(client.WriteRaw("THIS IS NOT HTTP\r\n\r\n"));
  beast::error_code ec;
  HttpResponse res = client.Read(ec);
  REQUIRE_FALSE(ec);
  CHECK(res.result_int() == 400);
  CHECK(JsonBody(res).is_object());
  client.Read(ec);
  CHECK(ServerClosed(ec));
}

TEST_CASE("HTTP server keeps a connection alive across requests", "[server][http]") {
  TestServer server;
  Client client(server.port());
  std::set<std::string> request_ids;
  CHECK(client.Send(LogsRequest("CreateLogGroup", R"({"logGroupName":"ka"})")).result_int() == 200);
  for (int i = 0; i < 5; ++i) {
    HttpResponse res = client.Send(LogsRequest("DescribeLogGroups", "{}"));
    CHECK(res.result_int() == 200);
    CHECK(res.keep_alive());
    CHECK(JsonBody(res)["logGroups"].size() == 1);
    request_ids.insert(std::string(res["x-amzn-RequestId"]));
  }
  CHECK(request_ids.size() == 5);
  CHECK(server.service().http().open_connections() == 1);
}

TEST_CASE("HTTP server answers pipelined requests in order", "[server][http]") {
  TestServer server([](Config& c) { c.server.max_pipeline = 2; });
  Client client(server.port());
  std::string raw;
  const int kRequests = 7;  // more than the pipeline cap, so reading pauses and resumes
  for (int i = 0; i < kRequests; ++i) {
    if (i % 2 == 0) {
      raw += "GET /_cwlogd/health HTTP/1.1\r\nHost: x\r\n\r\n";
    } else {
      raw += "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.Nope" + std::to_string(i) +
             "\r\nContent-Length: 2\r\n\r\n{}";
    }
  }
  REQUIRE_FALSE(client.WriteRaw(raw));
  for (int i = 0; i < kRequests; ++i) {
    CAPTURE(i);
    HttpResponse res = client.Read();
    CHECK(res.result_int() == (i % 2 == 0 ? 200 : 400));
  }
}

TEST_CASE("HTTP server closes after a Connection: close request", "[server][http]") {
  TestServer server;
  Client client(server.port());
  HttpRequest req = GetRequest("/_cwlogd/health");
  req.keep_alive(false);
  HttpResponse res = client.Send(std::move(req));
  CHECK(res.result_int() == 200);
  CHECK_FALSE(res.keep_alive());
  beast::error_code ec;
  client.Read(ec);
  CHECK(ServerClosed(ec));
}

TEST_CASE("HTTP server times out a client that stops sending", "[server][http]") {
  // The body deadline cuts the stalled body; the idle timeout the idle keep-alive connection.
  TestServer server([](Config& c) {
    c.server.idle_timeout = milliseconds(300);
    c.server.body_timeout = milliseconds(300);
  });
  Client client(server.port(), std::chrono::seconds(10));
  auto start = std::chrono::steady_clock::now();
  REQUIRE_FALSE(client.WriteRaw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"a"));
  beast::error_code ec;
  client.Read(ec);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(ServerClosed(ec));
  CHECK(elapsed >= milliseconds(250));
  CHECK(elapsed < std::chrono::seconds(5));

  SECTION("an idle keep-alive connection is closed too") {
    Client idle(server.port());
    CHECK(idle.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
    idle.Read(ec);
    CHECK(ServerClosed(ec));
  }
}

TEST_CASE("HTTP server sends 100 Continue to a client that expects it", "[server][http]") {
  TestServer server;
  Client client(server.port());
  std::string body = R"({"logGroupName":"expect"})";
  REQUIRE_FALSE(
      client.WriteRaw("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.CreateLogGroup\r\n"
                      "Expect: 100-continue\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  HttpResponse interim = client.Read();
  CHECK(interim.result_int() == 100);
  REQUIRE_FALSE(client.WriteRaw(body));
  CHECK(client.Read().result_int() == 200);
}

TEST_CASE("HTTP server at the cap evicts the connection waiting longest", "[server][http]") {
  TestServer server([](Config& c) { c.server.max_connections = 2; });
  Client a(server.port());
  Client b(server.port());
  REQUIRE(a.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
  REQUIRE(b.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
  // A client can read its answer before the server has seen the write complete; until then
  // the connection is not waiting (and not evictable).
  REQUIRE(WaitFor([&] { return server.service().http().requests_in_flight() == 0; }));

  // a has waited longest for its next request: the new connection takes its place.
  Client c(server.port());
  CHECK(c.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
  beast::error_code ec = a.Write(GetRequest("/_cwlogd/health"));
  if (!ec) a.Read(ec);
  CHECK(ServerClosed(ec));
  CHECK(b.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
}

TEST_CASE("HTTP server keeps partitions apart by Authorization", "[server][http]") {
  TestServer server;
  Client client(server.port());
  std::string alice = AuthorizationFor("123456789012", "eu-west-1");
  REQUIRE(client.Send(LogsRequest("CreateLogGroup", R"({"logGroupName":"mine"})", alice))
              .result_int() == 200);
  CHECK(JsonBody(client.Send(LogsRequest("DescribeLogGroups", "{}", alice)))["logGroups"].size() ==
        1);
  CHECK(JsonBody(client.Send(LogsRequest("DescribeLogGroups", "{}")))["logGroups"].empty());
  CHECK(JsonBody(client.Send(LogsRequest(
      "DescribeLogGroups", "{}", AuthorizationFor("123456789012", "eu-west-2"))))["logGroups"]
            .empty());
}

TEST_CASE("HTTP server reset endpoint needs --enable-test-endpoints", "[server][http]") {
  SECTION("disabled by default") {
    TestServer server;
    Client client(server.port());
    HttpRequest req{http::verb::post, "/_cwlogd/reset", 11};
    HttpResponse res = client.Send(std::move(req));
    CHECK(res.result_int() == 404);
    CHECK(JsonBody(res)["__type"] == "NotFoundException");
  }
  SECTION("enabled") {
    TestServer server([](Config& c) { c.server.enable_test_endpoints = true; });
    Client client(server.port());
    REQUIRE(client.Send(LogsRequest("CreateLogGroup", R"({"logGroupName":"gone"})")).result_int() ==
            200);
    HttpResponse res = client.Send(HttpRequest{http::verb::post, "/_cwlogd/reset", 11});
    CHECK(res.result_int() == 200);
    CHECK(res.body() == "{}");
    CHECK(JsonBody(client.Send(LogsRequest("DescribeLogGroups", "{}")))["logGroups"].empty());
  }
}

TEST_CASE("HTTP server stops promptly with idle connections open", "[server][http]") {
  TestServer server;
  Client idle(server.port());
  REQUIRE(idle.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
  auto start = std::chrono::steady_clock::now();
  server.StopAndJoin();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("HTTP server serves many clients on several threads", "[server][http][concurrency]") {
  TestServer server([](Config& c) { c.server.io_threads = 4; });
  Client setup(server.port());
  REQUIRE(setup.Send(LogsRequest("CreateLogGroup", R"({"logGroupName":"conc"})")).result_int() ==
          200);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Client c(server.port());
      std::string stream = "s" + std::to_string(t);
      if (c.Send(LogsRequest("CreateLogStream",
                             R"({"logGroupName":"conc","logStreamName":")" + stream + R"("})"))
              .result_int() != 200) {
        return;
      }
      for (int i = 0; i < 20; ++i) {
        if (c.Send(LogsRequest("DescribeLogStreams", R"({"logGroupName":"conc"})")).result_int() ==
            200) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 8 * 20);
}
