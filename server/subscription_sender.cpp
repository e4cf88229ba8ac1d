#include "server/subscription_sender.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace cwlogd::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr int kSubscriptionTimeoutSeconds = 10;

struct SubscriptionUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;  // path and query, "/" at least
};

std::optional<SubscriptionUrl> ParseSubscriptionUrl(std::string_view url) {
  SubscriptionUrl out;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.empty()) return std::nullopt;
  size_t colon = authority.rfind(':');
  if (authority.front() == '[') {  // [v6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    colon = authority.size() > close + 1 && authority[close + 1] == ':' ? close + 1
                                                                        : std::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  out.port = colon == std::string_view::npos ? (out.tls ? "443" : "80")
                                             : std::string(authority.substr(colon + 1));
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

// Blocking reads and writes give up after the timeout (the socket's own timeouts: the
// synchronous Asio calls honour them).
void SetSocketTimeouts(tcp::socket& socket) {
  timeval tv{kSubscriptionTimeoutSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

struct HttpSubscriptionSender::Impl {
  struct Connection {
    std::optional<tcp::socket> plain;
    std::optional<asio::ssl::stream<tcp::socket>> secure;
    boost::beast::flat_buffer buffer;
  };

  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::map<std::string, Connection> connections;  // by scheme, host and port

  Impl() {
    boost::system::error_code ec;
    tls.set_default_verify_paths(ec);  // without system CAs, https targets fail to verify
    tls.set_verify_mode(asio::ssl::verify_peer, ec);
  }

  bool Connect(const SubscriptionUrl& url, Connection& c, std::string* error) {
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) {
      *error = "resolve " + url.host + ": " + ec.message();
      return false;
    }
    tcp::socket socket(io);
    asio::connect(socket, endpoints, ec);
    if (ec) {
      *error = "connect " + url.host + ":" + url.port + ": " + ec.message();
      return false;
    }
    SetSocketTimeouts(socket);
    if (!url.tls) {
      c.plain.emplace(std::move(socket));
      return true;
    }
    c.secure.emplace(std::move(socket), tls);
    SSL_set_tlsext_host_name(c.secure->native_handle(), url.host.c_str());
    c.secure->set_verify_callback(asio::ssl::host_name_verification(url.host), ec);
    c.secure->handshake(asio::ssl::stream_base::client, ec);
    if (ec) {
      c.secure.reset();
      *error = "TLS handshake with " + url.host + ": " + ec.message();
      return false;
    }
    return true;
  }

  // One request and its answer on an open connection; false when either failed.
  bool Exchange(const SubscriptionUrl& url, Connection& c,
                const std::vector<std::pair<std::string, std::string>>& headers,
                const std::string& body, int* status, std::string* error) {
    http::request<http::string_body> req{http::verb::post, url.target, 11};
    req.set(http::field::host, url.host + ":" + url.port);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    http::response<http::string_body> res;
    boost::system::error_code ec;
    if (c.plain) {
      http::write(*c.plain, req, ec);
      if (!ec) http::read(*c.plain, c.buffer, res, ec);
    } else {
      http::write(*c.secure, req, ec);
      if (!ec) http::read(*c.secure, c.buffer, res, ec);
    }
    if (ec) {
      *error = "POST " + url.host + ":" + url.port + url.target + ": " + ec.message();
      return false;
    }
    *status = static_cast<int>(res.result_int());
    if (!res.keep_alive()) Close(c);
    return true;
  }

  static void Close(Connection& c) {
    boost::system::error_code ec;
    if (c.plain) c.plain->close(ec);
    if (c.secure) c.secure->lowest_layer().close(ec);
    c.plain.reset();
    c.secure.reset();
    c.buffer.clear();
  }
};

HttpSubscriptionSender::HttpSubscriptionSender() : impl_(std::make_unique<Impl>()) {}
HttpSubscriptionSender::~HttpSubscriptionSender() = default;

bool HttpSubscriptionSender::Post(const std::string& url_text, const std::string& body,
                                  std::string* error) {
  return PostWithHeaders(
      url_text, {{"Content-Type", "application/json"}, {"User-Agent", "cwlogd-subscriptions"}},
      body, error);
}

bool HttpSubscriptionSender::PostWithHeaders(
    const std::string& url_text, const std::vector<std::pair<std::string, std::string>>& headers,
    const std::string& body, std::string* error) {
  auto url = ParseSubscriptionUrl(url_text);
  if (!url) {
    *error = "not an http:// or https:// URL: " + url_text;
    return false;
  }
  const std::string key = (url->tls ? "s/" : "p/") + url->host + "/" + url->port;
  Impl::Connection& c = impl_->connections[key];
  const bool reused = c.plain.has_value() || c.secure.has_value();
  if (!reused && !impl_->Connect(*url, c, error)) return false;
  int status = 0;
  if (!impl_->Exchange(*url, c, headers, body, &status, error)) {
    Impl::Close(c);
    // A kept-alive connection the receiver closed meanwhile: once more on a new one.
    if (!reused || !impl_->Connect(*url, c, error) ||
        !impl_->Exchange(*url, c, headers, body, &status, error)) {
      Impl::Close(c);
      return false;
    }
  }
  if (status < 200 || status > 299) {
    *error = "HTTP " + std::to_string(status) + " from " + url_text;
    return false;
  }
  return true;
}

bool LoadSubscriptionTargets(const std::string& path,
                             std::map<std::string, api::SubscriptionTarget>* targets,
                             std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read subscription targets file '" + path + "'";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  const std::string what = "subscription targets file '" + path + "': ";
  if (doc.is_discarded() || !doc.is_object()) {
    *error = what + "not a JSON object";
    return false;
  }
  targets->clear();
  for (const auto& [arn, spec] : doc.items()) {
    api::SubscriptionTarget t;
    auto url = spec.is_object() ? spec.find("url") : spec.end();
    auto group = spec.is_object() ? spec.find("logGroup") : spec.end();
    const bool has_url = spec.is_object() && url != spec.end() && url->is_string();
    const bool has_group = spec.is_object() && group != spec.end() && group->is_string();
    if (has_url == has_group || spec.size() != 1) {
      *error = what + arn + " must map to {\"url\": ...} or {\"logGroup\": ...}";
      return false;
    }
    if (has_url) {
      t.url = url->get<std::string>();
      if (!ParseSubscriptionUrl(t.url)) {
        *error = what + arn + ": not an http:// or https:// URL: " + t.url;
        return false;
      }
    } else {
      t.log_group = group->get<std::string>();
      if (t.log_group.empty()) {
        *error = what + arn + ": empty logGroup";
        return false;
      }
    }
    (*targets)[arn] = std::move(t);
  }
  return true;
}

}  // namespace cwlogd::server
