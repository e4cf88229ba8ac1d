// Helpers for storage tests: a temp directory per test and a store opened in it.
// Not thread-safe; one per test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
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

}  // namespace cwlogd::storage::testing
