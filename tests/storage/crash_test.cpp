// kill -9 tests: the test binary re-runs itself as a child (a hidden test case) that writes or
// sweeps and reports progress through a pipe; the parent kills it with SIGKILL and checks what
// a reopened store holds. The assertions hold wherever the kill lands.
#include <csignal>
#include <cstdlib>
#include <random>
#include <thread>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::CollectGroup;
using testing::kDay;
using testing::kP;
using testing::kT0;
using testing::OpenStore;
using testing::TempDir;

constexpr int kEventsPerBatch = 100;

std::string Message(int batch, int i) {
  return "batch " + std::to_string(batch) + " event " + std::to_string(i) +
         " GET /index.html 200 Mozilla/5.0";
}

// Runs this binary's hidden child case; returns its pid and the read end of its pipe.
std::pair<pid_t, int> SpawnChild(const std::string& mode, const std::string& dir) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.push_back("CWLOGD_CRASH_MODE=" + mode);
  env_strings.push_back("CWLOGD_CRASH_DIR=" + dir);
  env_strings.push_back("CWLOGD_CRASH_FD=" + std::to_string(fds[1]));
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string filter = "[crash_child]";
  std::string quiet = "--out=/dev/null";
  std::vector<char*> argv{self.data(), filter.data(), quiet.data(), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), envp.data());
  close(fds[1]);
  REQUIRE(rc == 0);
  return {pid, fds[0]};
}

bool ReadExactly(int fd, void* buf, size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t got = read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

void KillAndReap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

// The child side. Hidden: only runs when the parent spawns it.
TEST_CASE("crash child", "[.][crash_child]") {
  const char* mode = std::getenv("CWLOGD_CRASH_MODE");
  const char* dir = std::getenv("CWLOGD_CRASH_DIR");
  const char* fd_text = std::getenv("CWLOGD_CRASH_FD");
  if (mode == nullptr || dir == nullptr || fd_text == nullptr) return;
  int fd = std::atoi(fd_text);
  StorageOptions options;
  options.path = dir;
  options.sweep_batch_chunks = 1;
  auto store = OpenRocksLogStore(options);
  if (!store.ok()) std::_Exit(2);
  if (std::string(mode) == "ingest") {
    for (int b = 0;; ++b) {
      std::vector<InputEvent> events;
      for (int i = 0; i < kEventsPerBatch; ++i) events.push_back({kT0 + b, Message(b, i)});
      if (!(*store)->PutLogEvents(kP, {"g", "s", events, kT0}).ok()) std::_Exit(3);
      // Acknowledged: tell the parent.
      if (write(fd, &b, sizeof b) != sizeof b) std::_Exit(4);
    }
  } else {
    char c = 's';
    if (write(fd, &c, 1) != 1) std::_Exit(4);
    if (!(*store)->SweepExpiredEvents(kT0 + 10 * kDay, nullptr).ok()) std::_Exit(3);
    c = 'd';
    if (write(fd, &c, 1) != 1) std::_Exit(4);
    std::_Exit(0);
  }
}

TEST_CASE("Acknowledged PutLogEvents survive kill -9", "[storage][durability]") {
  TempDir dir;
  {
    auto store = OpenStore(dir.path());
    LogGroupInfo g;
    g.name = "g";
    REQUIRE(store->CreateLogGroup(kP, g).ok());
    REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  }
  auto [pid, fd] = SpawnChild("ingest", dir.path());
  int acked = -1;
  int b = 0;
  // Let it write a while, then kill it mid-stream; acks already in the pipe still count.
  while (acked < 200 && ReadExactly(fd, &b, sizeof b)) acked = b;
  KillAndReap(pid);
  while (ReadExactly(fd, &b, sizeof b)) acked = b;
  close(fd);
  REQUIRE(acked >= 200);

  auto store = OpenStore(dir.path());
  auto events = CollectGroup(*store, kP, "g", {});
  INFO("acknowledged batches: " << acked + 1 << ", events found: " << events.size());
  REQUIRE(events.size() >= static_cast<size_t>(acked + 1) * kEventsPerBatch);
  REQUIRE(events.size() % kEventsPerBatch == 0);  // batches are atomic
  for (int batch = 0; batch <= acked; ++batch) {
    const auto& e = events[static_cast<size_t>(batch) * kEventsPerBatch];
    CHECK(e.message == Message(batch, 0));
  }
  int64_t bytes = 0;
  for (const auto& e : events) bytes += static_cast<int64_t>(e.message.size());
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == bytes);
  // Sequences keep growing past everything the dead process handed out.
  std::vector<InputEvent> more{{kT0, "after"}};
  auto r = store->PutLogEvents(kP, {"g", "s", more, kT0});
  REQUIRE(r.ok());
  CHECK(r->upload_sequence > events.back().key.sequence);
}

TEST_CASE("A sweep killed at any point leaves stored_bytes exact", "[storage][retention]") {
  const int delay_us = GENERATE(0, 2000, 8000, 20000);
  TempDir dir;
  int64_t live_bytes = 0;
  {
    auto store = OpenStore(dir.path());
    LogGroupInfo g;
    g.name = "g";
    g.retention_days = 1;
    REQUIRE(store->CreateLogGroup(kP, g).ok());
    REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
    for (int b = 0; b < 2000; ++b) {
      std::vector<InputEvent> events{{kT0 + b, Message(b, 0)}};
      REQUIRE(store->PutLogEvents(kP, {"g", "s", events, kT0}).ok());
    }
    std::vector<InputEvent> fresh{{kT0 + 10 * kDay, "fresh"}};
    REQUIRE(store->PutLogEvents(kP, {"g", "s", fresh, kT0}).ok());
    live_bytes = 5;
  }
  auto [pid, fd] = SpawnChild("sweep", dir.path());
  char c = 0;
  REQUIRE(ReadExactly(fd, &c, 1));
  std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
  KillAndReap(pid);
  bool finished = ReadExactly(fd, &c, 1);
  close(fd);

  auto store = OpenStore(dir.path());
  auto left = CollectGroup(*store, kP, "g", {});
  int64_t bytes = 0;
  for (const auto& e : left) bytes += static_cast<int64_t>(e.message.size());
  INFO("killed after " << delay_us << " us; finished: " << finished << "; events left "
                       << left.size());
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == bytes);
  // The next sweep completes the job.
  REQUIRE(store->SweepExpiredEvents(kT0 + 10 * kDay, nullptr).ok());
  CHECK(CollectGroup(*store, kP, "g", {}).size() == 1);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == live_bytes);
}

}  // namespace
}  // namespace cwlogd::storage
