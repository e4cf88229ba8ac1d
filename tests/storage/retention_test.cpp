// Retention sweeps with explicit "now" values, and disk space coming back after a sweep.
#include <atomic>
#include <thread>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::CollectGroup;
using testing::CollectStream;
using testing::kDay;
using testing::kHour;
using testing::kP;
using testing::kT0;
using testing::Messages;
using testing::OpenStore;
using testing::Put;
using testing::StoredEvent;
using testing::TempDir;

void MakeGroup(LogStore& store, const std::string& name, std::optional<int32_t> retention,
               const std::vector<std::string>& streams = {"s"}) {
  LogGroupInfo g;
  g.name = name;
  g.retention_days = retention;
  REQUIRE(store.CreateLogGroup(kP, g).ok());
  for (const auto& s : streams) REQUIRE(store.CreateLogStream(kP, name, s, kT0).ok());
}

int64_t SumBytes(const std::vector<StoredEvent>& events) {
  int64_t n = 0;
  for (const auto& e : events) n += static_cast<int64_t>(e.message.size());
  return n;
}

TEST_CASE("SweepExpiredEvents deletes wholly expired batches and lowers stored_bytes",
          "[storage][retention]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const int64_t now = kT0 + 10 * kDay;
  MakeGroup(*store, "r1", 1);
  MakeGroup(*store, "r7", 7);
  MakeGroup(*store, "keep", std::nullopt);
  Put(*store, "r1", "s", {{kT0, "old-a"}, {kT0 + 1, "old-b"}, {kT0 + 2, "old-c"}});  // expired
  Put(*store, "r1", "s", {{now - 2 * kDay, "two-days"}});                            // expired
  Put(*store, "r1", "s", {{now - kDay - kHour, "partly-old"}, {now - kDay + kHour, "partly-new"}});
  Put(*store, "r1", "s", {{now - kHour, "fresh"}});
  Put(*store, "r7", "s", {{kT0, "ten-days"}});           // expired under 7 days
  Put(*store, "r7", "s", {{now - 2 * kDay, "r7-two"}});  // kept
  Put(*store, "keep", "s", {{kT0, "forever"}});

  SweepStats stats;
  REQUIRE(store->SweepExpiredEvents(now, &stats).ok());
  CHECK(stats.groups_with_retention == 2);
  CHECK(stats.chunks_deleted == 3);
  CHECK(stats.events_deleted == 5);
  CHECK(stats.bytes_deleted == 5 + 5 + 5 + 8 + 8);

  auto r1 = CollectGroup(*store, kP, "r1", {});
  CHECK(Messages(r1) == std::vector<std::string>{"partly-old", "partly-new", "fresh"});
  CHECK(store->GetLogGroup(kP, "r1")->stored_bytes == SumBytes(r1));
  CHECK(Messages(CollectStream(*store, kP, "r1", "s", {})) == Messages(r1));
  StreamScanQuery back;
  back.forward = false;
  CHECK(CollectStream(*store, kP, "r1", "s", back).size() == 3);
  CHECK(Messages(CollectGroup(*store, kP, "r7", {})) == std::vector<std::string>{"r7-two"});
  CHECK(store->GetLogGroup(kP, "r7")->stored_bytes == 6);
  CHECK(Messages(CollectGroup(*store, kP, "keep", {})) == std::vector<std::string>{"forever"});
  CHECK(store->GetLogGroup(kP, "keep")->stored_bytes == 7);
  // The stream stays, with its counters unchanged.
  auto s = store->GetLogStream(kP, "r1", "s");
  REQUIRE(s.ok());
  CHECK(s->first_event_timestamp == kT0);
  CHECK(s->last_event_timestamp == now - kHour);

  SECTION("a second sweep at the same time is a no-op") {
    REQUIRE(store->SweepExpiredEvents(now, &stats).ok());
    CHECK(stats.chunks_deleted == 0);
    CHECK(store->GetLogGroup(kP, "r1")->stored_bytes == SumBytes(r1));
  }
  SECTION("a later sweep removes the batch once all of it expired, also after a reopen") {
    store.reset();
    store = OpenStore(dir.path());
    REQUIRE(store->SweepExpiredEvents(now + 2 * kHour, &stats).ok());
    CHECK(stats.chunks_deleted == 1);
    CHECK(Messages(CollectGroup(*store, kP, "r1", {})) == std::vector<std::string>{"fresh"});
    CHECK(store->GetLogGroup(kP, "r1")->stored_bytes == 5);
  }
  SECTION("removing the retention policy stops deletion") {
    REQUIRE(store
                ->UpdateLogGroup(kP, "r1",
                                 [](LogGroupInfo& g) {
                                   g.retention_days.reset();
                                   return Status::OK();
                                 })
                .ok());
    REQUIRE(store->SweepExpiredEvents(now + 30 * kDay, &stats).ok());
    CHECK(stats.groups_with_retention == 1);
    CHECK(CollectGroup(*store, kP, "r1", {}).size() == 3);
  }
  CHECK(store->SweepExpiredEvents(now, nullptr).ok());
}

TEST_CASE("A sweep in small slices skips live batches and deletes every expired one",
          "[storage][retention]") {
  TempDir dir;
  StorageOptions options;
  options.path = dir.path();
  options.sweep_batch_chunks = GENERATE(1u, 2u, 1024u);
  auto store = OpenStore(options);
  const int64_t now = kT0 + 30 * kDay;
  MakeGroup(*store, "g", 3, {"old", "live"});
  // 25 expired single-event batches, interleaved in time with long batches that end after
  // the cutoff (they stay), plus fresh data.
  int64_t expected_bytes = 0;
  for (int i = 0; i < 25; ++i) {
    int64_t ts = now - 3 * kDay - kHour + i * 1000;
    Put(*store, "g", "old", {{ts, "old" + std::to_string(i)}});
    if (i % 5 == 0) {
      Put(*store, "g", "live", {{ts, "live-start"}, {ts + 23 * kHour, "live-end"}});
      expected_bytes += 10 + 8;
    }
  }
  Put(*store, "g", "old", {{now, "now"}});
  expected_bytes += 3;
  SweepStats stats;
  REQUIRE(store->SweepExpiredEvents(now, &stats).ok());
  CHECK(stats.chunks_deleted == 25);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == expected_bytes);
  auto left = CollectGroup(*store, kP, "g", {});
  CHECK(SumBytes(left) == expected_bytes);
  CHECK(CollectStream(*store, kP, "g", "old", {}).size() == 1);
}

TEST_CASE("Sweeps running alongside ingest keep stored_bytes exact",
          "[storage][retention][concurrency]") {
  TempDir dir;
  StorageOptions options;
  options.path = dir.path();
  options.sweep_batch_chunks = 3;
  auto store = OpenStore(options);
  const int64_t now = kT0 + 10 * kDay;
  MakeGroup(*store, "g", 1, {"a", "b"});
  for (int i = 0; i < 200; ++i) Put(*store, "g", "a", {{kT0 + i, "expired-" + std::to_string(i)}});

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread sweeper([&] {
    int64_t t = now;
    while (!stop) {
      SweepStats st;
      if (!store->SweepExpiredEvents(t, &st).ok()) ++failures;
      t += 1;  // moving "now" keeps some freshly written batches expiring
    }
  });
  std::vector<std::thread> writers;
  for (const char* stream : {"a", "b"}) {
    writers.emplace_back([&, stream] {
      for (int i = 0; i < 300; ++i) {
        // Alternate batches that the sweeper will treat as expired and ones it keeps.
        int64_t ts = i % 2 == 0 ? now - 3 * kDay + i : now - kHour + i;
        std::vector<InputEvent> events{{ts, std::string(stream) + std::to_string(i)}};
        if (!store->PutLogEvents(kP, {"g", stream, events, kT0}).ok()) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  sweeper.join();
  CHECK(failures == 0);
  REQUIRE(store->SweepExpiredEvents(now + 100000, nullptr).ok());
  auto left = CollectGroup(*store, kP, "g", {});
  CHECK(left.size() == 300);  // the "keep" half of both writers
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == SumBytes(left));
}

std::string AccessLogLine(int i) {
  return "203.0.113." + std::to_string(i % 250) +
         " - - [22/Nov/2025:03:50:00 +0000] \"GET /api/v1/items/" + std::to_string(i * 7919) +
         " HTTP/1.1\" 200 " + std::to_string(i * 31 % 10000) +
         " \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0\"";
}

TEST_CASE("Disk use falls after a sweep and CompactRange", "[storage][retention]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const int64_t now = kT0 + 10 * kDay;
  MakeGroup(*store, "g", 1);
  for (int b = 0; b < 40; ++b) {
    std::vector<InputEvent> events;
    for (int i = 0; i < 1000; ++i)
      events.push_back({kT0 + b * 1000 + i, AccessLogLine(b * 1000 + i)});
    Put(*store, "g", "s", events);
  }
  Put(*store, "g", "s", {{now, "fresh"}});
  REQUIRE(store->CompactRange().ok());
  const uint64_t before = store->ApproximateDiskBytes();
  SweepStats stats;
  REQUIRE(store->SweepExpiredEvents(now, &stats).ok());
  CHECK(stats.chunks_deleted == 40);
  REQUIRE(store->CompactRange().ok());
  const uint64_t after = store->ApproximateDiskBytes();
  INFO("disk bytes before " << before << ", after " << after);
  CHECK(before > 40'000 * 10);  // something real was measured
  CHECK(after * 5 < before);
  CHECK(Messages(CollectGroup(*store, kP, "g", {})) == std::vector<std::string>{"fresh"});
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 5);
}

}  // namespace
}  // namespace cwlogd::storage
