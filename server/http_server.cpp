#include "server/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
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
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>

#include "api/live_tail/live_tail_hub.h"
#include "server/http_text.h"
#include "server/memory.h"
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
// kBodyReadStep bytes, given back once the request is read (1,024 idle connections must not
// keep 64 MiB).
constexpr size_t kLargeBodyBytes = 8u << 10;
constexpr size_t kBodyReadStep = 64u << 10;

// Bodies up to this size are read even when the buffered-bytes budget is spent, so small
// requests (most of them) never fail for a flood of large ones; they add at most this much per
// connection over the budget.
constexpr size_t kAlwaysAdmittedBodyBytes = 64u << 10;

// The first read of a request waits (up to the idle timeout) for at most this many bytes;
// its arrival starts the header deadline.
constexpr size_t kFirstReadBytes = 4096;

// A streamed answer (live tail) gets its next part this often. A write of one that takes
// longer than the idle timeout closes the connection (its client is not reading).
constexpr std::chrono::milliseconds kStreamTick{api::live_tail::kUpdateIntervalMs};

// How often the server may give freed memory back, and after freeing how much of its buffers.
constexpr std::chrono::seconds kTrimInterval{2};
constexpr size_t kTrimAfterBytes = 16u << 20;

// What a session shows the accept path, which picks one to evict at the connection cap.
// waiting_since is the steady-clock time (ns) at which the connection began to wait for its
// current request, or kNotWaiting while a request is handled or answers are being written
// (those are never evicted: that would lose an answer).
struct ConnectionEntry {
  static constexpr int64_t kNotWaiting = INT64_MAX;
  std::atomic<int64_t> waiting_since{kNotWaiting};
  net::ip::address address;
  bool evicted = false;  // guarded by Shared::registry_mutex
  // The connection streams an event-stream answer (live tail); never set back.
  std::atomic<bool> streaming{false};
  // Closes the connection from any thread; a no-op once it is going away.
  virtual void Evict() = 0;
  // Server shutdown, from any thread: a streaming connection ends its stream now.
  virtual void EndStream() = 0;

 protected:
  ConnectionEntry() = default;
  ~ConnectionEntry() = default;
};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Health checks are answered on the IO thread: they touch no store, so they stay fast while
// every worker is busy with long scans (the probe of a load balancer must not time out).
bool IsAnsweredOnIoThread(const HttpRequest& request) {
  return PathOf(request.target()) == "/_cwlogd/health";
}

// RFC 9112's framing rules that Beast leaves to us; the reason when `header` breaks one. Such
// a request is answered 400 and its connection closed, since where its body ends is unknown
// (a request-smuggling shape when a proxy reads it otherwise).
std::optional<std::string> FramingProblem(const HttpRequest& header) {
  const auto hosts = header.equal_range(http::field::host);
  const auto host_count = std::distance(hosts.first, hosts.second);
  if (host_count > 1) return "more than one Host header";
  if (host_count == 0 && header.version() >= 11) return "HTTP/1.1 request without a Host header";
  const auto codings = header.equal_range(http::field::transfer_encoding);
  if (codings.first == codings.second) return std::nullopt;
  // (Beast itself refuses Transfer-Encoding with Content-Length.)
  if (header.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  // The only transfer coding served is chunked, exactly once (empty list elements aside).
  size_t chunked = 0;
  for (auto field = codings.first; field != codings.second; ++field) {
    std::string_view list = field->value();
    while (!list.empty()) {
      const size_t comma = std::min(list.find(','), list.size());
      const std::string_view coding = TrimOptionalWhitespace(list.substr(0, comma));
      list.remove_prefix(std::min(comma + 1, list.size()));
      if (coding.empty()) continue;
      if (!EqualsNoCase(coding, "chunked")) {
        return "unsupported Transfer-Encoding (only chunked is accepted)";
      }
      ++chunked;
    }
  }
  if (chunked != 1) return "unsupported Transfer-Encoding (only chunked is accepted)";
  return std::nullopt;
}

}  // namespace

// State shared by the listener and every session. Declared before `ioc` in Impl so that it
// outlives the handlers the io_context destroys.
struct Shared {
  ServerOptions options;
  Router& router;
  Logger& logger;
  // Runs Router::Handle (decode, authenticate, api dispatch: the RocksDB calls and scans) off
  // the IO threads, so a long scan never stalls the other connections an IO thread serves.
  // Owned by HttpServer::Impl, which joins it before the io_context goes away.
  net::thread_pool& workers;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> in_flight{0};  // requests read whose response is not yet written
  std::atomic<size_t> streams{0};    // streamed answers whose last chunk is not yet written
  std::atomic<bool> stopping{false};
  // Bytes of request bodies being received or handled and of answers not yet written, all
  // connections together, against options.max_buffered_bytes.
  std::atomic<size_t> buffered_bytes{0};
  std::atomic<size_t> buffered_high_water{0};  // since the last ReturnFreedMemory()

  // Every session, oldest first, for eviction at the connection caps.
  std::mutex registry_mutex{};
  std::list<ConnectionEntry*> registry{};
  size_t evicted_pending = 0;  // entries evicted but not yet gone

  bool OverBudget() const {
    return buffered_bytes.load(std::memory_order_relaxed) >= options.max_buffered_bytes;
  }
  void Charge(size_t bytes) {
    size_t now = buffered_bytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    size_t high = buffered_high_water.load(std::memory_order_relaxed);
    while (now > high &&
           !buffered_high_water.compare_exchange_weak(high, now, std::memory_order_relaxed)) {
    }
  }
  void Release(size_t bytes) { buffered_bytes.fetch_sub(bytes, std::memory_order_relaxed); }
};

namespace {

// One HTTP connection: a small state machine in the style of Beast's advanced server.
// Reads request N+1 while response N is written (pipelining), up to options.max_pipeline
// queued responses; the wait for a request is bounded by the idle timeout, its headers and
// body by deadlines of their own and by the size limits, and the memory the connections hold
// for bodies and unwritten answers by a budget they share.
// A request is handled on the worker pool (Shared::workers) and its response comes back to
// the connection's strand; the next request is read only then, so requests of one connection
// are handled one at a time and answered in order, as before the pool.
// All members are touched only on the connection's strand.
// `Stream` is beast::tcp_stream (plain HTTP) or TlsStream (HTTPS): the same session serves
// both; only the start (TLS handshake) and the close (close_notify) differ.
template <class Stream>
class Session final : public ConnectionEntry, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  // `stream_args`: what Stream needs besides the socket (the ssl::context for TLS).
  template <class... StreamArgs>
  Session(Shared& shared, tcp::socket&& socket, StreamArgs&... stream_args)
      : stream_(std::move(socket), stream_args...), shared_(shared) {
    error_code ec;
    address = Lowest().socket().remote_endpoint(ec).address();
    waiting_since.store(SteadyNowNs(), std::memory_order_relaxed);
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() {
    if (registry_entry_) {
      std::lock_guard<std::mutex> lock(shared_.registry_mutex);
      if (evicted) --shared_.evicted_pending;
      shared_.registry.erase(*registry_entry_);
    }
    // Responses never written still count as in flight; release them.
    shared_.in_flight.fetch_sub(queue_.size() + (handling_ ? 1 : 0) + (stream_head_due_ ? 1 : 0),
                                std::memory_order_relaxed);
    shared_.Release(queued_bytes_ + body_charge_ + stream_charge_);
    FinishStream();
    shared_.connections.fetch_sub(1, std::memory_order_relaxed);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Called once, by the accept path holding Shared::registry_mutex, before Run().
  void Register() { registry_entry_ = shared_.registry.insert(shared_.registry.end(), this); }

  // Called with Shared::registry_mutex held, which ~Session also takes: the session is alive.
  void Evict() override {
    auto self = this->weak_from_this().lock();
    if (!self) return;  // already being destroyed
    // The lambda takes the only reference held here: were the session's last reference
    // dropped on this thread, ~Session would wait for the mutex this thread holds.
    net::post(Lowest().get_executor(), [self = std::move(self)] {
      // It may have completed its request meanwhile: then its answer is not thrown away (the
      // cap is passed by one until it closes).
      if (self->waiting_since.load(std::memory_order_relaxed) == kNotWaiting) return;
      self->shared_.logger.Debug("closing connection: evicted at the connection cap");
      self->Lowest().close();
    });
  }

  // Called with Shared::registry_mutex held (as Evict).
  void EndStream() override {
    auto self = this->weak_from_this().lock();
    if (!self) return;
    net::post(Lowest().get_executor(), [self = std::move(self)] { self->PumpStream(false); });
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

  // When the connection, now waiting for its next request, began to wait: when its last
  // answer went out, or when the read began if earlier (a pipelined request). The write's
  // time is read before the write, so a client that has its answer is never seen as
  // waiting less long than one answered after it.
  int64_t WaitStartNs() const {
    return write_started_ns_ == 0 ? read_started_ns_
                                  : std::min(read_started_ns_, write_started_ns_);
  }

  // The handshake is bounded like a request read, so a client that connects and then stalls
  // (or drips its ClientHello) cannot hold a connection slot.
  void DoHandshake() {
    Lowest().expires_after(shared_.options.idle_timeout);
    stream_.async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
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
    reading_ = true;
    read_started_ns_ = SteadyNowNs();
    if (queue_.empty()) waiting_since.store(WaitStartNs(), std::memory_order_relaxed);
    if (buffer_.size() != 0) return ReadHeader();  // pipelined bytes are already here
    // Between requests only the idle timeout runs; the header deadline starts at the first
    // byte, so a quiet keep-alive connection is not cut short.
    phase_ = Phase::kIdle;
    Lowest().expires_after(shared_.options.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        beast::bind_front_handler(&Session::OnFirstBytes, this->shared_from_this()));
  }

  void OnFirstBytes(error_code ec, std::size_t bytes) {
    if (ec == net::error::eof) ec = http::error::end_of_stream;
    if (ec) return OnRead(ec, 0);
    buffer_.commit(bytes);
    ReadHeader();
  }

  void ReadHeader() {
    phase_ = Phase::kHeader;
    Lowest().expires_after(shared_.options.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnRead(ec, 0);
    if (std::optional<std::string> problem = FramingProblem(parser_->get())) {
      reading_ = false;
      waiting_since.store(kNotWaiting, std::memory_order_relaxed);
      api::ApiError error = api::ApiError::Serialization("Malformed HTTP request: " + *problem);
      return Reject(400, std::move(error));
    }
    phase_ = Phase::kBody;
    Lowest().expires_after(shared_.options.body_timeout);
    // Clients that wait for "100 Continue" before sending the body (curl, some SDKs) get it
    // right away, unless earlier responses are still being written on this connection.
    if (queue_.empty() && !parser_->is_done() &&
        beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(
          stream_, net::buffer(kContinue.data(), kContinue.size()),
          beast::bind_front_handler(&Session::OnContinueWritten, this->shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinueWritten(error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnRead(ec, 0);
    ReadBody();
  }

  // Reads the body step by step, charging what it holds (the whole Content-Length, which the
  // body reserves up front, or what a chunked body has grown to) against the budget.
  void ReadBody() {
    if (parser_->is_done()) return OnRead({}, 0);  // no body (or all of it is here)
    const auto length = parser_->content_length();
    if (!ChargeBody(std::max<size_t>(length.value_or(0), parser_->get().body().capacity()))) {
      reading_ = false;
      waiting_since.store(kNotWaiting, std::memory_order_relaxed);
      shared_.logger.Warn("refusing a request body: {} buffered bytes, limit {}",
                          shared_.buffered_bytes.load(std::memory_order_relaxed),
                          shared_.options.max_buffered_bytes);
      return Reject(500, api::ApiError::ServiceUnavailable(
                             "The server is busy: too many request bodies and responses are "
                             "in memory. Retry the request later."));
    }
    if ((!length || *length > kLargeBodyBytes) && buffer_.capacity() < kBodyReadStep) {
      buffer_.reserve(kBodyReadStep);
    }
    http::async_read_some(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::OnBodyStep, this->shared_from_this()));
  }

  void OnBodyStep(error_code ec, std::size_t /*bytes*/) {
    if (ec || parser_->is_done()) return OnRead(ec, 0);
    ReadBody();
  }

  // Raises this request's charge to `bytes`; false when that would pass the budget (bodies up
  // to kAlwaysAdmittedBodyBytes always pass).
  bool ChargeBody(size_t bytes) {
    if (bytes <= body_charge_) return true;
    if (bytes > kAlwaysAdmittedBodyBytes &&
        shared_.buffered_bytes.load(std::memory_order_relaxed) + (bytes - body_charge_) >
            shared_.options.max_buffered_bytes) {
      return false;
    }
    shared_.Charge(bytes - body_charge_);
    body_charge_ = bytes;
    return true;
  }

  void OnRead(error_code ec, std::size_t /*bytes*/) {
    reading_ = false;
    waiting_since.store(kNotWaiting, std::memory_order_relaxed);
    if (ec) return OnReadError(ec);

    HttpRequest request = parser_->release();
    parser_.reset();
    // A large body's read buffer is not kept for the connection's later requests.
    if (buffer_.capacity() >= kBodyReadStep && buffer_.size() <= kFirstReadBytes) {
      buffer_.shrink_to_fit();
    }
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    const bool is_head = request.method() == http::verb::head;
    const bool wants_keep_alive = request.keep_alive();
    if (IsAnsweredOnIoThread(request)) {
      HttpResponse response = shared_.router.Handle(request);
      request = {};
      ReleaseBodyCharge();
      return OnHandled(std::move(response), is_head, wants_keep_alive);
    }
    handling_ = true;
    net::post(shared_.workers, [self = this->shared_from_this(), strand = Lowest().get_executor(),
                                request = std::move(request), is_head, wants_keep_alive]() mutable {
      std::shared_ptr<api::live_tail::LiveTailSession> live;
      HttpResponse response = self->shared_.router.Handle(request, &live);
      request = {};  // the body's memory goes before its charge does
      // Back to this connection's strand: only it touches the session's members.
      net::post(strand, [self, response = std::move(response), live = std::move(live), is_head,
                         wants_keep_alive]() mutable {
        self->handling_ = false;
        self->ReleaseBodyCharge();
        if (live) return self->StartStream(std::move(response), std::move(live));
        self->OnHandled(std::move(response), is_head, wants_keep_alive);
      });
    });
  }

  void ReleaseBodyCharge() {
    shared_.Release(body_charge_);
    body_charge_ = 0;
  }

  // Runs on the strand with the response to the request OnRead last read.
  void OnHandled(HttpResponse&& response, bool is_head, bool wants_keep_alive) {
    if (is_head) {
      // Same headers as GET, no body (Content-Length still tells the GET size).
      const auto size = response.body().size();
      response.body().clear();
      response.content_length(size);
    }
    bool keep_alive = wants_keep_alive && !shared_.stopping.load(std::memory_order_relaxed);
    response.keep_alive(keep_alive);
    if (!keep_alive) close_after_write_ = true;
    Enqueue(std::move(response));
    // Over the budget, the next request waits until this connection's answers are written:
    // a client that sends requests but never reads the answers holds no more memory.
    if (!close_after_write_ && queue_.size() < shared_.options.max_pipeline &&
        !shared_.OverBudget()) {
      DoRead();
    }
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
      static constexpr std::array<std::string_view, 3> kWhat = {
          "no request within the idle timeout", "request headers too slow",
          "request body too slow"};
      shared_.logger.Debug("closing connection: {}", kWhat[static_cast<size_t>(phase_)]);
      return;  // tcp_stream closed the socket
    }
    std::optional<api::ApiError> error;
    unsigned status = 400;
    if (ec == http::error::body_limit) {
      status = 413;
      error =
          api::ApiError::Serialization("Request body too large: the limit is " +
                                       std::to_string(shared_.options.max_body_bytes) + " bytes.");
    } else if (ec == http::error::header_limit) {
      status = 431;
      error = api::ApiError::Serialization("Request header fields too large: the limit is " +
                                           std::to_string(shared_.options.max_header_bytes) +
                                           " bytes.");
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
    shared_.logger.Debug("rejecting request: {} ({})", error->message, ec.message());
    Reject(status, std::move(*error));
  }

  // Answers a request that is not read to its end with `error`, then closes the connection
  // (its framing can no longer be trusted).
  void Reject(unsigned status, api::ApiError error) {
    error.http_status = static_cast<int>(status);
    HttpResponse response = ErrorResponse(11, NewRequestId(), error);
    response.keep_alive(false);
    close_after_write_ = true;
    shared_.in_flight.fetch_add(1, std::memory_order_relaxed);
    Enqueue(std::move(response));
  }

  void Enqueue(HttpResponse&& response) {
    waiting_since.store(kNotWaiting, std::memory_order_relaxed);
    const size_t bytes = response.body().size();
    shared_.Charge(bytes);
    queued_bytes_ += bytes;
    queue_.push_back(std::move(response));
    if (queue_.size() == 1) DoWrite();
  }

  void DoWrite() {
    write_started_ns_ = SteadyNowNs();
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
    const size_t bytes = queue_.front().body().size();
    queue_.pop_front();
    shared_.Release(bytes);
    queued_bytes_ -= bytes;
    if (queue_.empty() && reading_) waiting_since.store(WaitStartNs(), std::memory_order_relaxed);
    // Released after waiting_since: whoever sees no request in flight sees every idle
    // connection as evictable (requests_in_flight() relies on it).
    shared_.in_flight.fetch_sub(1, std::memory_order_release);
    if (!queue_.empty()) {
      DoWrite();
      return;
    }
    if (live_ && !stream_head_started_) return BeginStream();
    if (close_after_write_) {
      if (!reading_) DoLingeringClose();
      return;
    }
    // Reading pauses when the pipeline queue is full; resume it now there is room (unless a
    // request is still on the worker pool: its completion resumes reading).
    if (!reading_ && !handling_) DoRead();
  }

  // --- Streamed answers (StartLiveTail): a chunked body written part by part -------------------
  // The head goes out once the answers before it are written; then the session's parts, one
  // per kStreamTick, each written only when the last one is: a client that does not read
  // stalls its own stream (the session then ends it), never the server. A read stays
  // outstanding to see the client leave. The connection takes no more requests and closes when
  // the stream ends. It never counts as waiting, so the connection cap does not evict it.

  void StartStream(HttpResponse&& head, std::shared_ptr<api::live_tail::LiveTailSession> live) {
    waiting_since.store(kNotWaiting, std::memory_order_relaxed);
    streaming.store(true, std::memory_order_relaxed);
    shared_.streams.fetch_add(1, std::memory_order_relaxed);
    stream_counted_ = true;
    stream_head_due_ = true;  // its request still counts in flight until the head is written
    close_after_write_ = true;
    live_ = std::move(live);
    head.chunked(true);
    head.keep_alive(false);
    stream_head_ = std::make_unique<HttpResponse>(std::move(head));
    if (queue_.empty()) BeginStream();
  }

  void BeginStream() {
    stream_head_started_ = true;
    Lowest().expires_never();  // the stream's own timer watches its writes
    stream_serializer_ =
        std::make_unique<http::response_serializer<http::string_body>>(*stream_head_);
    StartStreamWrite();
    http::async_write_header(
        stream_, *stream_serializer_,
        beast::bind_front_handler(&Session::OnStreamHead, this->shared_from_this()));
    stream_.async_read_some(
        net::buffer(drain_),
        beast::bind_front_handler(&Session::OnStreamRead, this->shared_from_this()));
    stream_timer_.emplace(Lowest().get_executor());
    next_tick_ = std::chrono::steady_clock::now() + kStreamTick;
    ScheduleStreamTick();
  }

  void StartStreamWrite() {
    stream_writing_ = true;
    stream_write_started_ = std::chrono::steady_clock::now();
  }

  void OnStreamHead(error_code ec, std::size_t /*bytes*/) {
    stream_writing_ = false;
    stream_head_due_ = false;
    shared_.in_flight.fetch_sub(1, std::memory_order_release);  // the answer has begun
    if (ec) return StreamBroken(ec);
    WriteStreamPart(live_->TakeStart(), false);
  }

  // Writes `bytes` as one chunk (and the closing chunk when `last`).
  void WriteStreamPart(std::string_view bytes, bool last) {
    stream_out_.clear();
    if (!bytes.empty()) {
      stream_out_ = fmt::format("{:x}\r\n", bytes.size());
      stream_out_ += bytes;
      stream_out_ += "\r\n";
    }
    if (last) {
      stream_out_ += "0\r\n\r\n";
      stream_last_ = true;
    }
    shared_.Charge(stream_out_.size());
    stream_charge_ = stream_out_.size();
    StartStreamWrite();
    net::async_write(stream_, net::buffer(stream_out_),
                     beast::bind_front_handler(&Session::OnStreamWrite, this->shared_from_this()));
  }

  void OnStreamWrite(error_code ec, std::size_t /*bytes*/) {
    stream_writing_ = false;
    shared_.Release(stream_charge_);
    stream_charge_ = 0;
    if (ec) return StreamBroken(ec);
    if (stream_last_) {
      // The answer is complete. Close as after any last answer: the client reads to the end.
      FinishStream();
      stream_timer_->cancel();
      error_code shutdown_ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, shutdown_ec);
      if (shutdown_ec) return CloseNow();
      stream_linger_ = true;
      stream_timer_->expires_after(kLingerTime);
      stream_timer_->async_wait([self = this->shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->CloseNow();
      });
      return;
    }
    if (shared_.stopping.load(std::memory_order_relaxed)) PumpStream(false);
  }

  void ScheduleStreamTick() {
    stream_timer_->expires_at(next_tick_);
    stream_timer_->async_wait(
        beast::bind_front_handler(&Session::OnStreamTick, this->shared_from_this()));
  }

  void OnStreamTick(error_code ec) {
    if (ec || stream_last_ || stream_gone_) return;
    if (stream_writing_ &&
        std::chrono::steady_clock::now() - stream_write_started_ > shared_.options.idle_timeout) {
      shared_.logger.Debug("closing a live tail stream: its client has not read for {} ms",
                           shared_.options.idle_timeout.count());
      live_->Close();
      return StreamBroken(beast::error::timeout);
    }
    PumpStream(true);
    if (stream_last_) return;
    // A fixed cadence: a late tick (a slow write) is not made up for.
    const auto now = std::chrono::steady_clock::now();
    next_tick_ += kStreamTick;
    if (next_tick_ < now) next_tick_ = now + kStreamTick;
    ScheduleStreamTick();
  }

  // Writes the next part if none is being written: on a tick the session's update, and when the
  // server stops the exception that ends the stream.
  void PumpStream(bool tick) {
    if (!live_ || stream_last_ || stream_gone_ || stream_writing_ || stream_head_due_) return;
    api::live_tail::StreamChunk chunk;
    if (shared_.stopping.load(std::memory_order_relaxed)) {
      chunk = live_->TakeEnd("SessionStreamingException",
                             "The Live Tail session has ended because the server is shutting "
                             "down.");
    } else if (tick) {
      chunk = live_->TakeUpdate();
    } else {
      return;
    }
    WriteStreamPart(chunk.bytes, chunk.last);
  }

  // The client's side of a streaming connection: anything it sends is discarded; its end (or
  // an error) ends the stream.
  void OnStreamRead(error_code ec, std::size_t /*bytes*/) {
    if (!ec) {
      stream_.async_read_some(
          net::buffer(drain_),
          beast::bind_front_handler(&Session::OnStreamRead, this->shared_from_this()));
      return;
    }
    if (stream_linger_) return CloseNow();  // the client closed after reading the end
    if (ec != net::error::operation_aborted && ec != http::error::end_of_stream &&
        ec != net::error::eof) {
      shared_.logger.Debug("live tail stream: client connection failed: {}", ec.message());
    }
    StreamBroken(ec);
  }

  // The stream cannot go on (the client left, a write failed or stalled): stop collecting for
  // it and close.
  void StreamBroken(error_code /*ec*/) {
    if (stream_gone_) return;
    stream_gone_ = true;
    if (live_) live_->Close();
    FinishStream();
    if (stream_timer_) stream_timer_->cancel();
    CloseNow();
  }

  void FinishStream() {
    if (!stream_counted_) return;
    stream_counted_ = false;
    if (live_) live_->Close();
    shared_.streams.fetch_sub(1, std::memory_order_relaxed);
  }

  void DoLingeringClose() {
    if (closing_) return;
    closing_ = true;
    waiting_since.store(read_started_ns_, std::memory_order_relaxed);  // nothing left to lose
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
    Lowest().async_read_some(net::buffer(drain_), beast::bind_front_handler(
                                                      &Session::OnDrain, this->shared_from_this()));
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

  // What the current read waits for, to say which deadline expired.
  enum class Phase { kIdle, kHeader, kBody };

  Stream stream_;
  Shared& shared_;
  std::optional<std::list<ConnectionEntry*>::iterator> registry_entry_;  // once admitted
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<HttpResponse> queue_;  // responses not yet (fully) written, in request order
  size_t queued_bytes_ = 0;         // their bodies' bytes, charged to Shared::buffered_bytes
  size_t body_charge_ = 0;          // the current request's body bytes charged, until it is handled
  int64_t read_started_ns_ = 0;
  int64_t write_started_ns_ = 0;  // when the answer being (or last) written was handed out
  Phase phase_ = Phase::kIdle;
  bool reading_ = false;            // a read of the next request is outstanding
  bool handling_ = false;           // a request is on the worker pool; its response is due
  bool close_after_write_ = false;  // no more requests: close once the queue is written
  bool closing_ = false;
  std::array<char, 16384> drain_{};
  size_t drained_ = 0;
  // A streamed answer (StartStream): its session, head, timer and the part being written.
  std::shared_ptr<api::live_tail::LiveTailSession> live_;
  std::unique_ptr<HttpResponse> stream_head_;
  std::unique_ptr<http::response_serializer<http::string_body>> stream_serializer_;
  std::optional<net::steady_timer> stream_timer_;
  std::chrono::steady_clock::time_point next_tick_{};
  std::chrono::steady_clock::time_point stream_write_started_{};
  std::string stream_out_;
  size_t stream_charge_ = 0;          // stream_out_'s bytes, charged to Shared::buffered_bytes
  bool stream_counted_ = false;       // counted in Shared::streams
  bool stream_head_due_ = false;      // its request counts in flight until the head is written
  bool stream_head_started_ = false;  // BeginStream ran
  bool stream_writing_ = false;
  bool stream_last_ = false;    // the closing chunk is written or being written
  bool stream_gone_ = false;    // ended without its closing chunk (client gone, write failed)
  bool stream_linger_ = false;  // complete; waiting for the client to close
};

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerOptions& options, Router& router, Logger& logger,
       std::shared_ptr<net::ssl::context> tls_context)
      : tls(std::move(tls_context)),
        workers(options.worker_threads < 1 ? 1 : options.worker_threads),
        shared{options, router, logger, workers},
        ioc(static_cast<int>(options.io_threads < 1 ? 1 : options.io_threads)),
        accept_strand(net::make_strand(ioc)),
        acceptor(accept_strand),
        retry_timer(accept_strand),
        shutdown_timer(accept_strand),
        trim_timer(accept_strand),
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
    error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // small responses: don't wait for Nagle
    if (tls) {
      Admit(std::make_shared<Session<TlsStream>>(shared, std::move(socket), *tls));
    } else {
      Admit(std::make_shared<Session<beast::tcp_stream>>(shared, std::move(socket)));
    }
    DoAccept();
  }

  // Runs the new session unless a connection cap is reached and no connection can be evicted
  // for it; then the new session is dropped, which closes its socket.
  template <class SessionType>
  void Admit(std::shared_ptr<SessionType> session) {
    {
      std::lock_guard<std::mutex> lock(shared.registry_mutex);
      const size_t per_address = shared.options.max_connections_per_address;
      if (per_address != 0 && !MakeRoom(per_address, &session->address)) {
        shared.logger.Warn(
            "connection limit per address ({}) reached for {}; closing a new "
            "connection",
            per_address, session->address.to_string());
        return;
      }
      if (!MakeRoom(shared.options.max_connections, nullptr)) {
        shared.logger.Warn(
            "connection limit ({}) reached with every connection busy; closing "
            "a new connection",
            shared.options.max_connections);
        return;
      }
      session->Register();
    }
    session->Run();
  }

  // With registry_mutex held: true when one more connection (from `address`, or from anyone
  // when null) fits under `cap`, evicting the connection that has waited longest for its
  // current request if needed.
  bool MakeRoom(size_t cap, const net::ip::address* address) {
    if (address == nullptr && shared.registry.size() - shared.evicted_pending < cap) return true;
    size_t open = 0;
    ConnectionEntry* oldest = nullptr;
    int64_t oldest_since = ConnectionEntry::kNotWaiting;
    for (ConnectionEntry* entry : shared.registry) {
      if (entry->evicted || (address != nullptr && entry->address != *address)) continue;
      ++open;
      const int64_t since = entry->waiting_since.load(std::memory_order_relaxed);
      if (since < oldest_since) {
        oldest_since = since;
        oldest = entry;
      }
    }
    if (open < cap) return true;
    if (oldest == nullptr) return false;
    oldest->evicted = true;
    ++shared.evicted_pending;
    oldest->Evict();
    return true;
  }

  // Now and then, after the buffers held much memory, gives what is free back to the system
  // (glibc keeps it otherwise, and RSS would stay at the peak of an attack).
  void ScheduleTrim() {
    trim_timer.expires_after(kTrimInterval);
    trim_timer.async_wait([this](error_code ec) {
      if (ec) return;
      // Only after buffers were freed: trimming while they are still held (a client keeping
      // the budget full) would cost every thread its arena locks for nothing.
      const size_t now = shared.buffered_bytes.load(std::memory_order_relaxed);
      const size_t high = shared.buffered_high_water.exchange(now, std::memory_order_relaxed);
      if (high > now + kTrimAfterBytes) ReturnFreedMemory();
      ScheduleTrim();
    });
  }

  // Runs on accept_strand.
  void BeginShutdown() {
    if (shared.stopping.exchange(true)) return;
    shared.logger.Info("shutting down: no new connections, waiting for in-flight requests");
    error_code ec;
    acceptor.close(ec);
    retry_timer.cancel();
    trim_timer.cancel();
    signals.cancel(ec);
    shutdown_deadline = std::chrono::steady_clock::now() + shared.options.shutdown_grace;
    {
      // Streamed answers end now (their last part says why), not at the grace period's end.
      std::lock_guard<std::mutex> lock(shared.registry_mutex);
      for (ConnectionEntry* entry : shared.registry) {
        if (entry->streaming.load(std::memory_order_relaxed)) entry->EndStream();
      }
    }
    PollShutdown();
  }

  void PollShutdown() {
    size_t pending = shared.in_flight.load(std::memory_order_relaxed) +
                     shared.streams.load(std::memory_order_relaxed);
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
  // Declared before `ioc` so that it is destroyed after it: ~Impl joins the workers explicitly
  // first (a worker's last task posts to a session's strand on `ioc`).
  net::thread_pool workers;
  Shared shared;
  net::io_context ioc;
  net::strand<net::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  net::steady_timer shutdown_timer;
  net::steady_timer trim_timer;
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
  impl_->workers.join();
}

bool HttpServer::Listen(std::string* error) {
  Impl& s = *impl_;
  error_code ec;
  tcp::resolver resolver(s.ioc);
  auto results = resolver.resolve(s.shared.options.host, std::to_string(s.shared.options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    *error = "cannot resolve host '" + s.shared.options.host +
             "': " + (ec ? ec.message() : std::string("no address"));
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

size_t HttpServer::requests_in_flight() const {
  return impl_->shared.in_flight.load(std::memory_order_acquire);
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
    if (s.acceptor.is_open() && !s.shared.stopping.load()) {
      s.DoAccept();
      s.ScheduleTrim();
    }
  });
  unsigned threads = s.shared.options.io_threads < 1 ? 1 : s.shared.options.io_threads;
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (std::thread& t : pool) t.join();
  // Requests still on the workers (the grace period ran out) finish; their answers are dropped.
  s.workers.join();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  net::post(s.accept_strand, [&s] { s.BeginShutdown(); });
}

}  // namespace cwlogd::server
