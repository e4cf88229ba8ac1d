// Helpers for storage tests: a temp directory per test and a store opened in it.
// Not thread-safe; one per test.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_store.h"
#include "tests/catch2.h"

namespace cwlogd::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cwlogd-storage-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::unique_ptr<LogStore> OpenStore(const StorageOptions& options) {
  auto store = OpenRocksLogStore(options);
  INFO(store.status().message());
  REQUIRE(store.ok());
  return std::move(store).value();
}

inline std::unique_ptr<LogStore> OpenStore(const std::string& path,
                                           size_t block_cache_bytes = 8 << 20) {
  StorageOptions options;
  options.path = path;
  options.block_cache_bytes = block_cache_bytes;
  return OpenStore(options);
}

// The partitions, clock and sizes the tests share.
inline const Partition kP{"000000000000", "us-east-1"};
inline const Partition kOther{"111111111111", "us-east-1"};
inline constexpr int64_t kT0 = 1'700'000'000'000;  // the tests' "now": 2023-11-14
inline constexpr int64_t kHour = 3'600'000;
inline constexpr int64_t kDay = 24 * kHour;

// Stores `events` in kP's group/stream, ingested at `ingestion`; the upload sequence.
inline uint64_t Put(LogStore& store, std::string_view group, std::string_view stream,
                    std::vector<InputEvent> events, int64_t ingestion = kT0) {
  PutEventsRequest req{group, stream, events, ingestion};
  auto r = store.PutLogEvents(kP, req);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return r->upload_sequence;
}

struct StoredEvent {
  EventKey key;
  int64_t ingestion_time = 0;
  std::string message;
  std::string stream;
  bool operator==(const StoredEvent&) const = default;
};

inline std::vector<StoredEvent> CollectStream(LogStore& store, const Partition& p,
                                              std::string_view group, std::string_view stream,
                                              const StreamScanQuery& q, size_t limit = SIZE_MAX) {
  std::vector<StoredEvent> out;
  Status s = store.ScanStream(p, group, stream, q, [&](const EventView& e) {
    out.push_back({e.key, e.ingestion_time, std::string(e.message), std::string(e.stream_name)});
    return out.size() < limit;
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return out;
}

inline std::vector<StoredEvent> CollectGroup(LogStore& store, const Partition& p,
                                             std::string_view group, const GroupScanQuery& q,
                                             size_t limit = SIZE_MAX) {
  std::vector<StoredEvent> out;
  Status s = store.ScanGroup(p, group, q, [&](const EventView& e) {
    out.push_back({e.key, e.ingestion_time, std::string(e.message), std::string(e.stream_name)});
    return out.size() < limit;
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return out;
}

inline std::vector<std::string> Messages(const std::vector<StoredEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

}  // namespace cwlogd::storage::testing
