// HttpServer: the Boost.Beast HTTP/1.1 front end -- listener, per-connection sessions
// (keep-alive, bounded pipelining, body/header limits and deadlines, idle timeout, connection
// caps with eviction, a memory budget for bodies and unwritten answers, strict framing), plain
// HTTP or HTTPS, and graceful shutdown. Requests go to a Router on a pool of
// options.worker_threads threads (health checks and protocol errors are answered on the IO
// threads), so a long scan never stalls the other connections. Beast stays in the .cpp.
// Thread-safety: Stop() may be called from any thread; the rest from one owner thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "server/log.h"
#include "server/options.h"
#include "server/router.h"
#include "server/tls_context.h"

namespace cwlogd::server {

class HttpServer {
 public:
  // `router` and `logger` must outlive the server. With `tls` (LoadTlsContext) the port
  // speaks HTTPS only: each connection starts with a TLS handshake, bounded by
  // options.idle_timeout; a client that fails it (plain HTTP, garbage) is just disconnected.
  HttpServer(const ServerOptions& options, Router& router, Logger& logger,
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Resolves host, binds and listens. On failure returns false and says why in `error`.
  bool Listen(std::string* error);
  // The bound port (the real one when options.port was 0). Valid after Listen().
  uint16_t port() const;

  // Makes SIGINT and SIGTERM start a graceful Stop(). Call before Run().
  void StopOnSignals();
  // Serves on options.io_threads threads (the caller's included) until Stop() has finished:
  // no more accepts, in-flight requests answered (at most options.shutdown_grace), IO threads
  // and workers joined. Call once.
  void Run();
  // Starts the graceful shutdown. Idempotent; callable before Run() and from any thread.
  void Stop();

  // Connections open right now (for tests and the log).
  size_t open_connections() const;
  // Requests read whose answers are not yet fully written (for tests: at 0, every open
  // connection waits for its next request).
  size_t requests_in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cwlogd::server
