#include "agent/client.h"

#include <chrono>
#include <ctime>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>
#include <zlib.h>

namespace cwlogd::agent {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool CallResult::retryable() const {
  if (status == 0 || status >= 500) return true;
  return error_type == "ThrottlingException" || error_type == "ServiceUnavailableException" ||
         error_type == "LimitExceededException" || error_type == "RequestTimeout";
}

std::string AmzDate(int64_t unix_seconds) {
  const auto t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct LogsClient::Connection {
  asio::io_context io;
  asio::ssl::context ssl_ctx{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool https = false;
  std::string host;
  std::string port;
  std::string host_header;
  bool connected = false;
};

LogsClient::LogsClient(ClientOptions options)
    : options_(std::move(options)), conn_(std::make_unique<Connection>()) {
  std::string url = options_.endpoint;
  if (url.empty()) url = "https://logs." + options_.region + ".amazonaws.com";
  if (url.rfind("https://", 0) == 0) {
    conn_->https = true;
    url = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    url = url.substr(7);
  }
  if (const size_t slash = url.find('/'); slash != std::string::npos) url.resize(slash);
  conn_->host_header = url;
  const size_t colon = url.rfind(':');
  if (colon != std::string::npos && url.find(']') == std::string::npos) {
    conn_->host = url.substr(0, colon);
    conn_->port = url.substr(colon + 1);
  } else {
    conn_->host = url;
    conn_->port = conn_->https ? "443" : "80";
  }
  if (conn_->https) {
    conn_->ssl_ctx.set_default_verify_paths();
    conn_->ssl_ctx.set_verify_mode(options_.verify_tls ? asio::ssl::verify_peer
                                                       : asio::ssl::verify_none);
  }
}

LogsClient::~LogsClient() = default;

CallResult LogsClient::Call(std::string_view operation, std::string_view body) {
  CallResult result;
  Connection& c = *conn_;
  const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
  std::string payload = options_.gzip ? Gzip(body) : std::string(body);
  const std::string target = "Logs_20140328." + std::string(operation);
  const std::string date = AmzDate(std::time(nullptr));

  SigningRequest sreq;
  sreq.headers = {{"host", c.host_header},
                  {"x-amz-date", date},
                  {"x-amz-target", target},
                  {"content-type", "application/x-amz-json-1.1"}};
  if (options_.gzip) sreq.headers.emplace_back("content-encoding", "gzip");
  if (!options_.credentials.session_token.empty()) {
    sreq.headers.emplace_back("x-amz-security-token", options_.credentials.session_token);
  }
  sreq.payload = payload;
  sreq.amz_date = date;
  sreq.region = options_.region;

  http::request<http::string_body> req{http::verb::post, "/", 11};
  for (const auto& [name, value] : sreq.headers) req.set(name, value);
  req.set(http::field::authorization, SignV4(sreq, options_.credentials));
  req.set(http::field::user_agent, "cwlogd-agent/0.1");
  req.keep_alive(true);
  req.body() = std::move(payload);
  req.prepare_payload();

  // One retry on a kept-alive connection the server may have closed meanwhile.
  for (int attempt = 0; attempt < 2; ++attempt) {
    beast::error_code ec;
    const bool reused = c.connected;
    if (!c.connected) {
      tcp::resolver resolver(c.io);
      auto endpoints = resolver.resolve(c.host, c.port, ec);
      if (ec) {
        result.message = "resolve " + c.host + ": " + ec.message();
        return result;
      }
      if (c.https) {
        c.tls.emplace(c.io, c.ssl_ctx);
        beast::get_lowest_layer(*c.tls).expires_after(timeout);
        beast::get_lowest_layer(*c.tls).connect(endpoints, ec);
        if (!ec) {
          SSL_set_tlsext_host_name(c.tls->native_handle(), c.host.c_str());
          c.tls->handshake(asio::ssl::stream_base::client, ec);
        }
      } else {
        c.plain.emplace(c.io);
        c.plain->expires_after(timeout);
        c.plain->connect(endpoints, ec);
      }
      if (ec) {
        result.message = "connect " + c.host + ":" + c.port + ": " + ec.message();
        c.plain.reset();
        c.tls.reset();
        return result;
      }
      c.connected = true;
      c.buffer.clear();
    }
    http::response<http::string_body> res;
    http::response_parser<http::string_body> parser;
    parser.body_limit(uint64_t{16} * 1024 * 1024);
    if (c.https) {
      beast::get_lowest_layer(*c.tls).expires_after(timeout);
      http::write(*c.tls, req, ec);
      if (!ec) http::read(*c.tls, c.buffer, parser, ec);
    } else {
      c.plain->expires_after(timeout);
      http::write(*c.plain, req, ec);
      if (!ec) http::read(*c.plain, c.buffer, parser, ec);
    }
    if (ec) {
      c.connected = false;
      c.plain.reset();
      c.tls.reset();
      result.message = std::string("request failed: ") + ec.message();
      if (reused) continue;
      return result;
    }
    res = parser.release();
    if (!res.keep_alive()) {
      c.connected = false;
      c.plain.reset();
      c.tls.reset();
    }
    result.status = static_cast<int>(res.result_int());
    result.body = std::move(res.body());
    if (result.status != 200) {
      const auto j = nlohmann::json::parse(result.body, nullptr, false);
      std::string type;
      if (j.is_object()) {
        if (auto it = j.find("__type"); it != j.end() && it->is_string()) type = *it;
        for (const char* key : {"message", "Message"}) {
          if (auto it = j.find(key); it != j.end() && it->is_string()) result.message = *it;
        }
      }
      if (type.empty()) type = std::string(res["x-amzn-ErrorType"]);
      if (const size_t colon = type.find(':'); colon != std::string::npos) type.resize(colon);
      if (const size_t hash = type.rfind('#'); hash != std::string::npos)
        type = type.substr(hash + 1);
      result.error_type = type;
    }
    return result;
  }
  return result;
}

}  // namespace cwlogd::agent
