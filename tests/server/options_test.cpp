#include "server/options.h"

#include <map>
#include <string>
#include <vector>

#include "tests/catch2.h"

using cwlogd::server::CommandLine;
using cwlogd::server::EnvLookup;
using cwlogd::server::LogLevel;
using cwlogd::server::ParseCommandLine;

namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

CommandLine Parse(const std::vector<std::string>& args,
                  std::map<std::string, std::string> env = {}) {
  return ParseCommandLine(args, FakeEnv(std::move(env)));
}

}  // namespace

TEST_CASE("ParseCommandLine defaults match the briefing", "[server][options]") {
  CommandLine cl = Parse({});
  REQUIRE(cl.action == CommandLine::Action::kRun);
  const auto& c = cl.config;
  CHECK(c.server.host == "127.0.0.1");
  CHECK(c.server.port == 4588);
  CHECK(c.storage.path == "./data");
  CHECK(c.log_level == LogLevel::kInfo);
  CHECK(c.server.io_threads >= 2);
  CHECK_FALSE(c.server.enable_test_endpoints);
  CHECK_FALSE(c.storage.sync_writes);
  CHECK(c.clock_offset_ms == 0);
  CHECK(c.server.max_body_bytes == 8u << 20);
  CHECK(c.server.idle_timeout == std::chrono::seconds(60));
}

TEST_CASE("ParseCommandLine reads '--flag value' and '--flag=value'", "[server][options]") {
  CommandLine cl = Parse({"--host",
                          "0.0.0.0",
                          "--port=0",
                          "--data-dir",
                          "/tmp/x",
                          "--log-level=debug",
                          "--io-threads",
                          "3",
                          "--enable-test-endpoints",
                          "--clock-offset-ms=-86400000",
                          "--sync-writes",
                          "--max-body-bytes",
                          "1024",
                          "--idle-timeout-seconds=5",
                          "--max-connections",
                          "7",
                          "--max-pipeline=2",
                          "--max-header-bytes",
                          "4096",
                          "--header-timeout-seconds",
                          "3",
                          "--body-timeout-seconds=4",
                          "--max-connections-per-address",
                          "5",
                          "--max-buffered-bytes",
                          "2097152"});
  REQUIRE(cl.action == CommandLine::Action::kRun);
  const auto& c = cl.config;
  CHECK(c.server.host == "0.0.0.0");
  CHECK(c.server.port == 0);
  CHECK(c.storage.path == "/tmp/x");
  CHECK(c.log_level == LogLevel::kDebug);
  CHECK(c.server.io_threads == 3);
  CHECK(c.server.enable_test_endpoints);
  CHECK(c.clock_offset_ms == -86400000);
  CHECK(c.storage.sync_writes);
  CHECK(c.server.max_body_bytes == 1024);
  CHECK(c.server.idle_timeout == std::chrono::seconds(5));
  CHECK(c.server.max_connections == 7);
  CHECK(c.server.max_pipeline == 2);
  CHECK(c.server.max_header_bytes == 4096);
  CHECK(c.server.header_timeout == std::chrono::seconds(3));
  CHECK(c.server.body_timeout == std::chrono::seconds(4));
  CHECK(c.server.max_connections_per_address == 5);
  CHECK(c.server.max_buffered_bytes == 2u << 20);
}

TEST_CASE("ParseCommandLine reads environment variables, and flags win over them",
          "[server][options]") {
  std::map<std::string, std::string> env = {
      {"CWLOGD_HOST", "10.0.0.1"},           {"CWLOGD_PORT", "9000"},
      {"CWLOGD_DATA_DIR", "/var/lib/x"},     {"CWLOGD_LOG_LEVEL", "warn"},
      {"CWLOGD_ENABLE_TEST_ENDPOINTS", "1"}, {"CWLOGD_SYNC_WRITES", "true"},
      {"CWLOGD_CLOCK_OFFSET_MS", "42"},      {"CWLOGD_IO_THREADS", "5"}};
  CommandLine from_env = Parse({}, env);
  REQUIRE(from_env.action == CommandLine::Action::kRun);
  CHECK(from_env.config.server.host == "10.0.0.1");
  CHECK(from_env.config.server.port == 9000);
  CHECK(from_env.config.storage.path == "/var/lib/x");
  CHECK(from_env.config.log_level == LogLevel::kWarn);
  CHECK(from_env.config.server.enable_test_endpoints);
  CHECK(from_env.config.storage.sync_writes);
  CHECK(from_env.config.clock_offset_ms == 42);
  CHECK(from_env.config.server.io_threads == 5);

  CommandLine overridden = Parse({"--port", "9100", "--enable-test-endpoints=false"}, env);
  REQUIRE(overridden.action == CommandLine::Action::kRun);
  CHECK(overridden.config.server.port == 9100);
  CHECK_FALSE(overridden.config.server.enable_test_endpoints);
  CHECK(overridden.config.server.host == "10.0.0.1");
}

TEST_CASE("ParseCommandLine rejects bad arguments with a message", "[server][options]") {
  auto [args, env, expected] =
      GENERATE(table<std::vector<std::string>, std::map<std::string, std::string>, std::string>({
          {{"--port", "65536"}, {}, "--port"},
          {{"--port", "-1"}, {}, "--port"},
          {{"--port", "12ab"}, {}, "--port"},
          {{"--port"}, {}, "needs a value"},
          {{"--log-level", "verbose"}, {}, "--log-level"},
          {{"--nope"}, {}, "unknown flag"},
          {{"positional"}, {}, "unexpected argument"},
          {{"--io-threads=0"}, {}, "--io-threads"},
          {{"--sync-writes=maybe"}, {}, "--sync-writes"},
          {{"--data-dir="}, {}, "--data-dir"},
          {{}, {{"CWLOGD_PORT", "http"}}, "CWLOGD_PORT"},
          {{}, {{"CWLOGD_ENABLE_TEST_ENDPOINTS", "sure"}}, "CWLOGD_ENABLE_TEST_ENDPOINTS"},
          {{"--tls-cert", "c.pem"}, {}, "--tls-cert needs --tls-key (HTTPS needs both)"},
          {{"--tls-key=k.pem"}, {}, "--tls-key needs --tls-cert (HTTPS needs both)"},
          {{}, {{"CWLOGD_TLS_KEY", "k.pem"}}, "--tls-key needs --tls-cert"},
          {{"--tls-key", "k.pem"}, {{"CWLOGD_TLS_CERT", ""}}, "CWLOGD_TLS_CERT"},
          {{"--tls-cert=", "--tls-key", "k.pem"}, {}, "--tls-cert"},
      }));
  CommandLine cl = Parse(args, env);
  CHECK(cl.action == CommandLine::Action::kError);
  CHECK_THAT(cl.message, ContainsSubstring(expected));
}

TEST_CASE("ParseCommandLine takes the TLS certificate and key from flags or env, flags win",
          "[server][options]") {
  CommandLine plain = Parse({});
  REQUIRE(plain.action == CommandLine::Action::kRun);
  CHECK_FALSE(plain.config.server.tls());

  CommandLine flags = Parse({"--tls-cert", "/etc/c.pem", "--tls-key=/etc/k.pem"});
  REQUIRE(flags.action == CommandLine::Action::kRun);
  CHECK(flags.config.server.tls());
  CHECK(flags.config.server.tls_cert_file == "/etc/c.pem");
  CHECK(flags.config.server.tls_key_file == "/etc/k.pem");

  std::map<std::string, std::string> env = {{"CWLOGD_TLS_CERT", "/env/c.pem"},
                                            {"CWLOGD_TLS_KEY", "/env/k.pem"}};
  CommandLine from_env = Parse({}, env);
  REQUIRE(from_env.action == CommandLine::Action::kRun);
  CHECK(from_env.config.server.tls_cert_file == "/env/c.pem");
  CHECK(from_env.config.server.tls_key_file == "/env/k.pem");

  // A flag for one file with the env var for the other makes a complete pair.
  CommandLine mixed = Parse({"--tls-key", "/flag/k.pem"}, env);
  REQUIRE(mixed.action == CommandLine::Action::kRun);
  CHECK(mixed.config.server.tls_cert_file == "/env/c.pem");
  CHECK(mixed.config.server.tls_key_file == "/flag/k.pem");
}

TEST_CASE("ParseCommandLine --help lists every flag with its env var and default",
          "[server][options]") {
  CommandLine cl = Parse({"--port", "1", "--help"});
  REQUIRE(cl.action == CommandLine::Action::kHelp);
  for (const char* needle : {"--host",
                             "CWLOGD_HOST",
                             "127.0.0.1",
                             "--port",
                             "CWLOGD_PORT",
                             "4588",
                             "--data-dir",
                             "CWLOGD_DATA_DIR",
                             "./data",
                             "--log-level",
                             "CWLOGD_LOG_LEVEL",
                             "--io-threads",
                             "CWLOGD_IO_THREADS",
                             "--enable-test-endpoints",
                             "CWLOGD_ENABLE_TEST_ENDPOINTS",
                             "--clock-offset-ms",
                             "CWLOGD_CLOCK_OFFSET_MS",
                             "--sync-writes",
                             "CWLOGD_SYNC_WRITES",
                             "--max-body-bytes",
                             "--idle-timeout-seconds",
                             "--max-connections",
                             "--tls-cert",
                             "CWLOGD_TLS_CERT",
                             "--tls-key",
                             "CWLOGD_TLS_KEY",
                             "--version"}) {
    CAPTURE(needle);
    CHECK_THAT(cl.message, ContainsSubstring(needle));
  }
  CHECK(Parse({"--version"}).action == CommandLine::Action::kVersion);
}

TEST_CASE("ParseCommandLine sizes the worker pool by --worker-threads or its env var",
          "[server][options]") {
  CommandLine defaults = Parse({});
  REQUIRE(defaults.action == CommandLine::Action::kRun);
  CHECK(defaults.config.server.worker_threads == cwlogd::server::DefaultWorkerThreads());
  CHECK(cwlogd::server::DefaultWorkerThreads() >= 4);
  CHECK(Parse({"--worker-threads", "7"}).config.server.worker_threads == 7);
  CHECK(Parse({}, {{"CWLOGD_WORKER_THREADS", "9"}}).config.server.worker_threads == 9);
  CHECK(Parse({"--worker-threads=0"}).action == CommandLine::Action::kError);
  CHECK_THAT(Parse({"--help"}).message, ContainsSubstring("CWLOGD_WORKER_THREADS"));
}

TEST_CASE("ParseCommandLine turns the console off by --no-console, --console=off or its env var",
          "[server][options]") {
  CHECK(Parse({}).config.server.console);
  CHECK_FALSE(Parse({"--no-console"}).config.server.console);
  CHECK_FALSE(Parse({"--console=off"}).config.server.console);
  CHECK_FALSE(Parse({}, {{"CWLOGD_CONSOLE", "off"}}).config.server.console);
  CHECK(Parse({"--console"}, {{"CWLOGD_CONSOLE", "0"}}).config.server.console);
  // --no- applies to boolean flags only, and takes no value.
  CHECK(Parse({"--no-port"}).action == CommandLine::Action::kError);
  CHECK(Parse({"--no-console=yes"}).action == CommandLine::Action::kError);
  CHECK_THAT(Parse({"--help"}).message, ContainsSubstring("CWLOGD_CONSOLE"));
}
