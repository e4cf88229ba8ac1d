// ExportRunner: the line and folder formats, objects split at max_object_bytes, tasks left active
// by a previous run resumed by Start(), and FAILED with AWS's text when the bucket is gone.
#include "api/export_runner.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <zlib.h>

#include "api/detail/common.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api {
namespace {

using testing::ApiFixture;
using testing::kNow;
namespace fs = std::filesystem;
namespace ef = export_fields;

std::string Stamp(int64_t ms) {
  char out[48];
  return std::string(out, FormatExportTimestamp(ms, out));
}

std::vector<std::string> GunzipLines(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string text;
  char buf[4096];
  int n = 0;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(f);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  CHECK(start == text.size());  // every line ends with '\n'
  return lines;
}

// A task record as CreateExportTask stores it.
void StoreTask(ApiFixture& f, const std::string& id, std::string_view status, int64_t from,
               int64_t to) {
  REQUIRE(f.store()
              .resource_store()
              ->Update(f.partition(), storage::ResourceKind::kExportTask, id, kNow, {},
                       [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                         out->fields[ef::kLogGroupName] = "g";
                         out->fields[ef::kFrom] = std::to_string(from);
                         out->fields[ef::kTo] = std::to_string(to);
                         out->fields[ef::kDestination] = "bucket";
                         out->fields[ef::kDestinationPrefix] = "p";
                         out->fields[ef::kStatus] = std::string(status);
                         return storage::Status::OK();
                       })
              .ok());
}

std::map<std::string, std::string> TaskFields(ApiFixture& f, const std::string& id) {
  auto r = f.store().resource_store()->Get(f.partition(), storage::ResourceKind::kExportTask, id);
  REQUIRE(r.ok());
  return r->fields;
}

struct ExportDir {
  ExportDir() {
    path = (fs::temp_directory_path() / ("cwlogd-export-" + std::to_string(::getpid()))).string();
    fs::remove_all(path);
    fs::create_directories(path + "/bucket");
  }
  ~ExportDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

TEST_CASE("Export lines start with the event's ISO-8601 UTC time in milliseconds",
          "[api][export_tasks]") {
  CHECK(Stamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(Stamp(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
  CHECK(Stamp(951'782'400'000) == "2000-02-29T00:00:00.000Z");  // leap day
  CHECK(Stamp(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
}

TEST_CASE("Export folders of log streams stay inside the task's folder", "[api][export_tasks]") {
  CHECK(ExportStreamFolder("2024/01/02/[$LATEST]abc") == "2024-01-02-[$LATEST]abc");
  CHECK(ExportStreamFolder(".") == "%2E");
  CHECK(ExportStreamFolder("..") == "%2E%2E");
  CHECK(ExportStreamFolder("/..") == "-..");
  CHECK(ExportStreamFolder(std::string("a\0b", 3)) == "a-b");
  CHECK(ExportStreamFolder(std::string(300, 'x')) ==
        std::string(255, 'x') + "/" + std::string(45, 'x'));
  // A split never cuts a UTF-8 character: 254 ASCII bytes, then a 2-byte character.
  CHECK(ExportStreamFolder(std::string(254, 'a') + "\xc3\xa9") ==
        std::string(254, 'a') + "/\xc3\xa9");
}

TEST_CASE("ExportRunner splits a stream's objects and resumes tasks left active",
          "[api][export_tasks][concurrency]") {
  ApiFixture f;
  ExportDir dir;
  f.CreateGroup("g");
  f.CreateStream("g", "s");
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < 100; ++i)
    events.emplace_back(kNow - 1000 + i, "message " + std::to_string(i));
  f.Put("g", "s", events);
  // A task RUNNING when the last server stopped, and one still PENDING: both run at Start().
  StoreTask(f, "t-running", kExportRunning, kNow - 1000, kNow - 1000 + 49);
  StoreTask(f, "t-pending", kExportPending, 0, kNow);
  StoreTask(f, "t-done", kExportCompleted, 0, kNow);
  ExportOptions options;
  options.export_dir = dir.path;
  options.max_object_bytes = 1000;  // ~30 lines per object
  ExportRunner runner(f.store(), f.clock(), options);
  runner.Start();
  REQUIRE(runner.WaitIdle(std::chrono::seconds(30)));

  auto running = TaskFields(f, "t-running");
  CHECK(running.at(ef::kStatus) == "COMPLETED");
  CHECK(running.at(ef::kStatusMessage) == "Completed successfully");
  CHECK(running.at(ef::kCompletionTime) == std::to_string(kNow));
  const std::string folder = dir.path + "/bucket/p/t-running/s";
  std::vector<std::string> lines;
  for (int object = 0;; ++object) {
    char name[16];
    std::snprintf(name, sizeof(name), "/%06d.gz", object);
    if (!fs::exists(folder + name)) break;
    auto part = GunzipLines(folder + name);
    CHECK_FALSE(part.empty());
    lines.insert(lines.end(), part.begin(), part.end());
  }
  REQUIRE(lines.size() == 50);  // [from, to] inclusive
  CHECK(fs::exists(folder + "/000001.gz"));
  for (int i = 0; i < 50; ++i) {
    CHECK(lines[i] == Stamp(kNow - 1000 + i) + " message " + std::to_string(i));
  }
  CHECK(fs::exists(dir.path + "/bucket/p/aws-logs-write-test"));
  CHECK(TaskFields(f, "t-pending").at(ef::kStatus) == "COMPLETED");
  CHECK_FALSE(fs::exists(dir.path + "/bucket/p/t-done"));  // finished tasks are not run again
}

TEST_CASE("ExportRunner fails a task whose bucket is gone", "[api][export_tasks][concurrency]") {
  ApiFixture f;
  ExportDir dir;
  f.CreateGroup("g");
  StoreTask(f, "t", kExportPending, 0, kNow);
  fs::remove_all(dir.path + "/bucket");
  ExportOptions options;
  options.export_dir = dir.path;
  std::vector<std::string> warnings;
  options.on_warning = [&warnings](const std::string& w) { warnings.push_back(w); };
  ExportRunner runner(f.store(), f.clock(), options);
  runner.Start();
  REQUIRE(runner.WaitIdle(std::chrono::seconds(30)));
  auto fields = TaskFields(f, "t");
  CHECK(fields.at(ef::kStatus) == "FAILED");
  CHECK(fields.at(ef::kStatusMessage) ==
        "The given bucket does not exist. Please make sure the bucket is valid.");
  CHECK(fields.count(ef::kCompletionTime) == 1);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("export task t failed") != std::string::npos);
}

}  // namespace
}  // namespace cwlogd::api
