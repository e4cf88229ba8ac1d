#include "server/service.h"

#include <filesystem>
#include <system_error>
#include <utility>

namespace cwlogd::server {

Service::Service(const Config& config) : config_(config), clock_(config.clock_offset_ms) {}

Service::~Service() {
  // The server goes first: its sessions reference the router, the router the store.
  http_.reset();
  router_.reset();
  store_.reset();
}

std::unique_ptr<Service> Service::Start(const Config& config, Logger& logger,
                                        std::string* error) {
  std::unique_ptr<Service> service(new Service(config));
  std::error_code fs_ec;
  std::filesystem::create_directories(config.storage.path, fs_ec);
  if (fs_ec) {
    *error = "cannot create data directory '" + config.storage.path + "': " + fs_ec.message();
    return nullptr;
  }
  storage::Result<std::unique_ptr<storage::LogStore>> store =
      storage::OpenRocksLogStore(config.storage);
  if (!store.ok()) {
    *error = "cannot open the store in '" + config.storage.path + "': " + store.status().message();
    return nullptr;
  }
  service->store_ = std::move(store).value();

  RouterOptions router_options;
  router_options.enable_test_endpoints = config.server.enable_test_endpoints;
  router_options.max_body_bytes = config.server.max_body_bytes;
  service->router_ =
      std::make_unique<Router>(*service->store_, service->clock_, service->config_.api,
                               UnverifiedAuthenticator(), logger, router_options);
  service->http_ = std::make_unique<HttpServer>(config.server, *service->router_, logger);
  if (!service->http_->Listen(error)) return nullptr;
  return service;
}

}  // namespace cwlogd::server
