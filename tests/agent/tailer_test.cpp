#include "agent/tailer.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <unistd.h>

#include "agent/state_file.h"
#include "tests/catch2.h"

using namespace cwlogd::agent;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/agent-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

void Append(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::app | std::ios::binary);
  out << text;
}

struct Collector {
  std::vector<std::string> lines;
  uint64_t last_end = 0;
  std::shared_ptr<FileId> last_id;
  void Poll(Tailer& t, int64_t now_ms) {
    for (int i = 0; i < 4; ++i) {
      t.Poll(1 << 20, now_ms,
             [this](std::string_view line, const std::shared_ptr<FileId>& id, uint64_t end) {
               lines.emplace_back(line);
               last_id = id;
               last_end = end;
             });
    }
  }
};

}  // namespace

TEST_CASE("The tailer gives complete lines and waits for the rest of a partial one",
          "[agent][tailer]") {
  TempDir dir;
  const fs::path log = dir.path / "app.log";
  Append(log, "one\ntwo\r\nthr");
  Tailer t(TailerOptions{log.string()});
  Collector c;
  c.Poll(t, 1000);
  REQUIRE(c.lines == std::vector<std::string>{"one", "two"});
  REQUIRE(c.last_end == 9);
  Append(log, "ee\n");
  c.Poll(t, 1100);
  REQUIRE(c.lines.size() == 3);
  REQUIRE(c.lines[2] == "three");
  REQUIRE(c.last_end == 15);
}

TEST_CASE("The tailer drains a file rotated by rename, then follows the new one",
          "[agent][tailer]") {
  TempDir dir;
  const fs::path log = dir.path / "app.log";
  Append(log, "a1\na2\n");
  Tailer t(TailerOptions{log.string()});
  Collector c;
  c.Poll(t, 1000);
  fs::rename(log, dir.path / "app.log.1");
  Append(dir.path / "app.log.1", "a3\n");  // the writer has not reopened yet
  Append(log, "b1\n");
  c.Poll(t, 1100);  // reads a3, sees the new file, waits for the old one to be quiet
  c.Poll(t, 1200);
  c.Poll(t, 2000);  // quiet long enough: switches
  c.Poll(t, 2100);
  REQUIRE(c.lines == std::vector<std::string>{"a1", "a2", "a3", "b1"});
  REQUIRE(c.last_id->path == log.string());
}

TEST_CASE("The tailer reads the rest of a copytruncated file from the copy", "[agent][tailer]") {
  TempDir dir;
  const fs::path log = dir.path / "app.log";
  Append(log, "c1\nc2\n");
  Tailer t(TailerOptions{log.string()});
  Collector c;
  c.Poll(t, 1000);
  Append(log, "c3\nc4\n");  // written, not read yet
  fs::copy_file(log, dir.path / "app.log.1");
  fs::resize_file(log, 0);
  Append(log, "d1\n");
  for (int64_t now = 1100; now < 3000; now += 300) c.Poll(t, now);
  REQUIRE(c.lines == std::vector<std::string>{"c1", "c2", "c3", "c4", "d1"});
}

TEST_CASE("The tailer resumes from a saved position, also after a rename while stopped",
          "[agent][tailer]") {
  TempDir dir;
  const fs::path log = dir.path / "app.log";
  Append(log, "x1\nx2\n");
  FilePosition saved;
  {
    Tailer t(TailerOptions{log.string()});
    Collector c;
    c.Poll(t, 1000);
    saved = {c.last_id->path, c.last_id->dev, c.last_id->ino, c.last_id->fingerprint, c.last_end};
  }
  SECTION("same file") {
    Append(log, "x3\n");
    Tailer t(TailerOptions{log.string()});
    t.Restore(saved);
    Collector c;
    c.Poll(t, 2000);
    REQUIRE(c.lines == std::vector<std::string>{"x3"});
  }
  SECTION("renamed, with a new file in its place") {
    Append(log, "x3\n");
    fs::rename(log, dir.path / "app.log.1");
    Append(log, "y1\n");
    Tailer t(TailerOptions{log.string()});
    t.Restore(saved);
    Collector c;
    for (int64_t now = 2000; now < 4000; now += 300) c.Poll(t, now);
    REQUIRE(c.lines == std::vector<std::string>{"x3", "y1"});
  }
}

TEST_CASE("initial_position = end_of_file skips what is there", "[agent][tailer]") {
  TempDir dir;
  const fs::path log = dir.path / "app.log";
  Append(log, "old\n");
  TailerOptions o{log.string()};
  o.start_at_end = true;
  Tailer t(o);
  Collector c;
  c.Poll(t, 1000);
  Append(log, "new\n");
  c.Poll(t, 1100);
  REQUIRE(c.lines == std::vector<std::string>{"new"});
}

TEST_CASE("The state file round-trips and is replaced atomically", "[agent][state]") {
  TempDir dir;
  const std::string path = (dir.path / "state.json").string();
  StateFile s(path);
  std::string error;
  REQUIRE(s.Load(&error));
  s.Set("g|s|/a", FilePosition{"/a", 1, 2, 3, 4});
  REQUIRE(s.Save(&error));
  REQUIRE_FALSE(fs::exists(path + ".tmp"));
  StateFile r(path);
  REQUIRE(r.Load(&error));
  REQUIRE(r.Get("g|s|/a") == FilePosition{"/a", 1, 2, 3, 4});
  REQUIRE_FALSE(r.Get("other").has_value());
  Append(path, "garbage");
  StateFile bad(path);
  REQUIRE_FALSE(bad.Load(&error));
}
