#include "server/http_server.h"

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/response.h"

namespace cwlogd::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// After the last response of a closing connection, keep reading (and discarding) what the
// client still sends for this long, so an early answer (413) is not lost to a TCP reset.
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kLingerMaxBytes = 64u << 20;

// A body is read from the socket in steps of at most the read buffer's free capacity (Beast
// caps one step at 64 KiB). Left to grow on its own, the buffer stays near 512 bytes because
// the parser drains it after every step, and a 170 KB PutLogEvents body took ~365 recv calls
// (each with its Asio executor and timer work). Bodies above kLargeBodyBytes get a buffer of
// kBodyReadStep bytes, kept for the connection's later requests.
constexpr size_t kLargeBodyBytes = 8u << 10;
constexpr size_t kBodyReadStep = 64u << 10;

}  // namespace

// State shared by the listener and every session. Declared before `ioc` in Impl so that it
// outlives the handlers the io_context destroys.
struct Shared {
  ServerOptions options;
  Router& router;
  Logger& logger;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};  // requests read whose response is not yet written
  std::atomic<bool> stopping{false};
};

namespace {

// One HTTP connection: a small state machine in the style of Beast's advanced server.
// Reads request N+1 while response N is written (pipelining), up to options.max_pipeline
// queued responses; every read is bounded by the idle timeout and the body/header limits.
// All members are touched only on the connection's strand.
// `Stream` is beast::tcp_stream (plain HTTP) or TlsStream (HTTPS): the same session serves
// both; only the start (TLS handshake) and the close (close_notify) differ.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // `stream_args`: what Stream needs besides the socket (the ssl::context for TLS).
  template <class... StreamArgs>
  Session(Shared& shared, tcp::socket&& socket, StreamArgs&... stream_args)
      : stream_(std::move(socket), stream_args...), shared_(shared) {
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() {
    // Responses never written still count as in flight; release them.
    shared_.in_flight.fetch_sub(queue_.size(), std::memory_order_relaxed);
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }

  void Run() {
    if constexpr (kTls) {
      net::dispatch(Lowest().get_executor(),
                    beast::bind_front_handler(&Session::DoHandshake, this->shared_from_this()));
    } else {
      net::dispatch(Lowest().get_executor(),
                    beast::bind_front_handler(&Session::DoRead, this->shared_from_this()));
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // The handshake is bounded like a request read, so a client that connects and then stalls
  // (or drips its ClientHello) cannot hold a connection slot.
  void DoHandshake() {
    Lowest().expires_after(shared_.options.idle_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            beast::bind_front_handler(&Session::OnHandshake,
                                                      this->shared_from_this()));
  }

  void OnHandshake(error_code ec) {
    if (ec) {
      // Plain HTTP, garbage, an untrusting client, a timeout: only this connection fails.
      if (ec == beast::error::timeout) {
        shared_.logger.Debug("closing connection: no TLS handshake within {} ms",
                             shared_.options.idle_timeout.count());
      } else if (ec != net::error::operation_aborted) {
        shared_.logger.Debug("TLS handshake failed: {}", ec.message());
      }
      CloseNow();
      return;
    }
    DoRead();
  }

  void DoRead() {
    if (shared_.stopping.load(std::memory_order_relaxed)) {
      close_after_write_ = true;
      if (queue_.empty()) DoLingeringClose();
      return;
    }
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
    Lowest().expires_after(shared_.options.idle_timeout);
    reading_ = true;
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnRead(ec, 0);
    // Clients that wait for "100 Continue" before sending the body (curl, some SDKs) get it
    // right away, unless earlier responses are still being written on this connection.
    if (queue_.empty() && !parser_->is_done() &&
        beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       beast::bind_front_handler(&Session::OnContinueWritten,
                                                 this->shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinueWritten(error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnRead(ec, 0);
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRead({}, 0);  // no body
    const auto length = parser_->content_length();
    if ((!length || *length > kLargeBodyBytes) && buffer_.capacity() < kBodyReadStep) {
      buffer_.reserve(kBodyReadStep);
    }
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(error_code ec, std::size_t /*bytes*/) {
    reading_ = false;
    if (ec) return OnReadError(ec);

    HttpRequest request = parser_->release();
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    HttpResponse response = shared_.router.Handle(request);
    if (request.method() == http::verb::head) {
      // Same headers as GET, no body (Content-Length still tells the GET size).
      const auto size = response.body().size();
      response.body().clear();
      response.content_length(size);
    }
    bool keep_alive = request.keep_alive() && !shared_.stopping.load(std::memory_order_relaxed);
    response.keep_alive(keep_alive);
    if (!keep_alive) close_after_write_ = true;
    Enqueue(std::move(response));
    if (!close_after_write_ && queue_.size() < shared_.options.max_pipeline) DoRead();
  }

  void OnReadError(error_code ec) {
    // Over TLS, a client closing TCP without its close_notify reads as stream_truncated.
    if (ec == http::error::end_of_stream || (kTls && ec == net::ssl::error::stream_truncated)) {
      // The client is done sending; answer what is queued, then close.
      close_after_write_ = true;
      if (queue_.empty()) DoLingeringClose();
      return;
    }
    if (ec == beast::error::timeout) {
      shared_.logger.Debug("closing connection: idle or too slow for {} ms",
                           shared_.options.idle_timeout.count());
      return;  // tcp_stream closed the socket
    }
    std::optional<api::ApiError> error;
    unsigned status = 400;
    if (ec == http::error::body_limit) {
      status = 413;
      error = api::ApiError::Serialization(
          "Request body too large: the limit is " +
          std::to_string(shared_.options.max_body_bytes) + " bytes.");
    } else if (ec == http::error::header_limit) {
      status = 431;
      error = api::ApiError::Serialization(
          "Request header fields too large: the limit is " +
          std::to_string(shared_.options.max_header_bytes) + " bytes.");
    } else if (ec == http::error::partial_message) {
      CloseNow();  // the peer went away in the middle of a request
      return;
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      error = api::ApiError::Serialization("Malformed HTTP request: " + ec.message());
    } else {
      // Socket-level failure (reset, aborted, ...): nothing can be sent.
      if (ec != net::error::operation_aborted) {
        shared_.logger.Debug("closing connection: {}", ec.message());
      }
      CloseNow();
      return;
    }
    error->http_status = static_cast<int>(status);
    shared_.logger.Debug("rejecting request: {} ({})", error->message, ec.message());
    HttpResponse response = ErrorResponse(11, NewRequestId(), *error);
    response.keep_alive(false);
    close_after_write_ = true;
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    Enqueue(std::move(response));
  }

  void Enqueue(HttpResponse&& response) {
    queue_.push_back(std::move(response));
    if (queue_.size() == 1) DoWrite();
  }

  void DoWrite() {
    Lowest().expires_after(shared_.options.idle_timeout);
    http::async_write(stream_, queue_.front(),
                      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this()));
  }

  void OnWrite(error_code ec, std::size_t /*bytes*/) {
    if (ec) {
      if (ec != net::error::operation_aborted) {
        shared_.logger.Debug("write failed: {}", ec.message());
      }
      CloseNow();
      return;
    }
    queue_.pop_front();
    shared_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (!queue_.empty()) {
      DoWrite();
      return;
    }
    if (close_after_write_) {
      if (!reading_) DoLingeringClose();
      return;
    }
    // Reading pauses when the pipeline queue is full; resume it now there is room.
    if (!reading_) DoRead();
  }

  void DoLingeringClose() {
    if (closing_) return;
    closing_ = true;
    if constexpr (kTls) {
      // close_notify tells the client the stream ended cleanly (best effort). The shutdown
      // then waits, at most kLingerTime, for the client's own close_notify.
      Lowest().expires_after(kLingerTime);
      stream_.async_shutdown(
          beast::bind_front_handler(&Session::OnTlsShutdown, this->shared_from_this()));
    } else {
      ShutdownSendAndDrain();
    }
  }

  void OnTlsShutdown(error_code ec) {
    if (!ec || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::ssl::error::stream_truncated) {
      return CloseNow();  // done, or the client is gone or silent
    }
    // Most likely the client is still sending (the rest of a body refused with 413): drain
    // it at TCP level, as for plain HTTP, so the answer is not lost to a reset.
    ShutdownSendAndDrain();
  }

  void ShutdownSendAndDrain() {
    error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return CloseNow();
    Lowest().expires_after(kLingerTime);
    DoDrain();
  }

  void DoDrain() {
    Lowest().async_read_some(
        net::buffer(drain_),
        beast::bind_front_handler(&Session::OnDrain, this->shared_from_this()));
  }

  void OnDrain(error_code ec, std::size_t bytes) {
    drained_ += bytes;
    if (ec || drained_ > kLingerMaxBytes) return CloseNow();
    DoDrain();
  }

  void CloseNow() {
    error_code ec;
    Lowest().socket().close(ec);
    (void)ec;  // nothing useful to do if close fails
  }

  Stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<HttpResponse> queue_;  // responses not yet (fully) written, in request order
  bool reading_ = false;            // a read of the next request is outstanding
  bool close_after_write_ = false;  // no more requests: close once the queue is written
  bool closing_ = false;
  std::array<char, 16384> drain_{};
  size_t drained_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerOptions& options, Router& router, Logger& logger,
       std::shared_ptr<net::ssl::context> tls_context)
      : tls(std::move(tls_context)),
        shared{options, router, logger},
        ioc(static_cast<int>(options.io_threads < 1 ? 1 : options.io_threads)),
        accept_strand(net::make_strand(ioc)),
        acceptor(accept_strand),
        retry_timer(accept_strand),
        shutdown_timer(accept_strand),
        signals(accept_strand) {}

  void DoAccept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      // E.g. out of file descriptors: log, back off a little, keep accepting.
      shared.logger.Warn("accept failed: {}", ec.message());
      retry_timer.expires_after(std::chrono::milliseconds(50));
      retry_timer.async_wait([this](error_code wait_ec) {
        if (!wait_ec && acceptor.is_open()) DoAccept();
      });
      return;
    }
    if (shared.connections.load(std::memory_order_relaxed) >= shared.options.max_connections) {
      shared.logger.Warn("connection limit ({}) reached; closing a new connection",
                         shared.options.max_connections);
      error_code close_ec;
      socket.close(close_ec);
    } else {
      error_code opt_ec;
      socket.set_option(tcp::no_delay(true), opt_ec);  // small responses: don't wait for Nagle
      if (tls) {
        std::make_shared<Session<TlsStream>>(shared, std::move(socket), *tls)->Run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(shared, std::move(socket))->Run();
      }
    }
    DoAccept();
  }

  // Runs on accept_strand.
  void BeginShutdown() {
    if (shared.stopping.exchange(true)) return;
    shared.logger.Info("shutting down: no new connections, waiting for in-flight requests");
    error_code ec;
    acceptor.close(ec);
    retry_timer.cancel();
    signals.cancel(ec);
    shutdown_deadline = std::chrono::steady_clock::now() + shared.options.shutdown_grace;
    PollShutdown();
  }

  void PollShutdown() {
    size_t pending = shared.in_flight.load(std::memory_order_relaxed);
    if (pending == 0 || std::chrono::steady_clock::now() >= shutdown_deadline) {
      if (pending != 0) {
        shared.logger.Warn("shutdown grace period over with {} request(s) unanswered", pending);
      }
      ioc.stop();
      return;
    }
    shutdown_timer.expires_after(std::chrono::milliseconds(10));
    shutdown_timer.async_wait([this](error_code ec) {
      if (!ec) PollShutdown();
    });
  }

  std::shared_ptr<net::ssl::context> tls;  // null: plain HTTP. Outlives the sessions.
  Shared shared;
  net::io_context ioc;
  net::strand<net::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  net::steady_timer shutdown_timer;
  net::signal_set signals;
  std::chrono::steady_clock::time_point shutdown_deadline;
  uint16_t bound_port = 0;
  bool ran = false;
};

HttpServer::HttpServer(const ServerOptions& options, Router& router, Logger& logger,
                       std::shared_ptr<boost::asio::ssl::context> tls)
    : impl_(std::make_unique<Impl>(options, router, logger, std::move(tls))) {}

HttpServer::~HttpServer() {
  if (!impl_->ioc.stopped()) impl_->ioc.stop();
}

bool HttpServer::Listen(std::string* error) {
  Impl& s = *impl_;
  error_code ec;
  tcp::resolver resolver(s.ioc);
  auto results = resolver.resolve(s.shared.options.host, std::to_string(s.shared.options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    *error = "cannot resolve host '" + s.shared.options.host + "': " +
             (ec ? ec.message() : std::string("no address"));
    return false;
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  auto fail = [&](std::string_view what) {
    *error = std::string(what) + " " + endpoint.address().to_string() + ":" +
             std::to_string(endpoint.port()) + ": " + ec.message();
    error_code close_ec;
    s.acceptor.close(close_ec);
    return false;
  };
  s.acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open a socket for");
  s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR for");
  s.acceptor.bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  s.bound_port = s.acceptor.local_endpoint(ec).port();
  if (ec) return fail("cannot read the bound port of");
  return true;
}

uint16_t HttpServer::port() const { return impl_->bound_port; }

size_t HttpServer::open_connections() const {
  return impl_->shared.connections.load(std::memory_order_relaxed);
}

void HttpServer::StopOnSignals() {
  Impl& s = *impl_;
  error_code ec;
  s.signals.add(SIGINT, ec);
  s.signals.add(SIGTERM, ec);
  s.signals.async_wait([&s](error_code wait_ec, int signal) {
    if (wait_ec) return;
    s.shared.logger.Info("received signal {}", signal);
    s.BeginShutdown();
  });
}

void HttpServer::Run() {
  Impl& s = *impl_;
  if (s.ran) return;
  s.ran = true;
  net::dispatch(s.accept_strand, [&s] {
    if (s.acceptor.is_open() && !s.shared.stopping.load()) s.DoAccept();
  });
  unsigned threads = s.shared.options.io_threads < 1 ? 1 : s.shared.options.io_threads;
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (std::thread& t : pool) t.join();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  net::post(s.accept_strand, [&s] { s.BeginShutdown(); });
}

}  // namespace cwlogd::server
