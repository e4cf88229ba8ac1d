#include "api/export_runner.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include "api/detail/common.h"
#include "base/civil_time.h"

namespace cwlogd::api {
namespace {

namespace fs = std::filesystem;
namespace ef = export_fields;

constexpr std::string_view kTempSuffix = ".cwlogd-tmp";
constexpr size_t kDeflateInputBytes = 1 << 20;  // lines buffered before each deflate call
constexpr std::string_view kBucketMissing =
    "The given bucket does not exist. Please make sure the bucket is valid.";

void Put2(char* out, unsigned v) {
  out[0] = static_cast<char>('0' + v / 10 % 10);
  out[1] = static_cast<char>('0' + v % 10);
}

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

// write(2) until everything is written.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Writes one object atomically: into `<path>.cwlogd-tmp`, fsync, then rename over `path`, so a
// crash leaves the old object, the new one, or a temp file the next run removes; never a torn
// object.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path)
      : path_(std::move(path)), temp_(path_ + std::string(kTempSuffix)) {}
  ~AtomicFile() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_.c_str());
    }
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  bool Open(std::string* error) {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) *error = fmt::format("cannot create {}: {}", temp_, ErrnoText(errno));
    return fd_ >= 0;
  }
  bool Write(const char* data, size_t size, std::string* error) {
    if (WriteAll(fd_, data, size)) return true;
    *error = fmt::format("cannot write {}: {}", temp_, ErrnoText(errno));
    return false;
  }
  bool Commit(std::string* error) {
    int fd = std::exchange(fd_, -1);
    bool ok = ::fsync(fd) == 0;
    int err = errno;
    ok = ::close(fd) == 0 && ok;
    if (ok && ::rename(temp_.c_str(), path_.c_str()) == 0) return true;
    if (ok) err = errno;
    *error = fmt::format("cannot finish {}: {}", path_, ErrnoText(err));
    ::unlink(temp_.c_str());
    return false;
  }

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

// The gzip objects of one log stream: 000000.gz, 000001.gz, ... in `folder`, each holding at
// most about max_object_bytes of lines before compression.
class StreamObjectWriter {
 public:
  StreamObjectWriter(std::string folder, const ExportOptions& options)
      : folder_(std::move(folder)), options_(options) {
    lines_.reserve(kDeflateInputBytes + 4096);
  }
  ~StreamObjectWriter() {
    if (file_) deflateEnd(&zs_);
  }
  StreamObjectWriter(const StreamObjectWriter&) = delete;
  StreamObjectWriter& operator=(const StreamObjectWriter&) = delete;

  bool Add(int64_t timestamp, std::string_view message, std::string* error) {
    if (!file_ && !OpenObject(error)) return false;
    char stamp[48];
    size_t n = FormatExportTimestamp(timestamp, stamp);
    stamp[n++] = ' ';
    lines_.append(stamp, n);
    lines_.append(message);
    lines_.push_back('\n');
    object_bytes_ += n + message.size() + 1;
    if (lines_.size() >= kDeflateInputBytes && !Deflate(Z_NO_FLUSH, error)) return false;
    if (object_bytes_ >= options_.max_object_bytes) return CloseObject(error);
    return true;
  }

  bool Finish(std::string* error) { return !file_ || CloseObject(error); }

 private:
  bool OpenObject(std::string* error) {
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (ec) {
      *error = fmt::format("cannot create {}: {}", folder_, ec.message());
      return false;
    }
    file_.emplace(fmt::format("{}/{:06}.gz", folder_, next_index_++));
    if (!file_->Open(error)) {
      file_.reset();
      return false;
    }
    zs_ = z_stream{};
    // windowBits 15 + 16: a gzip wrapper, as the .gz name promises.
    if (deflateInit2(&zs_, options_.compression_level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      *error = "deflateInit2 failed";
      file_.reset();
      return false;
    }
    object_bytes_ = 0;
    return true;
  }

  bool Deflate(int flush, std::string* error) {
    zs_.next_in = reinterpret_cast<Bytef*>(lines_.data());
    zs_.avail_in = static_cast<uInt>(lines_.size());
    unsigned char out[1 << 16];
    int rc = Z_OK;
    do {
      zs_.next_out = out;
      zs_.avail_out = sizeof(out);
      rc = deflate(&zs_, flush);
      if (rc == Z_STREAM_ERROR) {
        *error = "deflate failed";
        return false;
      }
      const size_t produced = sizeof(out) - zs_.avail_out;
      if (produced > 0 && !file_->Write(reinterpret_cast<const char*>(out), produced, error)) {
        return false;
      }
    } while (zs_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    lines_.clear();
    return true;
  }

  bool CloseObject(std::string* error) {
    bool ok = Deflate(Z_FINISH, error);
    deflateEnd(&zs_);
    ok = ok && file_->Commit(error);
    file_.reset();
    return ok;
  }

  std::string folder_;
  const ExportOptions& options_;
  std::optional<AtomicFile> file_;
  z_stream zs_{};
  std::string lines_;
  size_t object_bytes_ = 0;
  unsigned next_index_ = 0;
};

std::optional<int64_t> ParseMillis(const std::map<std::string, std::string>& fields,
                                   const char* name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || ptr != it->second.data() + it->second.size()) return std::nullopt;
  return v;
}

std::string FieldOr(const std::map<std::string, std::string>& fields, const char* name,
                    const std::string& fallback = "") {
  auto it = fields.find(name);
  return it == fields.end() ? fallback : it->second;
}

// Moves the task to `code` when its status is one of `from`: false when the record is gone or
// in another status (cancelled meanwhile, or wiped by a reset).
bool SetExportStatus(storage::ResourceStore& store, const storage::Partition& p,
                     const std::string& id, int64_t now_ms,
                     std::initializer_list<std::string_view> from, std::string_view code,
                     std::string_view message, bool completed) {
  storage::Status s =
      store.Update(p, storage::ResourceKind::kExportTask, id, now_ms, {},
                   [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                     if (current == nullptr)
                       return storage::Status::NotFound(storage::Status::Resource::kResource);
                     const std::string status = FieldOr(current->fields, ef::kStatus);
                     if (std::find(from.begin(), from.end(), status) == from.end()) {
                       return storage::Status::NotFound(storage::Status::Resource::kResource);
                     }
                     *out = *current;
                     out->fields[ef::kStatus] = std::string(code);
                     out->fields[ef::kStatusMessage] = std::string(message);
                     if (completed) out->fields[ef::kCompletionTime] = std::to_string(now_ms);
                     return storage::Status::OK();
                   });
  return s.ok();
}

// Removes the temp files an interrupted run left in `folder` (recursively).
void RemoveTempFiles(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(folder, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename().string().ends_with(kTempSuffix)) stale.push_back(it->path());
  }
  for (const fs::path& path : stale) fs::remove(path, ec);
}

}  // namespace

bool IsActiveExportStatus(std::string_view code) {
  return code == kExportPending || code == kExportRunning;
}

size_t FormatExportTimestamp(int64_t ms, char* out) {
  const base::DayAndTime split = base::SplitEpochMillis(ms);
  const auto [year, month, day] = base::CivilFromDays(split.day);
  const auto millis = static_cast<unsigned>(split.millis_of_day % 1000);
  const auto secs = static_cast<unsigned>(split.millis_of_day / 1000);
  char* p = out;
  if (year >= 0 && year <= 9999) {
    const auto y = static_cast<unsigned>(year);
    Put2(p, y / 100);
    Put2(p + 2, y % 100);
    p += 4;
  } else {
    p = fmt::format_to(p, "{}", year);
  }
  *p++ = '-';
  Put2(p, month);
  p += 2;
  *p++ = '-';
  Put2(p, day);
  p += 2;
  *p++ = 'T';
  Put2(p, secs / 3600);
  p += 2;
  *p++ = ':';
  Put2(p, secs / 60 % 60);
  p += 2;
  *p++ = ':';
  Put2(p, secs % 60);
  p += 2;
  *p++ = '.';
  *p++ = static_cast<char>('0' + millis / 100);
  Put2(p, millis % 100);
  p += 2;
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

std::string ExportStreamFolder(std::string_view stream_name) {
  std::string name(stream_name);
  for (char& c : name) {
    if (c == '/' || c == '\0') c = '-';
  }
  constexpr size_t kMaxComponent = 255;
  std::string out;
  std::string_view rest = name;
  do {
    size_t n = std::min(rest.size(), kMaxComponent);
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (n < rest.size() && n > 0 && (static_cast<unsigned char>(rest[n]) & 0xC0) == 0x80) --n;
    std::string_view part = rest.substr(0, n);
    rest.remove_prefix(n);
    if (!out.empty()) out.push_back('/');
    if (part == ".") {
      out += "%2E";
    } else if (part == "..") {
      out += "%2E%2E";
    } else {
      out += part;
    }
  } while (!rest.empty());
  return out;
}

ExportRunner::ExportRunner(storage::LogStore& store, const storage::Clock& clock,
                           ExportOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

ExportRunner::~ExportRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cancel_current_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ExportRunner::Start() {
  struct Found {
    int64_t created;
    Job job;
  };
  std::vector<Found> found;
  if (storage::ResourceStore* resources = store_.resource_store()) {
    (void)resources->ListAllPartitions(  // a read error only means nothing is resumed
        storage::ResourceKind::kExportTask,
        [&](const storage::Partition& p, const storage::ResourceRecord& r) {
          if (IsActiveExportStatus(FieldOr(r.fields, ef::kStatus))) {
            found.push_back({r.creation_time_ms, {p, r.name}});
          }
          return true;
        });
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Found& a, const Found& b) { return a.created < b.created; });
  {
    std::lock_guard lock(mu_);
    for (Found& f : found) queue_.push_back(std::move(f.job));
  }
  thread_ = std::thread([this] { Work(); });
}

void ExportRunner::Enqueue(const storage::Partition& p, const std::string& task_id) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back({p, task_id});
  }
  cv_.notify_all();
}

void ExportRunner::Cancel(const storage::Partition& p, const std::string& task_id) {
  std::lock_guard lock(mu_);
  if (current_ && current_->task_id == task_id && current_->partition.account == p.account &&
      current_->partition.region == p.region) {
    cancel_current_ = true;
  }
}

void ExportRunner::Reset() {
  std::unique_lock lock(mu_);
  queue_.clear();
  cancel_current_ = true;
  cv_.wait(lock, [this] { return !busy_; });
}

bool ExportRunner::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return !busy_ && queue_.empty(); });
}

void ExportRunner::Work() {
  // Lower this thread's priority only (Linux: nice is per thread), so an export leaves the CPU
  // to ingest and queries; failure (no permission to change it) is harmless.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), options_.nice);
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    current_ = job;
    busy_ = true;
    cancel_current_ = false;
    lock.unlock();
    Run(job);
    lock.lock();
    current_.reset();
    busy_ = false;
    cv_.notify_all();
  }
}

void ExportRunner::Run(const Job& job) {
  storage::ResourceStore* resources = store_.resource_store();
  if (resources == nullptr) return;
  const storage::Partition& p = job.partition;
  auto record = resources->Get(p, storage::ResourceKind::kExportTask, job.task_id);
  if (!record.ok() || !IsActiveExportStatus(FieldOr(record->fields, ef::kStatus))) return;
  if (!SetExportStatus(*resources, p, job.task_id, clock_.NowMillis(),
                       {kExportPending, kExportRunning}, kExportRunning, "Started Successfully",
                       false)) {
    return;
  }
  const auto& fields = record->fields;
  std::string failure;  // the FAILED status message
  std::string detail;   // what the operator log gets
  auto fail = [&](std::string message, std::string why) {
    failure = std::move(message);
    detail = std::move(why);
  };
  const std::string group_name = FieldOr(fields, ef::kLogGroupName);
  const std::string bucket = FieldOr(fields, ef::kDestination);
  const std::string prefix = FieldOr(fields, ef::kDestinationPrefix, "exportedlogs");
  const std::optional<int64_t> from = ParseMillis(fields, ef::kFrom);
  const std::optional<int64_t> to = ParseMillis(fields, ef::kTo);
  const std::string bucket_dir = options_.export_dir + "/" + bucket;
  const std::string key_prefix = prefix.empty() ? "" : prefix + "/";
  const std::string task_dir = bucket_dir + "/" + key_prefix + job.task_id;
  std::error_code ec;
  auto group = store_.GetLogGroup(p, group_name);
  if (!from || !to) {
    fail("The export task's record is damaged.", "bad from/to fields");
  } else if (!group.ok()) {
    fail("The specified log group does not exist.", group.status().message());
  } else if (options_.export_dir.empty() || !fs::is_directory(bucket_dir, ec)) {
    fail(std::string(kBucketMissing), "no directory " + bucket_dir);
  } else {
    fs::create_directories(task_dir, ec);
    if (ec) fail("The export could not be written.", task_dir + ": " + ec.message());
  }
  if (failure.empty()) {
    RemoveTempFiles(task_dir);
    // The permission probe AWS writes under the prefix when a task starts.
    AtomicFile probe(bucket_dir + "/" + key_prefix + "aws-logs-write-test");
    constexpr std::string_view kProbe = "Permission Check Successful";
    std::string error;
    if (!probe.Open(&error) || !probe.Write(kProbe.data(), kProbe.size(), &error) ||
        !probe.Commit(&error)) {
      fail("The export could not be written.", error);
    }
  }
  if (failure.empty()) {
    // Readers never see events older than the group's retention, swept or not.
    const int64_t start = std::max(*from, detail::RetentionFloor(*group, clock_.NowMillis()));
    const int64_t end = *to == std::numeric_limits<int64_t>::max() ? *to : *to + 1;
    std::vector<storage::LogStreamInfo> streams;
    storage::Status s =
        store_.ListLogStreams(p, group_name, FieldOr(fields, ef::kLogStreamNamePrefix), "",
                              [&](const storage::LogStreamInfo& info) {
                                streams.push_back(info);
                                return true;
                              });
    if (!s.ok()) fail("The specified log group does not exist.", s.message());
    for (const storage::LogStreamInfo& stream : streams) {
      if (!failure.empty() || cancel_current_) break;
      if (start >= end || !stream.last_event_timestamp || *stream.last_event_timestamp < start ||
          *stream.first_event_timestamp >= end) {
        continue;
      }
      StreamObjectWriter writer(task_dir + "/" + ExportStreamFolder(stream.name), options_);
      std::string error;
      storage::StreamScanQuery query;
      query.start_time = start;
      query.end_time = end;
      s = store_.ScanStream(p, group_name, stream.name, query, [&](const storage::EventView& e) {
        return !cancel_current_.load(std::memory_order_relaxed) &&
               writer.Add(e.key.timestamp, e.message, &error);
      });
      if (!error.empty()) {
        fail("The export could not be written.", error);
      } else if (!s.ok() && !s.IsNotFound()) {  // a stream deleted meanwhile is skipped
        fail("The export could not read the log group.", s.message());
      } else if (!cancel_current_ && !writer.Finish(&error)) {
        fail("The export could not be written.", error);
      }
    }
  }
  if (cancel_current_) return;  // CancelExportTask (or a reset) already changed the record
  const int64_t now = clock_.NowMillis();
  if (!failure.empty()) {
    if (options_.on_warning) {
      options_.on_warning(fmt::format("export task {} failed: {}", job.task_id, detail));
    }
    (void)SetExportStatus(*resources, p, job.task_id, now, {kExportRunning}, kExportFailed, failure,
                          true);  // false: cancelled or wiped meanwhile
    return;
  }
  (void)SetExportStatus(*resources, p, job.task_id, now, {kExportRunning}, kExportCompleted,
                        "Completed successfully", true);  // false: cancelled or wiped meanwhile
}

}  // namespace cwlogd::api
