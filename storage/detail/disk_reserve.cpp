#include "storage/detail/disk_reserve.h"

#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace cwlogd::storage::detail {

DiskReserve::DiskReserve(std::string data_dir, uint64_t bytes)
    : dir_(std::move(data_dir)), path_(dir_ + "/RESERVED-SPACE"), bytes_(bytes) {}

bool DiskReserve::Acquire(uint64_t headroom) {
  if (bytes_ == 0) return false;
  struct stat st {};
  // A file left by an earlier run, whole, is the reserve (st_blocks counts 512-byte units).
  if (::stat(path_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_blocks) * 512 >= bytes_) {
    held_ = true;
    return true;
  }
  if (FreeDiskBytes(dir_) < bytes_ + headroom) return false;
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  // Allocated blocks, not a sparse file: deleting it must give real space back.
  const bool ok = ::posix_fallocate(fd, 0, static_cast<off_t>(bytes_)) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path_.c_str());
    return false;
  }
  held_ = true;
  return true;
}

bool DiskReserve::Release() {
  const bool removed = ::unlink(path_.c_str()) == 0;
  held_ = false;
  return removed;
}

uint64_t FreeDiskBytes(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) return 0;
  return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

}  // namespace cwlogd::storage::detail
