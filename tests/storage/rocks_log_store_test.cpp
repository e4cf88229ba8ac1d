#include <atomic>
#include <limits>
#include <optional>
#include <random>
#include <thread>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::CollectGroup;
using testing::CollectStream;
using testing::kHour;
using testing::kP;
using testing::kT0;
using testing::Messages;
using testing::OpenStore;
using testing::Put;
using testing::StoredEvent;
using testing::TempDir;

LogGroupInfo Group(std::string name, int64_t created = kT0) {
  LogGroupInfo g;
  g.name = std::move(name);
  g.creation_time_ms = created;
  return g;
}

std::vector<std::string> GroupNames(LogStore& store, const Partition& p, std::string_view prefix,
                                    std::string_view after, size_t limit = SIZE_MAX) {
  std::vector<std::string> names;
  REQUIRE(store
              .ListLogGroups(p, prefix, after,
                             [&](const LogGroupInfo& g) {
                               names.push_back(g.name);
                               return names.size() < limit;
                             })
              .ok());
  return names;
}

std::vector<std::string> StreamNames(LogStore& store, std::string_view group,
                                     std::string_view prefix, std::string_view after) {
  std::vector<std::string> names;
  Status s = store.ListLogStreams(kP, group, prefix, after, [&](const LogStreamInfo& st) {
    names.push_back(st.name);
    return true;
  });
  REQUIRE(s.ok());
  return names;
}

TEST_CASE("Log groups: create, get, duplicate, update, delete", "[storage][groups]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  LogGroupInfo g = Group("app/web");
  g.retention_days = 7;
  g.tags = {{"env", "test"}};
  REQUIRE(store->CreateLogGroup(kP, g).ok());
  CHECK(store->CreateLogGroup(kP, Group("app/web")).IsAlreadyExists());

  auto got = store->GetLogGroup(kP, "app/web");
  REQUIRE(got.ok());
  CHECK(got->name == "app/web");
  CHECK(got->id != 0);
  CHECK(got->creation_time_ms == kT0);
  CHECK(got->retention_days == 7);
  CHECK(got->log_group_class == "STANDARD");
  CHECK(got->tags == g.tags);
  CHECK(got->stored_bytes == 0);

  // Another partition is another namespace.
  Partition other{"111111111111", "us-east-1"};
  CHECK(store->GetLogGroup(other, "app/web").status().IsNotFound());
  CHECK(store->GetLogGroup(other, "app/web").status().message() == "log group");
  REQUIRE(store->CreateLogGroup(other, Group("app/web")).ok());

  SECTION("update keeps id, name, stored bytes and metric filter count") {
    REQUIRE(store
                ->UpdateLogGroup(kP, "app/web",
                                 [](LogGroupInfo& info) {
                                   info.retention_days.reset();
                                   info.kms_key_id = "key";
                                   info.id = 999;
                                   info.name = "hacked";
                                   info.stored_bytes = 5;
                                   info.metric_filter_count = 9;
                                   return Status::OK();
                                 })
                .ok());
    auto after = store->GetLogGroup(kP, "app/web");
    REQUIRE(after.ok());
    CHECK_FALSE(after->retention_days);
    CHECK(after->kms_key_id == "key");
    CHECK(after->id == got->id);
    CHECK(after->stored_bytes == 0);
    CHECK(after->metric_filter_count == 0);
    // A failing mutation writes nothing.
    Status s = store->UpdateLogGroup(kP, "app/web", [](LogGroupInfo& info) {
      info.kms_key_id.reset();
      return Status::InvalidArgument("no");
    });
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(store->GetLogGroup(kP, "app/web")->kms_key_id == "key");
    CHECK(store->UpdateLogGroup(kP, "missing", [](LogGroupInfo&) { return Status::OK(); })
              .IsNotFound());
  }
  SECTION("delete, then re-create with the same name starts empty with a new id") {
    REQUIRE(store->CreateLogStream(kP, "app/web", "s", kT0).ok());
    Put(*store, "app/web", "s", {{kT0, "hello"}});
    REQUIRE(store->DeleteLogGroup(kP, "app/web").ok());
    CHECK(store->GetLogGroup(kP, "app/web").status().IsNotFound());
    CHECK(store->DeleteLogGroup(kP, "app/web").IsNotFound());
    REQUIRE(store->CreateLogGroup(kP, Group("app/web")).ok());
    auto again = store->GetLogGroup(kP, "app/web");
    REQUIRE(again.ok());
    CHECK(again->id != got->id);
    CHECK(again->stored_bytes == 0);
    CHECK(store->GetLogStream(kP, "app/web", "s").status().IsNotFound());
    REQUIRE(store->CreateLogStream(kP, "app/web", "s", kT0).ok());
    CHECK(CollectStream(*store, kP, "app/web", "s", {}).empty());
    CHECK(CollectGroup(*store, kP, "app/web", {}).empty());
    // The other partition's group is untouched.
    CHECK(store->GetLogGroup(other, "app/web").ok());
  }
  SECTION("deletion protection blocks DeleteLogGroup") {
    REQUIRE(store
                ->UpdateLogGroup(kP, "app/web",
                                 [](LogGroupInfo& info) {
                                   info.deletion_protection = true;
                                   return Status::OK();
                                 })
                .ok());
    CHECK(store->DeleteLogGroup(kP, "app/web").code() == Status::Code::kFailedPrecondition);
    CHECK(store->GetLogGroup(kP, "app/web").ok());
  }
}

TEST_CASE("ListLogGroups orders by name bytes, with prefix and start_after", "[storage][groups]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  for (const char* name : {"b", "a/2", "a", "a/10", "B", "c", "a/1"}) {
    REQUIRE(store->CreateLogGroup(kP, Group(name)).ok());
  }
  REQUIRE(store->CreateLogGroup({"000000000000", "eu-west-1"}, Group("a/3")).ok());
  CHECK(GroupNames(*store, kP, "", "") ==
        std::vector<std::string>{"B", "a", "a/1", "a/10", "a/2", "b", "c"});
  CHECK(GroupNames(*store, kP, "a/", "") == std::vector<std::string>{"a/1", "a/10", "a/2"});
  CHECK(GroupNames(*store, kP, "a/", "a/1") == std::vector<std::string>{"a/10", "a/2"});
  CHECK(GroupNames(*store, kP, "", "a/2") == std::vector<std::string>{"b", "c"});
  CHECK(GroupNames(*store, kP, "a", "A") == std::vector<std::string>{"a", "a/1", "a/10", "a/2"});
  CHECK(GroupNames(*store, kP, "", "", 2) == std::vector<std::string>{"B", "a"});
  CHECK(GroupNames(*store, kP, "zz", "").empty());
  CHECK(GroupNames(*store, {"000000000000", "eu-west-1"}, "", "") ==
        std::vector<std::string>{"a/3"});
}

TEST_CASE("Log streams: create, list, duplicate, delete", "[storage][streams]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  CHECK(store->CreateLogStream(kP, "g", "s", kT0).message() == "log group");
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogGroup(kP, Group("g2")).ok());
  for (const char* name : {"s2", "s1", "s10", "t", "S"}) {
    REQUIRE(store->CreateLogStream(kP, "g", name, kT0 + 1).ok());
  }
  REQUIRE(store->CreateLogStream(kP, "g2", "s3", kT0).ok());
  Status dup = store->CreateLogStream(kP, "g", "s1", kT0);
  CHECK(dup.IsAlreadyExists());
  CHECK(dup.message() == "log stream");

  auto s = store->GetLogStream(kP, "g", "s1");
  REQUIRE(s.ok());
  CHECK(s->name == "s1");
  CHECK(s->creation_time_ms == kT0 + 1);
  CHECK_FALSE(s->first_event_timestamp);
  CHECK_FALSE(s->last_ingestion_time);
  CHECK(store->GetLogStream(kP, "g", "nope").status().message() == "log stream");
  CHECK(store->GetLogStream(kP, "nope", "s1").status().message() == "log group");

  CHECK(StreamNames(*store, "g", "", "") == std::vector<std::string>{"S", "s1", "s10", "s2", "t"});
  CHECK(StreamNames(*store, "g", "s1", "") == std::vector<std::string>{"s1", "s10"});
  CHECK(StreamNames(*store, "g", "s", "s1") == std::vector<std::string>{"s10", "s2"});
  CHECK(StreamNames(*store, "g2", "", "") == std::vector<std::string>{"s3"});
  CHECK(store->ListLogStreams(kP, "nope", "", "", [](const LogStreamInfo&) { return true; })
            .IsNotFound());

  REQUIRE(store->DeleteLogStream(kP, "g", "s1").ok());
  CHECK(store->DeleteLogStream(kP, "g", "s1").IsNotFound());
  CHECK(StreamNames(*store, "g", "", "") == std::vector<std::string>{"S", "s10", "s2", "t"});
}

TEST_CASE("PutLogEvents updates stream counters and stored bytes", "[storage][events]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());

  PutEventsRequest missing{"g", "nope", {}, kT0};
  std::vector<InputEvent> one{{kT0, "x"}};
  missing.events = one;
  CHECK(store->PutLogEvents(kP, missing).status().message() == "log stream");
  missing.group = "nog";
  CHECK(store->PutLogEvents(kP, missing).status().message() == "log group");

  uint64_t seq1 = Put(*store, "g", "s", {{kT0 + 10, "abc"}, {kT0 + 20, "de"}}, kT0 + 100);
  uint64_t seq2 = Put(*store, "g", "s", {{kT0 - 5, "🙀"}}, kT0 + 200);
  CHECK(seq2 > seq1);
  auto s = store->GetLogStream(kP, "g", "s");
  REQUIRE(s.ok());
  CHECK(s->first_event_timestamp == kT0 - 5);
  CHECK(s->last_event_timestamp == kT0 + 20);
  CHECK(s->last_ingestion_time == kT0 + 200);
  CHECK(s->upload_sequence == seq2);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 3 + 2 + 4);

  SECTION("rejects unordered, empty and over-24h batches") {
    std::vector<InputEvent> unordered{{kT0 + 1, "a"}, {kT0, "b"}};
    CHECK(store->PutLogEvents(kP, {"g", "s", unordered, kT0}).status().code() ==
          Status::Code::kInvalidArgument);
    CHECK(store->PutLogEvents(kP, {"g", "s", {}, kT0}).status().code() ==
          Status::Code::kInvalidArgument);
    std::vector<InputEvent> wide{{kT0, "a"}, {kT0 + 24 * kHour + 1, "b"}};
    CHECK(store->PutLogEvents(kP, {"g", "s", wide, kT0}).status().code() ==
          Status::Code::kInvalidArgument);
    std::vector<InputEvent> exactly{{kT0, "a"}, {kT0 + 24 * kHour, "b"}};
    CHECK(store->PutLogEvents(kP, {"g", "s", exactly, kT0}).ok());
  }
}

TEST_CASE("PutLogEvents with a planner reads the records once and writes what the plan accepts",
          "[storage][events]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  LogGroupInfo group = Group("g");
  group.retention_days = 7;
  REQUIRE(store->CreateLogGroup(kP, group).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  const uint64_t stream_id = store->GetLogStream(kP, "g", "s")->id;
  std::vector<InputEvent> events{{kT0, "dropped"}, {kT0 + 1, "kept"}, {kT0 + 2, "kept too"}};

  int calls = 0;
  PutEventsRequest put{"g", "s", {}, kT0 + 100};
  put.plan = [&](const LogGroupInfo& g, const LogStreamInfo& s) -> Result<PutEventsPlan> {
    ++calls;
    CHECK(g.retention_days == 7);  // the planner sees the stored group record
    CHECK(s.id == stream_id);
    return PutEventsPlan{std::span<const InputEvent>(events).subspan(1), {}};
  };

  SECTION("a missing group or stream is reported before the planner runs") {
    put.stream = "nope";
    CHECK(store->PutLogEvents(kP, put).status().message() == "log stream");
    put.group = "nog";
    CHECK(store->PutLogEvents(kP, put).status().message() == "log group");
    CHECK(calls == 0);
  }
  SECTION("the accepted events are stored, with the stream's id and new sequence") {
    auto r = store->PutLogEvents(kP, put);
    REQUIRE(r.ok());
    CHECK(calls == 1);
    CHECK(r->written);
    CHECK(r->stream_id == stream_id);
    CHECK(r->upload_sequence == store->GetLogStream(kP, "g", "s")->upload_sequence);
    CHECK(Messages(CollectStream(*store, kP, "g", "s", {})) ==
          std::vector<std::string>{"kept", "kept too"});
    CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 4 + 8);
  }
  SECTION("a plan's error is returned as is and nothing is written") {
    put.plan = [&](const LogGroupInfo&, const LogStreamInfo&) -> Result<PutEventsPlan> {
      return Status::InvalidArgument("Upload too large");
    };
    CHECK(store->PutLogEvents(kP, put).status().message() == "Upload too large");
    CHECK(CollectStream(*store, kP, "g", "s", {}).empty());
  }
  SECTION("an empty plan writes nothing and reports the stream as it is") {
    const uint64_t before = store->GetLogStream(kP, "g", "s")->upload_sequence;
    put.plan = [&](const LogGroupInfo&, const LogStreamInfo&) -> Result<PutEventsPlan> {
      return PutEventsPlan{};
    };
    auto r = store->PutLogEvents(kP, put);
    REQUIRE(r.ok());
    CHECK_FALSE(r->written);
    CHECK(r->stream_id == stream_id);
    CHECK(r->upload_sequence == before);
    CHECK(CollectStream(*store, kP, "g", "s", {}).empty());
  }
  SECTION("a stream re-created before the lock is planned again with the new record") {
    std::vector<uint64_t> seen_ids;
    put.plan = [&](const LogGroupInfo&, const LogStreamInfo& s) -> Result<PutEventsPlan> {
      seen_ids.push_back(s.id);
      if (seen_ids.size() == 1) {  // outside the lock: another client replaces the stream now
        REQUIRE(store->DeleteLogStream(kP, "g", "s").ok());
        REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
      }
      return PutEventsPlan{events, {}};
    };
    auto r = store->PutLogEvents(kP, put);
    REQUIRE(r.ok());
    const uint64_t new_id = store->GetLogStream(kP, "g", "s")->id;
    CHECK(new_id != stream_id);
    CHECK(seen_ids == std::vector<uint64_t>{stream_id, new_id});
    CHECK(r->stream_id == new_id);
    // The chunk names the new stream: its events are read back through it.
    CHECK(Messages(CollectStream(*store, kP, "g", "s", {})) ==
          std::vector<std::string>{"dropped", "kept", "kept too"});
  }
}

TEST_CASE("ScanStream pages forward and backward with cursors and time bounds",
          "[storage][events]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "other", kT0).ok());
  // Overlapping batches: b1 covers [0, 100], b2 [50, 60] (arrives later), b3 [100, 200].
  Put(*store, "g", "s", {{kT0, "b1-0"}, {kT0 + 50, "b1-50"}, {kT0 + 100, "b1-100"}}, kT0 + 1);
  Put(*store, "g", "s", {{kT0 + 50, "b2-50"}, {kT0 + 60, "b2-60"}}, kT0 + 2);
  Put(*store, "g", "other", {{kT0 + 55, "other"}});
  Put(*store, "g", "s", {{kT0 + 100, "b3-100"}, {kT0 + 200, "b3-200"}}, kT0 + 3);
  const std::vector<std::string> all{"b1-0",   "b1-50",  "b2-50", "b2-60",
                                     "b1-100", "b3-100", "b3-200"};

  auto forward = CollectStream(*store, kP, "g", "s", {});
  CHECK(Messages(forward) == all);
  for (size_t i = 1; i < forward.size(); ++i) CHECK(forward[i - 1].key < forward[i].key);
  CHECK(forward[0].stream == "s");
  CHECK(forward[0].ingestion_time == kT0 + 1);
  CHECK(forward[2].ingestion_time == kT0 + 2);

  StreamScanQuery back;
  back.forward = false;
  auto backward = CollectStream(*store, kP, "g", "s", back);
  std::vector<std::string> reversed(all.rbegin(), all.rend());
  CHECK(Messages(backward) == reversed);

  SECTION("time bounds: start inclusive, end exclusive") {
    StreamScanQuery q;
    q.start_time = kT0 + 50;
    q.end_time = kT0 + 100;
    CHECK(Messages(CollectStream(*store, kP, "g", "s", q)) ==
          std::vector<std::string>{"b1-50", "b2-50", "b2-60"});
    q.forward = false;
    CHECK(Messages(CollectStream(*store, kP, "g", "s", q)) ==
          std::vector<std::string>{"b2-60", "b2-50", "b1-50"});
    q.start_time = kT0 + 300;
    q.end_time = kT0 + 400;
    CHECK(CollectStream(*store, kP, "g", "s", q).empty());
  }
  SECTION("paging with cursors visits every event exactly once") {
    for (size_t page : {1, 2, 3}) {
      std::vector<std::string> seen;
      StreamScanQuery q;
      while (true) {
        auto got = CollectStream(*store, kP, "g", "s", q, page);
        if (got.empty()) break;
        for (auto& e : got) seen.push_back(e.message);
        q.cursor = got.back().key;
      }
      CHECK(seen == all);
      seen.clear();
      StreamScanQuery b;
      b.forward = false;
      while (true) {
        auto got = CollectStream(*store, kP, "g", "s", b, page);
        if (got.empty()) break;
        for (auto& e : got) seen.push_back(e.message);
        b.cursor = got.back().key;
      }
      CHECK(seen == reversed);
    }
  }
  SECTION("a cursor from the middle of a batch") {
    StreamScanQuery q;
    q.cursor = forward[2].key;  // b2-50
    CHECK(Messages(CollectStream(*store, kP, "g", "s", q)) ==
          std::vector<std::string>{"b2-60", "b1-100", "b3-100", "b3-200"});
    q.forward = false;
    CHECK(Messages(CollectStream(*store, kP, "g", "s", q)) ==
          std::vector<std::string>{"b1-50", "b1-0"});
  }
}

TEST_CASE("ScanGroup interleaves streams in EventKey order with filters", "[storage][events]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  for (const char* s : {"a1", "a2", "b"}) REQUIRE(store->CreateLogStream(kP, "g", s, kT0).ok());
  Put(*store, "g", "a1", {{kT0 + 1, "a1-1"}, {kT0 + 5, "a1-5"}, {kT0 + 9, "a1-9"}});
  Put(*store, "g", "b", {{kT0 + 2, "b-2"}, {kT0 + 5, "b-5"}});
  Put(*store, "g", "a2", {{kT0 + 0, "a2-0"}, {kT0 + 5, "a2-5"}, {kT0 + 20, "a2-20"}});
  Put(*store, "g", "a1", {{kT0 + 5, "a1-5b"}});

  const std::vector<std::string> all{"a2-0", "a1-1",  "b-2",  "a1-5", "b-5",
                                     "a2-5", "a1-5b", "a1-9", "a2-20"};
  auto events = CollectGroup(*store, kP, "g", {});
  CHECK(Messages(events) == all);
  CHECK(events[0].stream == "a2");
  CHECK(events[2].stream == "b");

  SECTION("after cursor pages through everything") {
    for (size_t page : {1, 2, 4}) {
      GroupScanQuery q;
      std::vector<std::string> seen;
      while (true) {
        auto got = CollectGroup(*store, kP, "g", q, page);
        if (got.empty()) break;
        for (auto& e : got) seen.push_back(e.message);
        q.after = got.back().key;
      }
      CHECK(seen == all);
    }
  }
  SECTION("stream names and prefix") {
    GroupScanQuery q;
    q.stream_names = std::vector<std::string>{"b", "a2", "missing"};
    CHECK(Messages(CollectGroup(*store, kP, "g", q)) ==
          std::vector<std::string>{"a2-0", "b-2", "b-5", "a2-5", "a2-20"});
    q.stream_names = std::vector<std::string>{"missing"};
    CHECK(CollectGroup(*store, kP, "g", q).empty());
    GroupScanQuery pq;
    pq.stream_name_prefix = "a";
    CHECK(Messages(CollectGroup(*store, kP, "g", pq)) ==
          std::vector<std::string>{"a2-0", "a1-1", "a1-5", "a2-5", "a1-5b", "a1-9", "a2-20"});
    pq.stream_name_prefix = "a1";
    pq.start_time = kT0 + 5;
    pq.end_time = kT0 + 9;
    CHECK(Messages(CollectGroup(*store, kP, "g", pq)) == std::vector<std::string>{"a1-5", "a1-5b"});
  }
  SECTION("a deleted stream's events disappear from group scans") {
    REQUIRE(store->DeleteLogStream(kP, "g", "a1").ok());
    CHECK(Messages(CollectGroup(*store, kP, "g", {})) ==
          std::vector<std::string>{"a2-0", "b-2", "b-5", "a2-5", "a2-20"});
    CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 4 + 3 + 3 + 4 + 5);
  }
  CHECK(store->ScanGroup(kP, "nope", {}, [](const EventView&) { return true; }).IsNotFound());
}

TEST_CASE("ScanGroup finds a batch that started up to 24 hours before startTime",
          "[storage][events]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "t", kT0).ok());
  // A day-long batch, then many short later ones from another stream.
  Put(*store, "g", "s", {{kT0, "day-start"}, {kT0 + 24 * kHour, "day-end"}});
  Put(*store, "g", "s", {{kT0 - 2 * 24 * kHour, "old"}});
  for (int i = 0; i < 50; ++i) {
    Put(*store, "g", "t", {{kT0 + 23 * kHour + i, "t" + std::to_string(i)}});
  }
  GroupScanQuery q;
  q.start_time = kT0 + 24 * kHour - 10;
  auto got = CollectGroup(*store, kP, "g", q);
  REQUIRE(got.size() == 1);
  CHECK(got[0].message == "day-end");
  q.start_time = kT0 + 23 * kHour + 48;
  CHECK(Messages(CollectGroup(*store, kP, "g", q)) ==
        std::vector<std::string>{"t48", "t49", "day-end"});
  StreamScanQuery sq;
  sq.start_time = kT0 + 1;
  CHECK(Messages(CollectStream(*store, kP, "g", "s", sq)) == std::vector<std::string>{"day-end"});
  sq.forward = false;
  sq.start_time = kT0 - 3 * 24 * kHour;
  sq.end_time = kT0 + 1;
  CHECK(Messages(CollectStream(*store, kP, "g", "s", sq)) ==
        std::vector<std::string>{"day-start", "old"});
}

TEST_CASE("Data, ids and sequences survive a reopen", "[storage][durability]") {
  TempDir dir;
  uint64_t last_seq = 0;
  uint64_t group_id = 0;
  {
    auto store = OpenStore(dir.path());
    REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
    REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
    for (int i = 0; i < 5; ++i) last_seq = Put(*store, "g", "s", {{kT0 + i, std::to_string(i)}});
    group_id = store->GetLogGroup(kP, "g")->id;
  }
  {
    auto store = OpenStore(dir.path());
    CHECK(Messages(CollectStream(*store, kP, "g", "s", {})) ==
          std::vector<std::string>{"0", "1", "2", "3", "4"});
    CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 5);
    CHECK(store->GetLogStream(kP, "g", "s")->upload_sequence == last_seq);
    uint64_t next = Put(*store, "g", "s", {{kT0 + 10, "5"}});
    CHECK(next > last_seq);
    REQUIRE(store->CreateLogGroup(kP, Group("h")).ok());
    CHECK(store->GetLogGroup(kP, "h")->id > group_id);
    last_seq = next;
  }
  {
    auto store = OpenStore(dir.path());
    CHECK(CollectStream(*store, kP, "g", "s", {}).size() == 6);
    CHECK(Put(*store, "g", "s", {{kT0 + 11, "6"}}) > last_seq);
  }
}

TEST_CASE("Reset wipes every partition but keeps ids growing", "[storage][admin]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  Partition other{"111111111111", "eu-west-1"};
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogGroup(other, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  uint64_t seq = Put(*store, "g", "s", {{kT0, "x"}});
  uint64_t old_id = store->GetLogGroup(kP, "g")->id;
  REQUIRE(store->Reset().ok());
  CHECK(GroupNames(*store, kP, "", "").empty());
  CHECK(GroupNames(*store, other, "", "").empty());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  CHECK(store->GetLogGroup(kP, "g")->id > old_id);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == 0);
  REQUIRE(store->CreateLogStream(kP, "g", "s", kT0).ok());
  CHECK(CollectStream(*store, kP, "g", "s", {}).empty());
  CHECK(CollectGroup(*store, kP, "g", {}).empty());
  CHECK(Put(*store, "g", "s", {{kT0, "y"}}) > seq);
  CHECK(Messages(CollectGroup(*store, kP, "g", {})) == std::vector<std::string>{"y"});
}

TEST_CASE("Concurrent writers to one group lose nothing", "[storage][concurrency]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  constexpr int kThreads = 4;
  constexpr int kBatches = 50;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(store->CreateLogStream(kP, "g", "s" + std::to_string(t), kT0).ok());
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string stream = "s" + std::to_string(t);
      for (int b = 0; b < kBatches; ++b) {
        std::vector<InputEvent> events;
        for (int i = 0; i < 10; ++i) events.push_back({kT0 + b * 10 + i, "0123456789"});
        if (!store->PutLogEvents(kP, {"g", stream, events, kT0}).ok()) ++failures;
        // Readers run alongside the writers.
        if (!store->ScanGroup(kP, "g", {}, [](const EventView&) { return true; }).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  auto all = CollectGroup(*store, kP, "g", {});
  CHECK(all.size() == kThreads * kBatches * 10);
  for (size_t i = 1; i < all.size(); ++i) REQUIRE(all[i - 1].key < all[i].key);
  CHECK(store->GetLogGroup(kP, "g")->stored_bytes == kThreads * kBatches * 10 * 10);
}

}  // namespace
}  // namespace cwlogd::storage

namespace cwlogd::storage {
namespace {

TEST_CASE("ScanGroup skips the chunks its body filter rejects, keeping merge order",
          "[storage][scan]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "a", kT0).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "b", kT0).ok());
  // Interleaved batches of two streams; only some batches hold "NEEDLE".
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<InputEvent> events;
    for (int i = 0; i < 50; ++i) {
      std::string message = "batch " + std::to_string(batch) + " event " + std::to_string(i);
      if (batch % 7 == 3 && i == 25) message += " NEEDLE";
      events.push_back({kT0 + batch * 100 + i * 2 + (batch % 2), message});
    }
    Put(*store, "g", batch % 2 == 0 ? "a" : "b", events);
  }
  auto scan = [&](const ChunkBodyFilter& filter, size_t* visited) {
    GroupScanQuery q;
    q.chunk_body_filter = filter;
    std::vector<std::string> hits;
    *visited = 0;
    REQUIRE(store
                ->ScanGroup(kP, "g", q,
                            [&](const EventView& e) {
                              ++*visited;
                              if (e.message.find("NEEDLE") != std::string_view::npos) {
                                hits.push_back(std::string(e.stream_name) + ":" +
                                               std::string(e.message));
                              }
                              return true;
                            })
                .ok());
    return hits;
  };
  size_t all_visited = 0, filtered_visited = 0;
  const auto all = scan({}, &all_visited);
  const auto filtered =
      scan([](std::string_view body) { return body.find("NEEDLE") != std::string_view::npos; },
           &filtered_visited);
  CHECK(all_visited == 1000);
  CHECK(all == filtered);    // same matches, same (timestamp) order
  REQUIRE(all.size() == 3);  // batches 3, 10 and 17
  CHECK(all[0] == "b:batch 3 event 25 NEEDLE");
  CHECK(filtered_visited == 150);  // only the three chunks that hold the term were decoded
}

// Chunks with enough message bytes carry a term sketch in their index entry; a sketch filter
// skips them without reading the chunk. Small chunks have none and are always read.
TEST_CASE("ScanGroup skips chunks whose term sketch rules the term out", "[storage][scan]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  REQUIRE(store->CreateLogStream(kP, "g", "a", kT0).ok());
  const std::string filler(60, '.');
  for (int batch = 0; batch < 20; ++batch) {
    // Batches 0-15: 50 events of ~80 bytes (sketched); 16-19: 5 events (too small).
    const int count = batch < 16 ? 50 : 5;
    std::vector<InputEvent> events;
    for (int i = 0; i < count; ++i) {
      std::string message =
          "batch " + std::to_string(batch) + " event " + std::to_string(i) + filler;
      if (batch % 5 == 2 && i == count / 2) message += " NEEDLE";
      events.push_back({kT0 + batch * 100 + i, message});
    }
    Put(*store, "g", "a", events);
  }
  auto scan = [&](bool with_sketch, size_t* visited, size_t* sketch_calls) {
    GroupScanQuery q;
    if (with_sketch) {
      q.chunk_sketch_filter = [sketch_calls](const TermSketch& sketch) {
        ++*sketch_calls;
        return sketch.MayContain("NEEDLE");
      };
    }
    std::vector<std::string> hits;
    REQUIRE(store
                ->ScanGroup(kP, "g", q,
                            [&](const EventView& e) {
                              ++*visited;
                              if (e.message.find("NEEDLE") != std::string_view::npos) {
                                hits.emplace_back(e.message);
                              }
                              return true;
                            })
                .ok());
    return hits;
  };
  size_t all_visited = 0, sketched_visited = 0, calls = 0, no_calls = 0;
  const auto all = scan(false, &all_visited, &no_calls);
  const auto sketched = scan(true, &sketched_visited, &calls);
  CHECK(all == sketched);
  REQUIRE(all.size() == 4);  // batches 2, 7, 12 and 17
  CHECK(all_visited == 16 * 50 + 4 * 5);
  CHECK(calls == 16);  // every big chunk, no small one
  // Read: the three big chunks holding the term, and the four small ones.
  CHECK(sketched_visited == 3 * 50 + 4 * 5);
}

// Long filtered scans load chunks ahead on a second thread once several in a row were
// rejected (detail::ScanHelper). Overlapping chunks of three streams, a term in a few of them,
// read in pages resumed after the last key seen: the same events in the same order as an
// unfiltered scan, whichever thread decoded them.
TEST_CASE("ScanGroup with read-ahead returns the unfiltered scan's matches, page by page",
          "[storage][scan][concurrency]") {
  TempDir dir;
  auto store = OpenStore(dir.path());
  REQUIRE(store->CreateLogGroup(kP, Group("g")).ok());
  const std::vector<std::string> streams = {"a", "b", "c"};
  for (const auto& s : streams) REQUIRE(store->CreateLogStream(kP, "g", s, kT0).ok());
  std::mt19937 rng(7);
  for (int batch = 0; batch < 300; ++batch) {
    std::vector<InputEvent> events;
    // Each batch spans 40 ms and starts 10 ms after the previous one: chunks overlap.
    for (int i = 0; i < 20; ++i) {
      std::string message = "batch " + std::to_string(batch) + " event " + std::to_string(i);
      if (rng() % 97 == 0) message += " NEEDLE";
      events.push_back({kT0 + batch * 10 + i * 2, message});
    }
    Put(*store, "g", streams[batch % 3], events);
  }
  auto has_needle = [](std::string_view text) {
    return text.find("NEEDLE") != std::string_view::npos;
  };
  // Scans from `after`, keeping at most `page` matches; returns them and the last key seen.
  auto scan_page = [&](const ChunkBodyFilter& filter, std::optional<EventKey> after, size_t page,
                       std::vector<std::string>* hits) {
    GroupScanQuery q;
    q.chunk_body_filter = filter;
    q.after = after;
    size_t kept = 0;
    std::optional<EventKey> last;
    REQUIRE(store
                ->ScanGroup(kP, "g", q,
                            [&](const EventView& e) {
                              last = e.key;
                              if (!has_needle(e.message)) return true;
                              hits->push_back(std::string(e.stream_name) + ":" +
                                              std::string(e.message));
                              return ++kept < page;
                            })
                .ok());
    return kept < page ? std::nullopt : last;  // nullopt: the scan reached the end
  };
  std::vector<std::string> unfiltered;
  scan_page({}, std::nullopt, std::numeric_limits<size_t>::max(), &unfiltered);
  REQUIRE(unfiltered.size() > 20);

  std::vector<std::string> paged;
  std::optional<EventKey> after;
  int pages = 0;
  do {
    after = scan_page(has_needle, after, 7, &paged);
    REQUIRE(++pages < 1000);
  } while (after);
  CHECK(paged == unfiltered);
  CHECK(pages == static_cast<int>(unfiltered.size() / 7 + 1));
}

}  // namespace
}  // namespace cwlogd::storage
