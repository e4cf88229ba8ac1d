#include "agent/tailer.h"

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cwlogd::agent {
namespace {

constexpr size_t kFingerprintReadBytes = size_t{64} * 1024;

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 1469598103934665603ULL;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h == 0 ? 1 : h;
}

Tailer::Tailer(TailerOptions options) : options_(std::move(options)) {}

Tailer::~Tailer() { Close(); }

void Tailer::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  id_.reset();
  buf_.clear();
}

std::string Tailer::WatchDirectory() const {
  std::string dir = DirName(options_.glob);
  if (dir.find_first_of("*?[") != std::string::npos) return {};
  return dir;
}

std::string Tailer::Describe() const {
  if (id_ == nullptr) return options_.glob + " (no file yet)";
  return id_->path + " at " + std::to_string(base_offset_);
}

std::optional<Tailer::Candidate> Tailer::Newest() const {
  glob_t g{};
  std::optional<Candidate> best;
  if (::glob(options_.glob.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      if (::stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const auto key =
          std::make_pair(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino));
      if (finished_.contains(key)) continue;
      Candidate c{g.gl_pathv[i], key.first, key.second, st.st_size, MtimeNs(st)};
      if (!best || c.mtime_ns > best->mtime_ns) best = c;
    }
  }
  globfree(&g);
  return best;
}

uint64_t Tailer::Fingerprint(int fd) const {
  // Most first lines fit in 4 KiB: read more only when they do not.
  for (size_t size : {size_t{4096}, kFingerprintReadBytes}) {
    std::string data(size, '\0');
    const ssize_t n = ::pread(fd, data.data(), data.size(), 0);
    if (n <= 0) return 0;
    data.resize(static_cast<size_t>(n));
    size_t start = 0;
    size_t from = 0;
    bool complete = true;
    for (int line = 1; line <= options_.fingerprint_last_line; ++line) {
      const size_t nl = data.find('\n', start);
      if (nl == std::string::npos) {
        complete = false;
        break;
      }
      if (line == options_.fingerprint_first_line) from = start;
      start = nl + 1;
    }
    if (complete) return Fnv1a64(std::string_view(data).substr(from, start - from));
    if (static_cast<size_t>(n) < size) return 0;  // not enough complete lines yet
  }
  return 0;
}

uint64_t Tailer::FingerprintOf(const std::string& path) const {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const uint64_t fp = Fingerprint(fd);
  ::close(fd);
  return fp;
}

bool Tailer::Open(const std::string& path, uint64_t offset, uint64_t fingerprint) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  Close();
  fd_ = fd;
  id_ = std::make_shared<FileId>();
  id_->path = path;
  id_->dev = st.st_dev;
  id_->ino = st.st_ino;
  id_->fingerprint = fingerprint != 0 ? fingerprint : Fingerprint(fd);
  read_offset_ = base_offset_ = offset;
  buf_.clear();
  quiet_since_ms_ = 0;
  quiet_size_ = -1;
  restored_ = true;
  return true;
}

std::optional<Tailer::Candidate> Tailer::FindSibling(const std::string& path, uint64_t ino,
                                                     uint64_t fingerprint,
                                                     uint64_t min_size) const {
  const std::string dir = DirName(path);
  const std::string base = BaseName(path);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  std::optional<Candidate> found;
  while (struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == base || name.rfind(base, 0) != 0) continue;
    std::string full = dir;
    full += '/';
    full += name;
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (static_cast<uint64_t>(st.st_size) < min_size) continue;
    if (ino != 0 && st.st_ino != ino) continue;
    if (fingerprint != 0 && FingerprintOf(full) != fingerprint) continue;
    found = Candidate{full, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                      st.st_size, MtimeNs(st)};
    break;
  }
  ::closedir(d);
  return found;
}

void Tailer::Restore(const FilePosition& saved) {
  restored_ = true;
  struct stat st {};
  if (::stat(saved.path.c_str(), &st) == 0 && st.st_ino == saved.ino && st.st_dev == saved.dev &&
      static_cast<uint64_t>(st.st_size) >= saved.offset &&
      (saved.fingerprint == 0 || FingerprintOf(saved.path) == saved.fingerprint)) {
    (void)Open(saved.path, saved.offset, saved.fingerprint);  // on failure: start afresh
    return;
  }
  // Rotated by rename while we were down: the same inode beside the old path.
  if (auto c = FindSibling(saved.path, saved.ino, saved.fingerprint, saved.offset)) {
    (void)Open(c->path, saved.offset, saved.fingerprint);
    return;
  }
  // Copytruncate while we were down: a copy with the same first lines.
  if (saved.fingerprint != 0) {
    if (auto c = FindSibling(saved.path, 0, saved.fingerprint, saved.offset)) {
      (void)Open(c->path, saved.offset, saved.fingerprint);
    }
  }
  // Otherwise the file was replaced: the newest file is read from its start.
}

void Tailer::HandleTruncation() {
  // copytruncate: the lines we had not read yet are in the copy, if it is beside the file.
  const uint64_t fp = id_->fingerprint;
  if (fp != 0) {
    if (auto c = FindSibling(id_->path, 0, fp, base_offset_)) {
      if (c->ino != id_->ino) {
        const uint64_t offset = base_offset_;
        finished_.erase({c->dev, c->ino});
        (void)Open(c->path, offset, fp);
        return;
      }
    }
  }
  // Truncated in place: start over; the file is a new one from our point of view.
  const std::string path = id_->path;
  const auto dev = id_->dev;
  const auto ino = id_->ino;
  buf_.clear();
  read_offset_ = base_offset_ = 0;
  id_ = std::make_shared<FileId>();
  id_->path = path;
  id_->dev = dev;
  id_->ino = ino;
  id_->fingerprint = Fingerprint(fd_);
}

void Tailer::EmitLines(const LineFn& on_line, bool flush_partial) {
  size_t start = 0;
  while (start < buf_.size()) {
    const std::string_view rest(buf_.data() + start, buf_.size() - start);
    const size_t found = rest.find('\n');
    const char* hit = found == std::string_view::npos ? nullptr : rest.data() + found;
    size_t end = 0;
    size_t next = 0;
    if (hit != nullptr) {
      end = static_cast<size_t>(hit - buf_.data());
      next = end + 1;
    } else if (buf_.size() - start >= options_.max_line_bytes) {
      end = next = start + options_.max_line_bytes;
    } else if (flush_partial) {
      end = next = buf_.size();
    } else {
      break;
    }
    std::string_view line(buf_.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line, id_, base_offset_ + next);
    start = next;
  }
  buf_.erase(0, start);
  base_offset_ += start;
}

size_t Tailer::Poll(size_t max_bytes, int64_t now_ms, const LineFn& on_line) {
  if (fd_ < 0) {
    auto c = Newest();
    if (!c) return 0;
    const uint64_t offset =
        (!restored_ && options_.start_at_end) ? static_cast<uint64_t>(c->size) : 0;
    if (!Open(c->path, offset, 0)) return 0;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  if (id_->fingerprint == 0 && st.st_size > 0) id_->fingerprint = Fingerprint(fd_);
  const bool shrunk = static_cast<uint64_t>(st.st_size) < read_offset_;
  const bool replaced =
      id_->fingerprint != 0 && read_offset_ > 0 && Fingerprint(fd_) != id_->fingerprint;
  if (shrunk || replaced) HandleTruncation();

  size_t total = 0;
  while (total < max_bytes) {
    const size_t want = std::min<size_t>(max_bytes - total, size_t{256} * 1024);
    const size_t old = buf_.size();
    buf_.resize(old + want);
    const ssize_t n = ::pread(fd_, buf_.data() + old, want, static_cast<off_t>(read_offset_));
    if (n < 0 && errno == EINTR) {
      buf_.resize(old);
      continue;
    }
    buf_.resize(old + static_cast<size_t>(n > 0 ? n : 0));
    if (n <= 0) break;
    read_offset_ += static_cast<uint64_t>(n);
    total += static_cast<size_t>(n);
    if (id_->fingerprint == 0) id_->fingerprint = Fingerprint(fd_);
    EmitLines(on_line, false);
  }
  if (total > 0) {
    quiet_since_ms_ = 0;
    return total;
  }
  // At the end of the file: has another file taken over (rename rotation, a newer glob match)?
  auto newest = Newest();
  if (!newest || (newest->dev == id_->dev && newest->ino == id_->ino)) {
    quiet_since_ms_ = 0;
    return 0;
  }
  if (quiet_since_ms_ == 0 || quiet_size_ != st.st_size) {
    quiet_since_ms_ = now_ms;
    quiet_size_ = st.st_size;
    return 0;
  }
  if (now_ms - quiet_since_ms_ < options_.rotation_quiet_ms) return 0;
  EmitLines(on_line, true);  // a last line without its newline
  finished_.insert({id_->dev, id_->ino});
  if (options_.auto_removal) {
    struct stat now {};
    if (::stat(id_->path.c_str(), &now) == 0 && now.st_ino == id_->ino) {
      (void)::unlink(id_->path.c_str());  // best effort, as the CloudWatch agent does
    }
  }
  (void)Open(newest->path, 0, 0);  // if it vanished meanwhile, the next poll looks again
  return 0;
}

}  // namespace cwlogd::agent
