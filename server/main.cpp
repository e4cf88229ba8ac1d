// cwlogd: parse flags and environment, open the store, serve until SIGINT/SIGTERM.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "server/log.h"
#include "server/memory.h"
#include "server/options.h"
#include "server/service.h"

#ifndef CWLOGD_VERSION
#define CWLOGD_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using cwlogd::server::CommandLine;
  cwlogd::server::TuneAllocator();
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  CommandLine cl = cwlogd::server::ParseCommandLine(args, cwlogd::server::ProcessEnv());
  switch (cl.action) {
    case CommandLine::Action::kHelp:
      std::fputs(cl.message.c_str(), stdout);
      return 0;
    case CommandLine::Action::kVersion:
      std::printf("cwlogd %s\n", CWLOGD_VERSION);
      return 0;
    case CommandLine::Action::kError:
      std::fprintf(stderr, "cwlogd: %s\n", cl.message.c_str());
      return 2;
    case CommandLine::Action::kRun:
      break;
  }
  const cwlogd::server::Config& config = cl.config;
  cwlogd::server::Logger logger(config.log_level, stderr);

  std::string error;
  std::unique_ptr<cwlogd::server::Service> service =
      cwlogd::server::Service::Start(config, logger, &error);
  if (!service) {
    logger.Error("{}", error);
    std::fprintf(stderr, "cwlogd: %s\n", error.c_str());
    return 1;
  }
  service->StopOnSignals();
  // An IPv6 literal needs brackets in a URL.
  bool ipv6 = config.server.host.find(':') != std::string::npos;
  std::string banner =
      fmt::format("cwlogd {} listening on {}://{}{}{}:{} (data: {})\n", CWLOGD_VERSION,
                  config.server.tls() ? "https" : "http", ipv6 ? "[" : "", config.server.host,
                  ipv6 ? "]" : "", service->port(), config.storage.path);
  std::fputs(banner.c_str(), stdout);
  std::fflush(stdout);
  logger.Info(
      "io-threads={} worker-threads={} max-body-bytes={} idle-timeout={}s header-timeout={}s "
      "body-timeout={}s max-connections={} max-buffered-bytes={} test-endpoints={} "
      "sync-writes={} clock-offset-ms={}",
      config.server.io_threads, config.server.worker_threads, config.server.max_body_bytes,
      config.server.idle_timeout.count() / 1000, config.server.header_timeout.count() / 1000,
      config.server.body_timeout.count() / 1000, config.server.max_connections,
      config.server.max_buffered_bytes, config.server.enable_test_endpoints,
      config.storage.sync_writes, config.clock_offset_ms);

  service->Run();
  service.reset();  // closes the store
  logger.Info("stopped");
  return 0;
}
