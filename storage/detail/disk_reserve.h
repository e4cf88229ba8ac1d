// Internal to storage/: the reserved space of the data directory (docs/security.md, "Disk full").
// A file of `bytes` preallocated bytes that the engine deletes when a delete (DeleteLogGroup,
// DeleteLogStream, the retention sweep) fails on a full disk: RocksDB then has the room to flush
// its memtables and write the delete, and compaction gives the deleted data's space back. The file
// is made again once the disk has room for it and as much again.
//
// Thread-safety: none; the engine serializes every call (Engine::resume_mu_).
#pragma once

#include <cstdint>
#include <string>

namespace cwlogd::storage::detail {

class DiskReserve {
 public:
  // Nothing is created here; `bytes` 0 turns the reserve off.
  DiskReserve(std::string data_dir, uint64_t bytes);

  uint64_t bytes() const { return bytes_; }
  bool held() const { return held_; }
  const std::string& path() const { return path_; }

  // Makes (or keeps) the file when the disk can spare it: true when the reserve is held.
  // `headroom` is what must stay free besides the reserve itself.
  bool Acquire(uint64_t headroom);
  // Deletes the file; true when there was one to give back.
  bool Release();

 private:
  std::string dir_;
  std::string path_;
  uint64_t bytes_;
  bool held_ = false;
};

// Free bytes (for an unprivileged user) on the filesystem holding `path`; 0 if unknown.
uint64_t FreeDiskBytes(const std::string& path);

}  // namespace cwlogd::storage::detail
