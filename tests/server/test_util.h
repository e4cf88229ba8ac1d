// Helpers for the server tests: a temp directory, an in-process cwlogd (Service) on
// 127.0.0.1 port 0, and a small Beast client whose every operation is bounded in time.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "server/http_types.h"
#include "server/log.h"
#include "server/options.h"
#include "server/service.h"

namespace cwlogd::server::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cwlogd-server-test-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Polls `condition` every millisecond until it holds (true) or `timeout` passes (false).
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A running cwlogd on 127.0.0.1:<free port>, serving on background threads until destroyed.
class TestServer {
 public:
  explicit TestServer(const std::function<void(Config&)>& tweak = {}) {
    config_.server.host = "127.0.0.1";
    config_.server.port = 0;
    config_.server.io_threads = 2;
    config_.storage.path = (dir_.path() / "data").string();
    if (tweak) tweak(config_);
    std::string error;
    service_ = Service::Start(config_, logger_, &error);
    if (!service_) throw std::runtime_error("cannot start the server: " + error);
    thread_ = std::thread([this] { service_->Run(); });
  }
  ~TestServer() { StopAndJoin(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  void StopAndJoin() {
    if (thread_.joinable()) {
      service_->Stop();
      thread_.join();
    }
  }

  uint16_t port() const { return service_->port(); }
  Service& service() { return *service_; }
  const Config& config() const { return config_; }

 private:
  TempDir dir_;
  Config config_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<Service> service_;
  std::thread thread_;
};

// One client connection. Every operation gives up after `timeout` (then the test fails
// instead of hanging).
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : stream_(ioc_), timeout_(timeout) {
    stream_.expires_after(timeout_);
    beast::error_code ec;
    stream_.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port),
                          [&](beast::error_code e) { ec = e; });
    Run();
    if (ec) throw std::runtime_error("connect failed: " + ec.message());
  }

  beast::error_code Write(HttpRequest request) {
    if (request.find(http::field::host) == request.end()) request.set(http::field::host, "x");
    request.prepare_payload();
    stream_.expires_after(timeout_);
    beast::error_code ec;
    http::async_write(stream_, request, [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    return ec;
  }

  beast::error_code WriteRaw(std::string_view bytes) {
    stream_.expires_after(timeout_);
    beast::error_code ec;
    net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                     [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    return ec;
  }

  // Reads one response; `ec` says why there is none (end_of_stream when the server closed).
  // `head_response`: the answer to a HEAD request (headers only, whatever Content-Length says).
  HttpResponse Read(beast::error_code& ec, bool head_response = false) {
    stream_.expires_after(timeout_);
    http::response_parser<http::string_body> parser;
    parser.skip(head_response);
    parser.body_limit(64u << 20);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    return parser.release();
  }

  HttpResponse Read() {
    beast::error_code ec;
    HttpResponse res = Read(ec);
    if (ec) throw std::runtime_error("read failed: " + ec.message());
    return res;
  }

  HttpResponse Send(HttpRequest request) {
    beast::error_code ec = Write(std::move(request));
    if (ec) throw std::runtime_error("write failed: " + ec.message());
    return Read();
  }

  // Writes `request` and reads the response at the same time (for bodies the server may refuse
  // before reading them). Returns the response; write errors are ignored.
  HttpResponse WriteWhileReading(HttpRequest request, beast::error_code& read_ec) {
    if (request.find(http::field::host) == request.end()) request.set(http::field::host, "x");
    request.prepare_payload();
    stream_.expires_after(timeout_);
    http::response_parser<http::string_body> parser;
    http::async_write(stream_, request, [](beast::error_code, std::size_t) {});
    http::async_read(stream_, buffer_, parser,
                     [&](beast::error_code e, std::size_t) { read_ec = e; });
    Run();
    return parser.release();
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
};

inline HttpRequest LogsRequest(std::string_view operation, std::string body,
                               std::string_view authorization = {}) {
  HttpRequest req{http::verb::post, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-Amz-Target", std::string("Logs_20140328.") + std::string(operation));
  req.set(http::field::content_type, "application/x-amz-json-1.1");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

inline HttpRequest GetRequest(std::string_view target) {
  HttpRequest req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  return req;
}

inline std::string AuthorizationFor(std::string_view access_key, std::string_view region) {
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key) + "/20240101/" +
         std::string(region) +
         "/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";
}

inline nlohmann::json JsonBody(const HttpResponse& res) {
  return nlohmann::json::parse(res.body(), nullptr, false);
}

}  // namespace cwlogd::server::testing
