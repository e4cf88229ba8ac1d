// The agent's state file: per followed file, which file (device, inode, fingerprint) and the
// offset up to which its lines are shipped. Written atomically (temp file, fsync, rename, fsync
// of the directory). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cwlogd::agent {

struct FilePosition {
  std::string path;
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t fingerprint = 0;  // hash of the fingerprint lines; 0 when not known yet
  uint64_t offset = 0;       // bytes shipped (a line boundary)
  bool operator==(const FilePosition&) const = default;
};

class StateFile {
 public:
  explicit StateFile(std::string path) : path_(std::move(path)) {}

  // Reads the file; a missing file is an empty state. false and *error if unreadable/corrupt.
  bool Load(std::string* error);
  // Writes every position atomically. false and *error on an I/O error.
  bool Save(std::string* error) const;

  std::optional<FilePosition> Get(const std::string& key) const;
  void Set(const std::string& key, const FilePosition& position) { entries_[key] = position; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::map<std::string, FilePosition> entries_;
};

}  // namespace cwlogd::agent
