// Everything cwlogd can be configured with, and the one function that fills it from the command
// line and the environment (flags win over env vars, env vars over defaults). Plain values.
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
#include "server/log.h"
#include "server/retention_sweeper.h"
#include "storage/log_store.h"

namespace cwlogd::server {

// The HTTP front end (HttpServer).
struct ServerOptions {
  std::string host = "127.0.0.1";  // address to bind. Default: 127.0.0.1
  uint16_t port = 4588;            // 0 picks a free port. Default: 4588
  // IO threads; handlers run on them too. Default: hardware concurrency, at least 2.
  unsigned io_threads = 2;
  // Largest request body accepted (after this: 413 + SerializationException). A 1 MiB
  // PutLogEvents batch grows when JSON-escaped, hence the headroom. Default: 8 MiB
  size_t max_body_bytes = 8u << 20;
  size_t max_header_bytes = 64u << 10;  // request line + headers. Default: 64 KiB
  // A connection with no complete request (or pending write) for this long is closed.
  // Default: 60 s
  std::chrono::milliseconds idle_timeout{60'000};
  // Open connections beyond this are closed right after accept. Default: 1024
  size_t max_connections = 1024;
  // Pipelined requests answered but not yet written, per connection; reading pauses at the
  // cap. Default: 16
  size_t max_pipeline = 16;
  // On SIGINT/SIGTERM, in-flight requests get this long to finish. Default: 10 s
  std::chrono::milliseconds shutdown_grace{10'000};
  bool enable_test_endpoints = false;  // /_cwlogd/reset and /_cwlogd/clock. Default: off
  // HTTPS: both set = the port speaks TLS 1.2+ only, with this PEM certificate chain and
  // private key (docs/security.md); both empty = plain HTTP. Only one set is an error.
  // Default: unset (plain HTTP)
  std::string tls_cert_file;
  std::string tls_key_file;
  bool tls() const { return !tls_cert_file.empty(); }
};

// Request authentication (docs/security.md).
struct AuthConfig {
  // "none": any credentials are accepted and nothing is verified (local development).
  // "sigv4": every Logs request must carry a valid AWS SigV4 signature made with a key from
  // credentials_file. Default: none
  std::string mode = "none";
  std::string credentials_file;    // required with mode sigv4. Default: unset
  int64_t max_skew_seconds = 300;  // |request time - server time| limit. Default: 300 (as AWS)
};

// The whole process configuration, filled once by ParseCommandLine.
struct Config {
  ServerOptions server;
  AuthConfig auth;
  storage::StorageOptions storage;  // path = --data-dir, sync_writes = --sync-writes
  api::ApiOptions api;
  LogLevel log_level = LogLevel::kInfo;  // Default: info
  int64_t clock_offset_ms = 0;           // shifts the server clock (test clock). Default: 0
  RetentionOptions retention;            // --retention-sweep-interval-seconds
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

// The default for --io-threads: hardware concurrency, at least 2.
unsigned DefaultIoThreads();

}  // namespace cwlogd::server
