// ListLogStreamsByLastEventTime: the (last event time, name) index of a group's streams, kept in
// step with the stream records, and built on the first open of a data dir that predates it.
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "storage/keys.h"
#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::kP;
using testing::kT0;
using testing::OpenStore;
using testing::TempDir;

void PutAt(LogStore& store, std::string_view group, std::string_view stream, int64_t ts) {
  std::vector<InputEvent> events{{ts, "m"}};
  PutEventsRequest req{group, stream, events, kT0};
  auto r = store.PutLogEvents(kP, req);
  INFO(r.status().message());
  REQUIRE(r.ok());
}

void Create(LogStore& store, std::string_view group, std::string_view stream) {
  REQUIRE(store.CreateLogStream(kP, group, stream, kT0).ok());
}

// Names in the store's order; `page` streams at a time, each page resumed after the last.
std::vector<std::string> ByTime(LogStore& store, std::string_view group, bool descending,
                                size_t page = 1000) {
  std::vector<std::string> names;
  std::optional<StreamTimePosition> after;
  while (true) {
    size_t seen = 0;
    Status s = store.ListLogStreamsByLastEventTime(
        kP, group, descending, after, [&](const LogStreamInfo& info) {
          names.push_back(info.name);
          after = StreamTimePosition{info.last_event_timestamp.value_or(0), info.name};
          return ++seen < page;
        });
    INFO(s.message());
    REQUIRE(s.ok());
    if (seen < page) return names;
  }
}

// Streams: "idle" (no events), "b" and "a" at the same time, "late" after them.
void MakeStreams(LogStore& store) {
  LogGroupInfo g;
  g.name = "g";
  g.creation_time_ms = kT0;
  REQUIRE(store.CreateLogGroup(kP, g).ok());
  for (const char* name : {"late", "b", "a", "idle"}) Create(store, "g", name);
  PutAt(store, "g", "late", kT0 + 50);
  PutAt(store, "g", "late", kT0 + 90);  // moves "late" from +50 to +90
  PutAt(store, "g", "b", kT0 + 10);
  PutAt(store, "g", "a", kT0 + 10);
  PutAt(store, "g", "late", kT0 + 5);  // older events keep the last event time at +90
}

const std::vector<std::string> kAscending{"idle", "a", "b", "late"};
const std::vector<std::string> kDescending{"late", "b", "a", "idle"};

TEST_CASE("Streams list by last event time, ties by name, in both directions and by page",
          "[storage][streams]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  MakeStreams(*store);
  for (size_t page : {1, 2, 3, 1000}) {
    INFO("page " << page);
    CHECK(ByTime(*store, "g", false, page) == kAscending);
    CHECK(ByTime(*store, "g", true, page) == kDescending);
  }
  // Resuming after a position no stream holds.
  std::vector<std::string> names;
  REQUIRE(store
              ->ListLogStreamsByLastEventTime(kP, "g", false, StreamTimePosition{kT0 + 10, "aa"},
                                              [&](const LogStreamInfo& info) {
                                                names.push_back(info.name);
                                                return true;
                                              })
              .ok());
  CHECK(names == std::vector<std::string>{"b", "late"});
  CHECK(store
            ->ListLogStreamsByLastEventTime(kP, "nope", false, std::nullopt,
                                            [](const LogStreamInfo&) { return true; })
            .IsNotFound());
}

TEST_CASE("The last-event-time order follows deleted and re-created streams and groups",
          "[storage][streams]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  MakeStreams(*store);
  REQUIRE(store->DeleteLogStream(kP, "g", "late").ok());
  CHECK(ByTime(*store, "g", false) == std::vector<std::string>{"idle", "a", "b"});
  Create(*store, "g", "late");  // re-created: no events yet
  CHECK(ByTime(*store, "g", false) == std::vector<std::string>{"idle", "late", "a", "b"});

  REQUIRE(store->DeleteLogGroup(kP, "g").ok());
  LogGroupInfo g;
  g.name = "g";
  REQUIRE(store->CreateLogGroup(kP, g).ok());
  CHECK(ByTime(*store, "g", false).empty());
  Create(*store, "g", "x");
  CHECK(ByTime(*store, "g", true) == std::vector<std::string>{"x"});

  REQUIRE(store->Reset().ok());
  REQUIRE(store->CreateLogGroup(kP, g).ok());
  CHECK(ByTime(*store, "g", false).empty());
}

// Removes the index and its marker, as a data dir written before the index existed.
void DropStreamTimeIndex(const std::string& path) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, cfs, &handles, &db).ok());
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == keys::kMetaCf) meta = handles[i];
  }
  REQUIRE(meta != nullptr);
  const std::string begin(1, keys::kStreamTimeTag);
  const std::string end(1, static_cast<char>(keys::kStreamTimeTag + 1));
  CHECK(db->DeleteRange(rocksdb::WriteOptions(), meta, begin, end).ok());
  CHECK(db->Delete(rocksdb::WriteOptions(), meta, keys::MarkerKey(keys::kStreamTimeIndexMarker))
            .ok());
  for (auto* h : handles) CHECK(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST_CASE("Opening a data dir without the last-event-time index builds it once",
          "[storage][streams]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    MakeStreams(*store);
  }
  DropStreamTimeIndex(dir.path());
  {
    auto store = OpenStore(dir.path());
    CHECK(ByTime(*store, "g", false) == kAscending);
    CHECK(ByTime(*store, "g", true) == kDescending);
    PutAt(*store, "g", "idle", kT0 + 100);
  }
  auto store = OpenStore(dir.path());  // the marker: no second build, the index moved on
  CHECK(ByTime(*store, "g", true) == std::vector<std::string>{"idle", "late", "b", "a"});
}

}  // namespace
}  // namespace cwlogd::storage
