// Pacing and interruption of retention work: SweepControl (slices, stopping between them) and
// CompactControl (gentle reclaim, cancellation).
#include <atomic>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::CollectStream;
using testing::kDay;
using testing::kP;
using testing::kT0;
using testing::OpenStore;
using testing::TempDir;

std::string ShortAccessLogLine(int i) {
  return "198.51.100." + std::to_string(i % 250) + " - - [22/Nov/2025:03:50:00 +0000] \"GET /a/" +
         std::to_string(i * 7919) + " HTTP/1.1\" 200 " + std::to_string(i * 31 % 10000);
}

// Group "g" (retention 1 day) with `batches` expired batches of 1000 events and one fresh event.
void Fill(LogStore& store, int batches, int64_t now) {
  LogGroupInfo g;
  g.name = "g";
  g.retention_days = 1;
  REQUIRE(store.CreateLogGroup(kP, g).ok());
  REQUIRE(store.CreateLogStream(kP, "g", "s", kT0).ok());
  for (int b = 0; b < batches; ++b) {
    std::vector<InputEvent> events;
    for (int i = 0; i < 1000; ++i)
      events.push_back({kT0 + b * 1000 + i, ShortAccessLogLine(b * 1000 + i)});
    REQUIRE(store.PutLogEvents(kP, {"g", "s", events, kT0}).ok());
  }
  std::vector<InputEvent> fresh = {{now, "fresh"}};
  REQUIRE(store.PutLogEvents(kP, {"g", "s", fresh, kT0}).ok());
}

TEST_CASE("SweepControl: slices of batch_chunks, a stop between them keeps stored_bytes exact",
          "[storage][retention]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const int64_t now = kT0 + 10 * kDay;
  Fill(*store, 10, now);
  int calls = 0;
  SweepControl control;
  control.batch_chunks = 3;
  control.between_batches = [&] { return ++calls < 2; };  // stop after the second slice
  SweepStats stats;
  REQUIRE(store->SweepExpiredEvents(now, &stats, control).ok());
  CHECK(calls == 2);
  CHECK(stats.chunks_deleted == 6);
  const size_t left = CollectStream(*store, kP, "g", "s", {}).size();
  CHECK(left == 4 * 1000 + 1);
  // The next sweep finishes the job; a callback that never stops is called once per slice.
  calls = 0;
  control.between_batches = [&] { return ++calls > 0; };
  REQUIRE(store->SweepExpiredEvents(now, &stats, control).ok());
  CHECK(stats.chunks_deleted == 4);
  CHECK(calls == 2);
  CHECK(CollectStream(*store, kP, "g", "s", {}).size() == 1);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 5);
}

TEST_CASE("Gentle CompactRange reclaims the swept ranges and never compacts the whole database",
          "[storage][retention]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const int64_t now = kT0 + 10 * kDay;
  Fill(*store, 40, now);
  CompactControl gentle;
  gentle.gentle = true;
  CompactStats cs;
  // Nothing swept yet: nothing to do (the immediate form would compact everything).
  REQUIRE(store->CompactRange(gentle, &cs).ok());
  CHECK(cs.ranges_compacted == 0);
  CHECK(cs.ranges_reclaimed == 0);
  REQUIRE(store->CompactRange().ok());
  const uint64_t before = store->ApproximateDiskBytes();
  SweepStats stats;
  REQUIRE(store->SweepExpiredEvents(now, &stats).ok());
  REQUIRE(stats.chunks_deleted == 40);
  REQUIRE(store->CompactRange(gentle, &cs).ok());
  CHECK(cs.ranges_compacted == 1);
  CHECK_FALSE(cs.cancelled);
  const uint64_t after = store->ApproximateDiskBytes();
  INFO("disk bytes before " << before << ", after " << after);
  CHECK(after * 5 < before);
  // Done: a second call finds nothing left to reclaim.
  REQUIRE(store->CompactRange(gentle, &cs).ok());
  CHECK(cs.ranges_compacted == 0);
  CHECK(CollectStream(*store, kP, "g", "s", {}).size() == 1);
}

TEST_CASE("A cancelled CompactRange keeps its ranges for the next call", "[storage][retention]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  const int64_t now = kT0 + 10 * kDay;
  Fill(*store, 40, now);
  REQUIRE(store->CompactRange().ok());
  const uint64_t before = store->ApproximateDiskBytes();
  REQUIRE(store->SweepExpiredEvents(now, nullptr).ok());
  std::atomic<bool> cancel{true};
  CompactControl control;
  control.gentle = true;
  control.canceled = &cancel;
  CompactStats cs;
  REQUIRE(store->CompactRange(control, &cs).ok());
  CHECK(cs.cancelled);
  CHECK(cs.ranges_compacted == 0);
  cancel = false;
  REQUIRE(store->CompactRange(control, &cs).ok());
  CHECK_FALSE(cs.cancelled);
  CHECK(cs.ranges_compacted == 1);
  CHECK(store->ApproximateDiskBytes() * 5 < before);
}

}  // namespace
}  // namespace cwlogd::storage
