#include "agent/state_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace cwlogd::agent {
namespace {

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool StateFile::Load(std::string* error) {
  std::ifstream in(path_);
  if (!in) return true;  // no state yet
  std::stringstream buf;
  buf << in.rdbuf();
  const auto j = nlohmann::json::parse(buf.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_object()) {
    *error = "state file " + path_ + " is not a cwlogd-agent state file";
    return false;
  }
  for (auto it = j["files"].begin(); it != j["files"].end(); ++it) {
    const auto& e = it.value();
    if (!e.is_object()) continue;
    FilePosition p;
    p.path = e.value("path", "");
    p.dev = e.value("dev", uint64_t{0});
    p.ino = e.value("ino", uint64_t{0});
    p.fingerprint = e.value("fingerprint", uint64_t{0});
    p.offset = e.value("offset", uint64_t{0});
    entries_[it.key()] = p;
  }
  return true;
}

bool StateFile::Save(std::string* error) const {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [key, p] : entries_) {
    files[key] = {{"path", p.path},
                  {"dev", p.dev},
                  {"ino", p.ino},
                  {"fingerprint", p.fingerprint},
                  {"offset", p.offset}};
  }
  const std::string data = nlohmann::json{{"version", 1}, {"files", files}}.dump() + "\n";
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "cannot write " + tmp + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = WriteAll(fd, data) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    *error = "cannot save state to " + path_ + ": " + std::strerror(errno);
    return false;
  }
  const size_t slash = path_.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path_.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);  // best effort: the rename is already visible
    ::close(dfd);
  }
  return true;
}

std::optional<FilePosition> StateFile::Get(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace cwlogd::agent
