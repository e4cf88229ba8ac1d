// The worker pool of HttpServer: a handler that blocks (here: an authenticator held on a
// future) occupies one worker, not the IO thread, so health checks and other requests are
// answered meanwhile, and a graceful stop still waits for the blocked request's answer.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/http_server.h"
#include "server/router.h"
#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/server/test_util.h"

using namespace cwlogd::server;
using namespace cwlogd::server::testing;

namespace {

// A Router over a real store whose authenticator holds every request carrying the header
// X-Test-Hold until `release` is fulfilled.
struct HoldingRouter {
  HoldingRouter() {
    cwlogd::storage::StorageOptions so;
    so.path = (dir.path() / "data").string();
    auto opened = cwlogd::storage::OpenRocksLogStore(so);
    if (!opened.ok()) throw std::runtime_error("store: " + opened.status().message());
    store = std::move(opened).value();
    Authenticator unverified = UnverifiedAuthenticator();
    router = std::make_unique<Router>(
        *store, clock, api_options,
        [this, unverified](const HttpRequest& req, const RequestClass& what) {
          if (req.find("X-Test-Hold") != req.end()) {
            held.store(true);
            released.wait();
          }
          return unverified(req, what);
        },
        logger, RouterOptions{});
  }

  TempDir dir;
  cwlogd::storage::SystemClock clock;
  cwlogd::api::ApiOptions api_options;
  Logger logger{LogLevel::kError};
  std::unique_ptr<cwlogd::storage::LogStore> store;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> held{false};
  std::unique_ptr<Router> router;
};

}  // namespace

TEST_CASE("HTTP server answers other requests while a handler blocks a worker",
          "[server][http][concurrency]") {
  HoldingRouter fixture;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;  // before the worker pool, one blocked handler stalled everything
  options.worker_threads = 2;
  HttpServer server(options, *fixture.router, fixture.logger);
  std::string error;
  REQUIRE(server.Listen(&error));
  std::thread serving([&] { server.Run(); });

  Client held_client(server.port());
  HttpRequest held_request = LogsRequest("DescribeLogGroups", "{}");
  held_request.set("X-Test-Hold", "1");
  // Written outside REQUIRE: Catch2 names its expression twice, which reads as a use after move.
  const auto write_error = held_client.Write(std::move(held_request));
  REQUIRE(!write_error);
  REQUIRE(WaitFor([&] { return fixture.held.load(); }));

  Client other(server.port(), std::chrono::seconds(5));
  CHECK(other.Send(GetRequest("/_cwlogd/health")).result_int() == 200);
  CHECK(other.Send(LogsRequest("DescribeLogGroups", "{}")).result_int() == 200);

  // A graceful stop waits for the held request, which is answered once released.
  server.Stop();
  fixture.release.set_value();
  CHECK(held_client.Read().result_int() == 200);
  serving.join();
}
