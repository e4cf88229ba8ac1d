// Everything cwlogd can be configured with, and the one function that fills it from the command
// line and the environment (flags win over env vars, env vars over defaults). Plain values.
// Each default is written once, as the initializer below; --help prints it from there.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "api/export_runner.h"
#include "api/query_runner.h"
#include "server/log.h"
#include "server/retention_sweeper.h"
#include "storage/log_store.h"

namespace cwlogd::server {

// The HTTP front end (HttpServer).
struct ServerOptions {
  std::string host = "127.0.0.1";  // address to bind
  uint16_t port = 4588;            // 0 picks a free port
  // IO threads: accept, read, write, health checks. DefaultConfig() sets DefaultIoThreads().
  unsigned io_threads = 2;
  // Worker threads running the request handlers (store calls, scans) off the IO threads; at
  // most this many requests are handled at once, the rest wait in arrival order.
  // DefaultConfig() sets DefaultWorkerThreads().
  unsigned worker_threads = 4;
  // Largest request body accepted (after this: 413 + SerializationException). A 1 MiB
  // PutLogEvents batch grows when JSON-escaped, hence the headroom.
  size_t max_body_bytes = 8u << 20;
  size_t max_header_bytes = 64u << 10;  // request line + headers
  // A connection is closed when the first byte of its next request, or the taking of a
  // response, has not come within this long.
  std::chrono::milliseconds idle_timeout{60'000};
  // From the first byte of a request, its whole header block must arrive within this long,
  // and then its whole body within body_timeout (slow-loris), whatever idle_timeout says.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{60'000};
  // At this many open connections a new one evicts the one that has waited longest for its
  // current request (headers or body incomplete, or idle between requests); it is refused
  // only when every connection has a request being handled or answers being written.
  size_t max_connections = 1024;
  // The same per client address (0: no cap). Off by default: behind a NAT or a proxy, and for
  // a server on loopback, every client has the same address.
  size_t max_connections_per_address = 0;
  // Memory, over all connections, for request bodies being received or handled and for
  // answers not yet taken by their clients. Over it, connections with answers waiting stop
  // reading requests, and bodies above 64 KiB get ServiceUnavailableException (retried by
  // the SDKs); smaller bodies are always read.
  size_t max_buffered_bytes = 128u << 20;
  // Pipelined requests answered but not yet written, per connection; reading pauses at the
  // cap.
  size_t max_pipeline = 16;
  // On SIGINT/SIGTERM, in-flight requests get this long to finish.
  std::chrono::milliseconds shutdown_grace{10'000};
  bool enable_test_endpoints = false;  // /_cwlogd/reset, /_cwlogd/clock, /_cwlogd/sweep
  // The web console: GET / redirects to /console/, static assets built into the binary
  // (docs/console.md). Default: on
  bool console = true;
  // HTTPS: both set = the port speaks TLS 1.2+ only, with this PEM certificate chain and
  // private key (docs/security.md); both empty = plain HTTP. Only one set is an error.
  std::string tls_cert_file;
  std::string tls_key_file;
  bool tls() const { return !tls_cert_file.empty(); }
};

// Request authentication (docs/security.md).
struct AuthConfig {
  // "none": any credentials are accepted and nothing is verified (local development).
  // "sigv4": every Logs request must carry a valid AWS SigV4 signature made with a key from
  // credentials_file.
  std::string mode = "none";
  std::string credentials_file;    // required with mode sigv4
  int64_t max_skew_seconds = 300;  // |request time - server time| limit (300 as AWS)
};

// The whole process configuration, filled once by ParseCommandLine.
struct Config {
  ServerOptions server;
  AuthConfig auth;
  storage::StorageOptions storage;  // path = --data-dir, sync_writes = --sync-writes
  api::ApiOptions api;
  LogLevel log_level = LogLevel::kInfo;
  int64_t clock_offset_ms = 0;      // shifts the server clock (test clock)
  RetentionOptions retention;       // --retention-sweep-interval-seconds
  api::QueryRunnerOptions queries;  // --query-threads, --max-concurrent-queries
  // --export-dir; empty = <data-dir>/exports (Service::Start fills it in)
  api::ExportOptions exports;
  // JSON file mapping subscription destination ARNs to delivery targets (docs/live.md,
  // "Subscription filters"). Default: none (filters are stored; nothing is delivered)
  std::string subscription_targets_file;
  // --smtp-url: the relay SNS e-mail goes through (server/smtp_sender.h); empty = none.
  std::string smtp_url;
};

struct CommandLine {
  enum class Action { kRun, kHelp, kVersion, kError };
  Action action = Action::kRun;
  Config config;
  std::string message;  // kHelp: the help text; kError: what is wrong with the arguments
};

// Looks an environment variable up; nullopt when unset. Injected so tests need no setenv.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup ProcessEnv();

// `args` excludes argv[0]. Accepts `--flag value` and `--flag=value`; boolean flags take no
// value (`--flag=true|false` also works). Never throws, never exits.
CommandLine ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env);

// Text for --help: every flag, its env var and its default.
std::string HelpText();

// Every option at its default: the struct initializers below plus the machine-sized thread
// counts. ParseCommandLine starts from it and --help shows its values.
Config DefaultConfig();

// The default for --io-threads: hardware concurrency, at least 2.
unsigned DefaultIoThreads();
// The default for --worker-threads: twice the hardware concurrency, at least 4. Handlers block
// on disk reads as well as use CPU, and a few long scans must leave workers free for the small
// requests that arrive meanwhile.
unsigned DefaultWorkerThreads();

}  // namespace cwlogd::server
