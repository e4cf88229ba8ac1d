#include "server/options.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <thread>

#include <fmt/format.h>

namespace cwlogd::server {
namespace {

enum class Kind { kString, kBool, kUnsigned, kSigned, kLogLevel };

// One flag: how it is spelled, its env var, how to apply a value, and its help line.
struct Flag {
  std::string_view name;  // without the leading "--"
  std::string_view env;
  Kind kind;
  // The flag's default as --help shows it, read from DefaultConfig(): the value itself is
  // written once, in options.h (or DefaultIoThreads/DefaultWorkerThreads).
  std::string (*show_default)(const Config&) = nullptr;
  std::string_view help;
  uint64_t min = 0;                                     // kUnsigned only
  uint64_t max = std::numeric_limits<uint64_t>::max();  // kUnsigned only
  // Stores the parsed value into the config. Exactly one of these is used, by kind.
  void (*set_string)(Config&, std::string) = nullptr;
  void (*set_bool)(Config&, bool) = nullptr;
  void (*set_unsigned)(Config&, uint64_t) = nullptr;
  void (*set_signed)(Config&, int64_t) = nullptr;
  void (*set_level)(Config&, LogLevel) = nullptr;
};

std::string OnOff(bool on) { return on ? "on" : "off"; }
std::string OrUnset(const std::string& value) { return value.empty() ? "unset" : value; }

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = [] {
    std::vector<Flag> f;
    f.push_back({.name = "host",
                 .env = "CWLOGD_HOST",
                 .kind = Kind::kString,
                 .show_default = [](const Config& c) -> std::string { return c.server.host; },
                 .help = "address to listen on",
                 .set_string = [](Config& c, std::string v) { c.server.host = std::move(v); }});
    f.push_back(
        {.name = "port",
         .env = "CWLOGD_PORT",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.port);
         },
         .help = "TCP port; 0 picks a free one",
         .max = 65535,
         .set_unsigned = [](Config& c, uint64_t v) { c.server.port = static_cast<uint16_t>(v); }});
    f.push_back({.name = "data-dir",
                 .env = "CWLOGD_DATA_DIR",
                 .kind = Kind::kString,
                 .show_default = [](const Config& c) -> std::string { return c.storage.path; },
                 .help = "RocksDB directory, created if missing",
                 .set_string = [](Config& c, std::string v) { c.storage.path = std::move(v); }});
    f.push_back({.name = "log-level",
                 .env = "CWLOGD_LOG_LEVEL",
                 .kind = Kind::kLogLevel,
                 .show_default = [](const Config& c) -> std::string {
                   return std::string(LogLevelName(c.log_level));
                 },
                 .help = "error|warn|info|debug (debug logs every request)",
                 .set_level = [](Config& c, LogLevel v) { c.log_level = v; }});
    f.push_back(
        {.name = "io-threads",
         .env = "CWLOGD_IO_THREADS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return fmt::format("hardware concurrency, at least 2 (here {})", c.server.io_threads);
         },
         .help = "threads serving HTTP (accept, read, write, health checks)",
         .min = 1,
         .max = 1024,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.io_threads = static_cast<unsigned>(v); }});
    f.push_back(
        {.name = "worker-threads",
         .env = "CWLOGD_WORKER_THREADS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return fmt::format("twice the hardware concurrency, at least 4 (here {})",
                              c.server.worker_threads);
         },
         .help = "threads running request handlers (store work, scans)",
         .min = 1,
         .max = 1024,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.worker_threads = static_cast<unsigned>(v); }});
    f.push_back({.name = "query-threads",
                 .env = "CWLOGD_QUERY_THREADS",
                 .kind = Kind::kUnsigned,
                 .show_default = [](const Config& c) -> std::string {
                   return std::to_string(c.queries.threads);
                 },
                 .help = "threads running Logs Insights queries (apart from the request workers)",
                 .min = 1,
                 .max = 256,
                 .set_unsigned = [](Config& c,
                                    uint64_t v) { c.queries.threads = static_cast<unsigned>(v); }});
    f.push_back({.name = "max-concurrent-queries",
                 .env = "CWLOGD_MAX_CONCURRENT_QUERIES",
                 .kind = Kind::kUnsigned,
                 .show_default = [](const Config& c) -> std::string {
                   return std::to_string(c.queries.max_concurrent_per_partition);
                 },
                 .help = "Insights queries one account+region may have scheduled or running",
                 .min = 1,
                 .max = 100000,
                 .set_unsigned =
                     [](Config& c, uint64_t v) {
                       c.queries.max_concurrent_per_partition = static_cast<size_t>(v);
                     }});
    f.push_back({.name = "enable-test-endpoints",
                 .env = "CWLOGD_ENABLE_TEST_ENDPOINTS",
                 .kind = Kind::kBool,
                 .show_default = [](const Config& c) -> std::string {
                   return OnOff(c.server.enable_test_endpoints);
                 },
                 .help = "serve POST /_cwlogd/reset, /_cwlogd/clock, /_cwlogd/sweep (tests only)",
                 .set_bool = [](Config& c, bool v) { c.server.enable_test_endpoints = v; }});
    f.push_back(
        {.name = "console",
         .env = "CWLOGD_CONSOLE",
         .kind = Kind::kBool,
         .show_default = [](const Config& c) -> std::string { return OnOff(c.server.console); },
         .help = "serve the web console at / (--no-console or --console=off: not)",
         .set_bool = [](Config& c, bool v) { c.server.console = v; }});
    f.push_back({.name = "clock-offset-ms",
                 .env = "CWLOGD_CLOCK_OFFSET_MS",
                 .kind = Kind::kSigned,
                 .show_default = [](const Config& c) -> std::string {
                   return std::to_string(c.clock_offset_ms);
                 },
                 .help = "shift the server clock by this many ms",
                 .set_signed = [](Config& c, int64_t v) { c.clock_offset_ms = v; }});
    f.push_back(
        {.name = "retention-sweep-interval-seconds",
         .env = "CWLOGD_RETENTION_SWEEP_INTERVAL_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.retention.sweep_interval.count());
         },
         .help = "delete events past their group's retention this often; 0 = never",
         .max = uint64_t{7} * 86400,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.retention.sweep_interval = std::chrono::seconds(v); }});
    f.push_back(
        {.name = "export-dir",
         .env = "CWLOGD_EXPORT_DIR",
         .kind = Kind::kString,
         .show_default = [](const Config& c) -> std::string {
           return c.exports.export_dir.empty() ? "<data-dir>/exports" : c.exports.export_dir;
         },
         .help = "export tasks and scheduled queries write bucket B under DIR/B (B must exist)",
         .set_string = [](Config& c, std::string v) { c.exports.export_dir = std::move(v); }});
    f.push_back({.name = "sync-writes",
                 .env = "CWLOGD_SYNC_WRITES",
                 .kind = Kind::kBool,
                 .show_default = [](const Config& c) -> std::string {
                   return OnOff(c.storage.sync_writes);
                 },
                 .help = "fsync the write-ahead log on every write",
                 .set_bool = [](Config& c, bool v) { c.storage.sync_writes = v; }});
    f.push_back({.name = "reserved-disk-bytes",
                 .env = "CWLOGD_RESERVED_DISK_BYTES",
                 .kind = Kind::kUnsigned,
                 .show_default = [](const Config& c) -> std::string {
                   return std::to_string(c.storage.reserved_disk_bytes);
                 },
                 .help = "space kept in the data dir so deletes work on a full disk; 0 = none",
                 .max = uint64_t{1} << 40,
                 .set_unsigned = [](Config& c, uint64_t v) { c.storage.reserved_disk_bytes = v; }});
    f.push_back(
        {.name = "max-body-bytes",
         .env = "CWLOGD_MAX_BODY_BYTES",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.max_body_bytes);
         },
         .help = "largest request body (larger: HTTP 413)",
         .min = 1,
         .max = uint64_t{1} << 30,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.max_body_bytes = static_cast<size_t>(v); }});
    f.push_back(
        {.name = "max-header-bytes",
         .env = "CWLOGD_MAX_HEADER_BYTES",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.max_header_bytes);
         },
         .help = "largest request line + headers (larger: HTTP 431)",
         .min = 1024,
         .max = uint64_t{1} << 24,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.max_header_bytes = static_cast<size_t>(v); }});
    f.push_back(
        {.name = "idle-timeout-seconds",
         .env = "CWLOGD_IDLE_TIMEOUT_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.idle_timeout.count() / 1000);
         },
         .help = "close a connection silent this long between requests or not taking an answer",
         .min = 1,
         .max = 86400,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.idle_timeout = std::chrono::seconds(v); }});
    f.push_back(
        {.name = "header-timeout-seconds",
         .env = "CWLOGD_HEADER_TIMEOUT_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.header_timeout.count() / 1000);
         },
         .help = "a request's headers must all arrive this long after its first byte",
         .min = 1,
         .max = 86400,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.header_timeout = std::chrono::seconds(v); }});
    f.push_back(
        {.name = "body-timeout-seconds",
         .env = "CWLOGD_BODY_TIMEOUT_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.body_timeout.count() / 1000);
         },
         .help = "a request's body must all arrive this long after its headers",
         .min = 1,
         .max = 86400,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.body_timeout = std::chrono::seconds(v); }});
    f.push_back(
        {.name = "max-connections",
         .env = "CWLOGD_MAX_CONNECTIONS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.max_connections);
         },
         .help = "open connections; at the cap a new one evicts the longest-waiting request",
         .min = 1,
         .max = 1'000'000,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.max_connections = static_cast<size_t>(v); }});
    f.push_back({.name = "max-connections-per-address",
                 .env = "CWLOGD_MAX_CONNECTIONS_PER_ADDRESS",
                 .kind = Kind::kUnsigned,
                 .show_default = [](const Config& c) -> std::string {
                   return c.server.max_connections_per_address == 0
                              ? std::string("0 (no cap)")
                              : std::to_string(c.server.max_connections_per_address);
                 },
                 .help = "open connections per client address; 0 = no cap",
                 .max = 1'000'000,
                 .set_unsigned =
                     [](Config& c, uint64_t v) {
                       c.server.max_connections_per_address = static_cast<size_t>(v);
                     }});
    f.push_back(
        {.name = "max-buffered-bytes",
         .env = "CWLOGD_MAX_BUFFERED_BYTES",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.max_buffered_bytes);
         },
         .help = "memory for request bodies and unread answers, all connections together",
         .min = 1 << 20,
         .max = uint64_t{1} << 40,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.max_buffered_bytes = static_cast<size_t>(v); }});
    f.push_back(
        {.name = "max-pipeline",
         .env = "CWLOGD_MAX_PIPELINE",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.max_pipeline);
         },
         .help = "pipelined responses queued per connection before reading pauses",
         .min = 1,
         .max = 1024,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.max_pipeline = static_cast<size_t>(v); }});
    f.push_back(
        {.name = "shutdown-grace-seconds",
         .env = "CWLOGD_SHUTDOWN_GRACE_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.server.shutdown_grace.count() / 1000);
         },
         .help = "on SIGINT/SIGTERM, wait this long for in-flight requests",
         .max = 3600,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.server.shutdown_grace = std::chrono::seconds(v); }});
    f.push_back({.name = "auth",
                 .env = "CWLOGD_AUTH",
                 .kind = Kind::kString,
                 .show_default = [](const Config& c) -> std::string { return c.auth.mode; },
                 .help = "none (accept any credentials) or sigv4 (verify signatures)",
                 .set_string = [](Config& c, std::string v) { c.auth.mode = std::move(v); }});
    f.push_back(
        {.name = "credentials-file",
         .env = "CWLOGD_CREDENTIALS_FILE",
         .kind = Kind::kString,
         .show_default = [](const Config& c) -> std::string {
           return OrUnset(c.auth.credentials_file);
         },
         .help = "with --auth sigv4: lines 'ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID]'",
         .set_string = [](Config& c, std::string v) { c.auth.credentials_file = std::move(v); }});
    f.push_back({.name = "subscription-targets",
                 .env = "CWLOGD_SUBSCRIPTION_TARGETS",
                 .kind = Kind::kString,
                 .show_default = [](const Config& c) -> std::string {
                   return OrUnset(c.subscription_targets_file);
                 },
                 .help = "JSON file mapping subscription destination ARNs to targets: "
                         "{\"<arn>\": {\"url\": \"http://...\"} or {\"logGroup\": \"<name>\"}}",
                 .set_string = [](Config& c,
                                  std::string v) { c.subscription_targets_file = std::move(v); }});
    f.push_back({.name = "smtp-url",
                 .env = "CWLOGD_SMTP_URL",
                 .kind = Kind::kString,
                 .show_default = [](const Config& c) -> std::string { return OrUnset(c.smtp_url); },
                 .help =
                     "SMTP relay for SNS e-mail subscriptions: smtp://[user:password@]host:port "
                     "(STARTTLS when the relay offers it; login when user is given); unset = "
                     "e-mail subscriptions stay pending",
                 .set_string = [](Config& c, std::string v) { c.smtp_url = std::move(v); }});
    f.push_back(
        {.name = "auth-max-skew-seconds",
         .env = "CWLOGD_AUTH_MAX_SKEW_SECONDS",
         .kind = Kind::kUnsigned,
         .show_default = [](const Config& c) -> std::string {
           return std::to_string(c.auth.max_skew_seconds);
         },
         .help = "with --auth sigv4: largest accepted request clock skew",
         .min = 1,
         .max = uint64_t{7} * 86400,
         .set_unsigned = [](Config& c,
                            uint64_t v) { c.auth.max_skew_seconds = static_cast<int64_t>(v); }});
    f.push_back(
        {.name = "tls-cert",
         .env = "CWLOGD_TLS_CERT",
         .kind = Kind::kString,
         .show_default = [](const Config& c) -> std::string {
           return c.server.tls_cert_file.empty() ? std::string("unset (plain HTTP)")
                                                 : c.server.tls_cert_file;
         },
         .help = "with --tls-key: serve HTTPS with this PEM certificate (chain)",
         .set_string = [](Config& c, std::string v) { c.server.tls_cert_file = std::move(v); }});
    f.push_back(
        {.name = "tls-key",
         .env = "CWLOGD_TLS_KEY",
         .kind = Kind::kString,
         .show_default = [](const Config& c) -> std::string {
           return OrUnset(c.server.tls_key_file);
         },
         .help = "with --tls-cert: the certificate's PEM private key (unencrypted)",
         .set_string = [](Config& c, std::string v) { c.server.tls_key_file = std::move(v); }});
    return f;
  }();
  return flags;
}

std::optional<bool> ParseBool(std::string_view v) {
  if (v == "1" || v == "true" || v == "yes" || v == "on" || v == "TRUE" || v == "True") {
    return true;
  }
  if (v == "0" || v == "false" || v == "no" || v == "off" || v == "FALSE" || v == "False" ||
      v.empty()) {
    return false;
  }
  return std::nullopt;
}

// Applies one textual value; returns an error message or "" on success.
std::string Apply(const Flag& flag, std::string_view value, std::string_view source,
                  Config& config) {
  auto bad = [&](std::string_view why) {
    return fmt::format("invalid value '{}' for {}: {}", value, source, why);
  };
  switch (flag.kind) {
    case Kind::kString:
      if (value.empty()) return bad("must not be empty");
      flag.set_string(config, std::string(value));
      return "";
    case Kind::kBool: {
      std::optional<bool> b = ParseBool(value);
      if (!b) return bad("expected true or false");
      flag.set_bool(config, *b);
      return "";
    }
    case Kind::kUnsigned: {
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
        return bad("expected a non-negative integer");
      }
      if (n < flag.min || n > flag.max) {
        return bad(fmt::format("must be between {} and {}", flag.min, flag.max));
      }
      flag.set_unsigned(config, n);
      return "";
    }
    case Kind::kSigned: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
        return bad("expected an integer");
      }
      flag.set_signed(config, n);
      return "";
    }
    case Kind::kLogLevel: {
      std::optional<LogLevel> level = ParseLogLevel(value);
      if (!level) return bad("expected error, warn, info or debug");
      flag.set_level(config, *level);
      return "";
    }
  }
  return bad("unsupported");
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& f : Flags()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

unsigned DefaultIoThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n < 2 ? 2 : n;
}

unsigned DefaultWorkerThreads() {
  unsigned n = 2 * std::thread::hardware_concurrency();
  return n < 4 ? 4 : n;
}

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Config DefaultConfig() {
  Config config;
  config.server.io_threads = DefaultIoThreads();
  config.server.worker_threads = DefaultWorkerThreads();
  return config;
}

CommandLine ParseCommandLine(const std::vector<std::string>& args, const EnvLookup& env) {
  CommandLine out;
  out.config = DefaultConfig();
  auto fail = [&](std::string message) {
    out.action = CommandLine::Action::kError;
    out.message = std::move(message);
    return out;
  };

  // Environment first, so flags override it.
  for (const Flag& flag : Flags()) {
    std::optional<std::string> value = env ? env(std::string(flag.env).c_str()) : std::nullopt;
    if (!value) continue;
    std::string error = Apply(flag, *value, flag.env, out.config);
    if (!error.empty()) return fail(error);
  }

  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.action = CommandLine::Action::kHelp;
      out.message = HelpText();
      return out;
    }
    if (arg == "--version") {
      out.action = CommandLine::Action::kVersion;
      return out;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      return fail(fmt::format("unexpected argument '{}' (see --help)", arg));
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* flag = FindFlag(name);
    // --no-<boolean flag> turns it off.
    bool negated = false;
    if (flag == nullptr && !inline_value && name.substr(0, 3) == "no-") {
      flag = FindFlag(name.substr(3));
      negated = flag != nullptr && flag->kind == Kind::kBool;
      if (!negated) flag = nullptr;
    }
    if (flag == nullptr) return fail(fmt::format("unknown flag '--{}' (see --help)", name));
    std::string_view value;
    if (negated) {
      value = "false";
    } else if (inline_value) {
      value = *inline_value;
    } else if (flag->kind == Kind::kBool) {
      value = "true";
    } else {
      if (i + 1 >= args.size()) return fail(fmt::format("flag '--{}' needs a value", name));
      value = args[++i];
    }
    std::string error = Apply(*flag, value, fmt::format("--{}", name), out.config);
    if (!error.empty()) return fail(error);
  }
  if (out.config.auth.mode != "none" && out.config.auth.mode != "sigv4") {
    return fail(
        fmt::format("invalid value '{}' for --auth: expected none or sigv4", out.config.auth.mode));
  }
  if (out.config.auth.mode == "sigv4" && out.config.auth.credentials_file.empty()) {
    return fail("--auth sigv4 needs --credentials-file");
  }
  if (out.config.auth.mode == "none" && !out.config.auth.credentials_file.empty()) {
    return fail("--credentials-file is only used with --auth sigv4");
  }
  if (out.config.server.tls_cert_file.empty() != out.config.server.tls_key_file.empty()) {
    return fail(out.config.server.tls_cert_file.empty()
                    ? "--tls-key needs --tls-cert (HTTPS needs both)"
                    : "--tls-cert needs --tls-key (HTTPS needs both)");
  }
  return out;
}

std::string HelpText() {
  std::string text =
      "Usage: cwlogd [flags]\n"
      "A CloudWatch Logs compatible server: the Logs API (AWS JSON 1.1) and the CloudWatch\n"
      "metrics API (AWS query, JSON 1.0 and Smithy RPC v2 CBOR) over HTTP or HTTPS.\n\n"
      "Flags (each may also be set by its environment variable; flags win):\n";
  const Config defaults = DefaultConfig();
  for (const Flag& f : Flags()) {
    std::string spelled = fmt::format("--{}{}", f.name, f.kind == Kind::kBool ? "" : " <v>");
    text += fmt::format("  {:<30} {}\n  {:<30} env {}, default: {}\n", spelled, f.help, "", f.env,
                        f.show_default(defaults));
  }
  text +=
      "  --help                         show this text\n"
      "  --version                      print the version and exit\n";
  return text;
}

}  // namespace cwlogd::server
