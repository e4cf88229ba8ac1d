// Random operations against RocksLogStore and a std::map model; every scan must agree
// (RocksDB's db_map_fuzzer idea).
#include <map>
#include <random>
#include <set>

#include "storage/log_store.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace cwlogd::storage {
namespace {

using testing::CollectGroup;
using testing::CollectStream;
using testing::kDay;
using testing::kP;
using testing::OpenStore;
using testing::StoredEvent;
using testing::TempDir;

struct Model {
  // group -> stream -> events by key
  std::map<std::string, std::map<std::string, std::map<EventKey, StoredEvent>>> groups;
  std::map<std::string, int64_t> stored_bytes;
};

std::vector<StoredEvent> ModelStream(const Model& m, const std::string& g, const std::string& s,
                                     const StreamScanQuery& q, size_t limit) {
  std::vector<StoredEvent> out;
  const auto& events = m.groups.at(g).at(s);
  auto want = [&](const EventKey& k) {
    if (k.timestamp < q.start_time || k.timestamp >= q.end_time) return false;
    if (q.cursor) return q.forward ? k > *q.cursor : k < *q.cursor;
    return true;
  };
  if (q.forward) {
    for (const auto& [k, e] : events) {
      if (out.size() >= limit) break;
      if (want(k)) out.push_back(e);
    }
  } else {
    for (auto it = events.rbegin(); it != events.rend() && out.size() < limit; ++it) {
      if (want(it->first)) out.push_back(it->second);
    }
  }
  return out;
}

std::vector<StoredEvent> ModelGroup(const Model& m, const std::string& g, const GroupScanQuery& q,
                                    size_t limit) {
  std::map<EventKey, StoredEvent> merged;
  for (const auto& [name, events] : m.groups.at(g)) {
    if (q.stream_names &&
        std::find(q.stream_names->begin(), q.stream_names->end(), name) == q.stream_names->end()) {
      continue;
    }
    if (q.stream_name_prefix && !name.starts_with(*q.stream_name_prefix)) continue;
    for (const auto& [k, e] : events) {
      if (k.timestamp < q.start_time || k.timestamp >= q.end_time) continue;
      if (q.after && !(k > *q.after)) continue;
      merged.emplace(k, e);
    }
  }
  std::vector<StoredEvent> out;
  for (auto& [k, e] : merged) {
    if (out.size() >= limit) break;
    out.push_back(e);
  }
  return out;
}

TEST_CASE("RocksLogStore agrees with a std::map model under random operations",
          "[storage][differential]") {
  const uint32_t seed = GENERATE(1u, 2u, 3u, 4u);
  std::mt19937 rng(seed);
  auto rnd = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  TempDir dir;
  auto store = OpenStore(dir.path());
  Model model;
  const int64_t base = 1'700'000'000'000;
  const std::vector<std::string> group_names{"g1", "g2"};
  const std::vector<std::string> stream_names{"a", "ab", "b", "c"};
  int64_t ingestion = base;
  std::vector<EventKey> seen_keys;  // cursors to reuse
  size_t nonempty_compares = 0;     // guards against a test that compares only empty scans

  auto random_ts = [&] {
    // Mostly a narrow window so batches overlap; sometimes far away (several days).
    return rnd(0, 9) < 8 ? base + rnd(0, 2000) : base + rnd(-3 * kDay, 3 * kDay);
  };
  auto random_cursor = [&]() -> std::optional<EventKey> {
    if (seen_keys.empty() || rnd(0, 2) == 0) return std::nullopt;
    EventKey k = seen_keys[static_cast<size_t>(rnd(0, static_cast<int64_t>(seen_keys.size()) - 1))];
    if (rnd(0, 3) == 0) k.timestamp += rnd(-5, 5);
    return k;
  };

  for (const auto& g : group_names) {
    LogGroupInfo info;
    info.name = g;
    REQUIRE(store->CreateLogGroup(kP, info).ok());
    model.stored_bytes[g] = 0;
    for (const auto& s : stream_names) {
      REQUIRE(store->CreateLogStream(kP, g, s, base).ok());
      model.groups[g][s];
    }
  }

  for (int step = 0; step < 1500; ++step) {
    const std::string& g = group_names[static_cast<size_t>(rnd(0, 1))];
    const std::string& s = stream_names[static_cast<size_t>(rnd(0, 3))];
    int op = static_cast<int>(rnd(0, 99));
    INFO("seed " << seed << " step " << step << " op " << op << " " << g << "/" << s);
    bool group_exists = model.groups.contains(g);
    bool stream_exists = group_exists && model.groups[g].contains(s);
    if (op < 5) {  // create group
      LogGroupInfo info;
      info.name = g;
      Status st = store->CreateLogGroup(kP, info);
      CHECK(st.IsAlreadyExists() == group_exists);
      if (!group_exists) {
        REQUIRE(st.ok());
        model.groups[g];
        model.stored_bytes[g] = 0;
      }
    } else if (op < 12) {  // create stream
      Status st = store->CreateLogStream(kP, g, s, base);
      if (!group_exists) {
        CHECK(st.IsNotFound());
      } else {
        CHECK(st.IsAlreadyExists() == stream_exists);
        if (!stream_exists) model.groups[g][s];
      }
    } else if (op < 50) {  // put
      std::vector<InputEvent> events;
      int64_t first = random_ts();
      int64_t span = rnd(0, 9) == 0 ? kDay : rnd(0, 300);
      int n = static_cast<int>(rnd(1, 40));
      std::vector<int64_t> stamps;
      for (int i = 0; i < n; ++i) stamps.push_back(first + rnd(0, span));
      std::sort(stamps.begin(), stamps.end());
      for (int i = 0; i < n; ++i) {
        events.push_back({stamps[static_cast<size_t>(i)],
                          "m" + std::to_string(step) + "-" + std::to_string(i) +
                              std::string(static_cast<size_t>(rnd(0, 120)), 'z')});
      }
      ingestion += rnd(0, 3);
      auto r = store->PutLogEvents(kP, {g, s, events, ingestion});
      if (!stream_exists) {
        CHECK(r.status().IsNotFound());
        continue;
      }
      REQUIRE(r.ok());
      for (uint32_t i = 0; i < events.size(); ++i) {
        EventKey k{events[i].timestamp, r->upload_sequence, i};
        model.groups[g][s][k] = StoredEvent{k, ingestion, events[i].message, s};
        model.stored_bytes[g] += static_cast<int64_t>(events[i].message.size());
        if (rnd(0, 4) == 0) seen_keys.push_back(k);
      }
    } else if (op < 75) {  // scan stream
      StreamScanQuery q;
      q.forward = rnd(0, 1) == 0;
      if (rnd(0, 1)) q.start_time = random_ts();
      if (rnd(0, 1)) q.end_time = random_ts() + rnd(0, 3000);
      q.cursor = random_cursor();
      size_t limit = rnd(0, 2) == 0 ? SIZE_MAX : static_cast<size_t>(rnd(1, 30));
      if (!stream_exists) {
        Status st = store->ScanStream(kP, g, s, q, [](const EventView&) { return true; });
        CHECK(st.IsNotFound());
        continue;
      }
      auto got = CollectStream(*store, kP, g, s, q, limit);
      auto want = ModelStream(model, g, s, q, limit);
      nonempty_compares += want.empty() ? 0 : 1;
      REQUIRE(got.size() == want.size());
      CHECK(got == want);
    } else if (op < 93) {  // scan group
      GroupScanQuery q;
      if (rnd(0, 1)) q.start_time = random_ts();
      if (rnd(0, 1)) q.end_time = random_ts() + rnd(0, 3000);
      q.after = random_cursor();
      int filter = static_cast<int>(rnd(0, 3));
      if (filter == 1) q.stream_names = std::vector<std::string>{s, "zz"};
      if (filter == 2) q.stream_name_prefix = s.substr(0, 1);
      size_t limit = rnd(0, 2) == 0 ? SIZE_MAX : static_cast<size_t>(rnd(1, 50));
      if (!group_exists) {
        CHECK(store->ScanGroup(kP, g, q, [](const EventView&) { return true; }).IsNotFound());
        continue;
      }
      auto got = CollectGroup(*store, kP, g, q, limit);
      auto want = ModelGroup(model, g, q, limit);
      nonempty_compares += want.empty() ? 0 : 1;
      REQUIRE(got.size() == want.size());
      CHECK(got == want);
      CHECK(store->GetLogGroup(kP, g)->stored_bytes == model.stored_bytes[g]);
    } else if (op < 96) {  // delete stream
      Status st = store->DeleteLogStream(kP, g, s);
      CHECK(st.IsNotFound() == !stream_exists);
      if (stream_exists) {
        for (const auto& [k, e] : model.groups[g][s]) {
          model.stored_bytes[g] -= static_cast<int64_t>(e.message.size());
        }
        model.groups[g].erase(s);
      }
    } else if (op < 99) {  // delete group (a quarter of the time: it empties a lot)
      if (rnd(0, 3) != 0) continue;
      Status st = store->DeleteLogGroup(kP, g);
      CHECK(st.IsNotFound() == !group_exists);
      model.groups.erase(g);
      model.stored_bytes.erase(g);
    } else {  // reopen (1%)
      store.reset();
      store = OpenStore(dir.path());
    }
  }
  CHECK(nonempty_compares > 100);
}

}  // namespace
}  // namespace cwlogd::storage
