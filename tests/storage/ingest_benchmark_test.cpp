// Hidden micro-measure (run with: storage_tests "[benchmark]"): ingest rate, bytes on disk per
// event, full group scan and reopen time for nginx-like lines. Prints numbers; asserts only
// correctness, never timings. CWLOGD_BENCH_EVENTS overrides the event count (default 1M),
// CWLOGD_BENCH_SCANS the number of scans before the reopen (default 2).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

uint64_t DirBytes(const std::string& path) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

std::string NginxLine(std::mt19937& mt, int64_t ts) {
  auto rng = [&mt] { return static_cast<unsigned>(mt()); };
  static const char* kPaths[] = {"/",
                                 "/index.html",
                                 "/api/v1/items",
                                 "/api/v1/users/login",
                                 "/static/app.js",
                                 "/static/style.css",
                                 "/favicon.ico",
                                 "/api/v1/orders?page=2"};
  static const char* kAgents[] = {
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
      "curl/8.4.0", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15"};
  char buf[512];
  int n = std::snprintf(
      buf, sizeof buf,
      "%u.%u.%u.%u - - [22/Nov/2025:%02d:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %u \"-\" \"%s\"",
      rng() % 256, rng() % 256, rng() % 256, rng() % 256, static_cast<int>((ts / 3600000) % 24),
      static_cast<int>((ts / 60000) % 60), static_cast<int>((ts / 1000) % 60),
      rng() % 5 == 0 ? "POST" : "GET", kPaths[rng() % 8], rng() % 10 == 0 ? 404 : 200,
      rng() % 50000, kAgents[rng() % 3]);
  return std::string(buf, static_cast<size_t>(n));
}

TEST_CASE("Ingest, scan and reopen micro-measure", "[.][benchmark]") {
  size_t total = 1'000'000;
  if (const char* env = std::getenv("CWLOGD_BENCH_EVENTS")) total = std::stoul(env);
  const size_t kBatch = 1000;
  const size_t kThreads = 2;
  const Partition p{"000000000000", "us-east-1"};
  const int64_t t0 = 1'700'000'000'000;

  std::mt19937 rng(42);
  std::vector<std::vector<InputEvent>> batches;
  uint64_t message_bytes = 0;
  for (size_t b = 0; b < total / kBatch; ++b) {
    std::vector<InputEvent> events;
    for (size_t i = 0; i < kBatch; ++i) {
      int64_t ts = t0 + static_cast<int64_t>(b * kBatch + i);
      events.push_back({ts, NginxLine(rng, ts)});
      message_bytes += events.back().message.size();
    }
    batches.push_back(std::move(events));
  }

  testing::TempDir dir;
  uint64_t disk = 0;
  {
    auto store = testing::OpenStore(dir.path(), 64 << 20);
    LogGroupInfo g;
    g.name = "bench";
    REQUIRE(store->CreateLogGroup(p, g).ok());
    for (size_t t = 0; t < kThreads; ++t) {
      REQUIRE(store->CreateLogStream(p, "bench", "s" + std::to_string(t), t0).ok());
    }
    auto start = Clock::now();
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::string stream = "s" + std::to_string(t);
        for (size_t b = t; b < batches.size(); b += kThreads) {
          if (!store->PutLogEvents(p, {"bench", stream, batches[b], t0}).ok()) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    double secs = Seconds(start);
    REQUIRE(failures == 0);
    std::printf(
        "ingest: %zu events (%.1f bytes/message avg) in %.3f s = %.0f events/s (%zu threads)\n",
        total, static_cast<double>(message_bytes) / static_cast<double>(total), secs,
        static_cast<double>(total) / secs, kThreads);

    int rounds = 2;
    if (const char* env = std::getenv("CWLOGD_BENCH_SCANS")) rounds = std::stoi(env);
    for (int round = 0; round < rounds; ++round) {
      start = Clock::now();
      size_t seen = 0;
      REQUIRE(store
                  ->ScanGroup(p, "bench", {},
                              [&](const EventView& e) {
                                seen += e.message.empty() ? 0 : 1;
                                return true;
                              })
                  .ok());
      std::printf("full ScanGroup (%s): %zu events in %.1f ms\n",
                  round == 0 ? "memtable/cold" : "again", seen, Seconds(start) * 1000);
      REQUIRE(seen == total);
    }
  }
  disk = DirBytes(dir.path());
  std::printf("on disk after close (flushed): %llu bytes = %.1f bytes/event\n",
              static_cast<unsigned long long>(disk),
              static_cast<double>(disk) / static_cast<double>(total));
  auto start = Clock::now();
  {
    auto store = testing::OpenStore(dir.path(), 64 << 20);
    std::printf("reopen: %.1f ms\n", Seconds(start) * 1000);
    start = Clock::now();
    size_t seen = 0;
    REQUIRE(store
                ->ScanGroup(p, "bench", {},
                            [&](const EventView&) {
                              ++seen;
                              return true;
                            })
                .ok());
    std::printf("full ScanGroup after reopen (from SST): %zu events in %.1f ms\n", seen,
                Seconds(start) * 1000);
    start = Clock::now();
    seen = 0;
    REQUIRE(store
                ->ScanGroup(p, "bench", {},
                            [&](const EventView&) {
                              ++seen;
                              return true;
                            })
                .ok());
    std::printf("full ScanGroup again (block cache): %zu events in %.1f ms\n", seen,
                Seconds(start) * 1000);
  }
}

}  // namespace
}  // namespace cwlogd::storage
