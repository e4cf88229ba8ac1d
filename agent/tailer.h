// Follows the newest file matching a glob, line by line: picks up new files, drains a file
// rotated by rename before moving on, detects copytruncate (and reads the rest of the lines from
// the copy when it is beside the file). Positions are byte offsets after complete lines.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "agent/state_file.h"

namespace cwlogd::agent {

struct TailerOptions {
  std::string glob;
  int fingerprint_first_line = 1;  // lines a..b identify a file. Default: the first line
  int fingerprint_last_line = 1;
  bool start_at_end = false;        // a file seen for the first time without state
  bool auto_removal = false;        // delete a drained file once a newer one took over
  int64_t rotation_quiet_ms = 500;  // a rotated file must stop growing this long before we leave it
  size_t max_line_bytes = 1 << 20;  // longer lines are cut (the rest becomes the next line)
};

// Which file a line came from; shared by the lines of one file, fingerprint filled in once known.
struct FileId {
  std::string path;
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t fingerprint = 0;
};

class Tailer {
 public:
  // A line without its newline, the file it came from, the offset just after it.
  using LineFn = std::function<void(std::string_view, const std::shared_ptr<FileId>&, uint64_t)>;

  explicit Tailer(TailerOptions options);
  ~Tailer();
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  // Resumes from a saved position (before the first Poll): the same file if it is still there
  // (possibly renamed beside its old path, or copied by copytruncate), else the newest file
  // from its start.
  void Restore(const FilePosition& saved);

  // Reads up to about max_bytes; returns the bytes read (0: nothing new).
  size_t Poll(size_t max_bytes, int64_t now_ms, const LineFn& on_line);

  // The directory holding the glob's files (for inotify), empty if it has wildcards itself.
  std::string WatchDirectory() const;

  std::string Describe() const;

 private:
  struct Candidate {
    std::string path;
    uint64_t dev = 0;
    uint64_t ino = 0;
    int64_t size = 0;
    int64_t mtime_ns = 0;
  };
  std::optional<Candidate> Newest() const;
  bool Open(const std::string& path, uint64_t offset, uint64_t fingerprint);
  void Close();
  uint64_t Fingerprint(int fd) const;
  uint64_t FingerprintOf(const std::string& path) const;
  void HandleTruncation();
  void EmitLines(const LineFn& on_line, bool flush_partial);
  std::optional<Candidate> FindSibling(const std::string& path, uint64_t ino, uint64_t fingerprint,
                                       uint64_t min_size) const;

  TailerOptions options_;
  int fd_ = -1;
  std::shared_ptr<FileId> id_;
  uint64_t read_offset_ = 0;  // file offset of the next byte to read
  uint64_t base_offset_ = 0;  // file offset of buf_[0]
  std::string buf_;           // bytes read, not yet a complete line
  bool restored_ = false;     // a state was restored, or a file opened: no initial_position
  int64_t quiet_since_ms_ = 0;
  int64_t quiet_size_ = -1;
  std::set<std::pair<uint64_t, uint64_t>> finished_;  // (dev, ino) of files drained
};

// FNV-1a 64 of `data` (never 0).
uint64_t Fnv1a64(std::string_view data);

}  // namespace cwlogd::agent
