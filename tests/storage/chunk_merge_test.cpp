// ChunkMerge on its own: chunks held in memory by a fake ChunkSource (the real codec encodes
// and decodes them), so the merge's order, bounds, stops and laziness are checked without a DB.
#include "storage/detail/chunk_merge.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "storage/keys.h"
#include "tests/catch2.h"

namespace cwlogd::storage::detail {
namespace {

// One emitted event, as a reader would see it.
struct Seen {
  std::string stream;
  EventKey key;
  std::string message;
  bool operator==(const Seen&) const = default;
};

// Chunks in memory, handed out in index order ((min timestamp, sequence)); counts loads.
class MemChunkSource final : public ChunkSource {
 public:
  // Adds one chunk of stream `stream_id` (events in non-decreasing timestamp order).
  void Add(uint64_t stream_id, uint64_t sequence, const std::vector<InputEvent>& events) {
    const int64_t min_ts = events.front().timestamp;
    ChunkRef ref;
    ref.id = {1, min_ts, sequence};
    uint64_t bytes = 0;
    for (const auto& e : events) bytes += e.message.size();
    ref.info = {stream_id, events.back().timestamp, static_cast<uint32_t>(events.size()), bytes};
    payloads_[sequence] = keys::EncodeChunk(stream_id, /*ingestion_time=*/7, min_ts, events);
    index_.push_back(ref);
    std::sort(index_.begin(), index_.end(),
              [](const ChunkRef& a, const ChunkRef& b) { return a.id < b.id; });
  }

  Status NextEntry(ChunkRef* ref, bool* found) override {
    *found = next_ < index_.size();
    if (*found) *ref = index_[next_++];
    return Status::OK();
  }

  std::unique_ptr<ChunkLoader> NewLoader() override { return std::make_unique<Loader>(this); }

  int loads() const { return loads_.load(); }

 private:
  class Loader final : public ChunkLoader {
   public:
    explicit Loader(MemChunkSource* source) : source_(source) {}
    Status Load(ChunkCursor* c, const ChunkBodyFilter& body_filter, bool* skipped) override {
      ++source_->loads_;
      return DecodeChunkPayload(source_->payloads_.at(c->ref.id.sequence), c, body_filter, skipped);
    }

   private:
    MemChunkSource* source_;
  };

  std::vector<ChunkRef> index_;
  std::map<uint64_t, std::string> payloads_;  // by sequence; read concurrently, never changed
  size_t next_ = 0;
  std::atomic<int> loads_{0};
};

const std::string kStreamA = "a";
const std::string kStreamB = "b";

ChunkMerge::Query AllOf(const MemChunkSource&) {
  ChunkMerge::Query q;
  q.name_of = [](uint64_t id) -> const std::string* { return id == 1 ? &kStreamA : &kStreamB; };
  return q;
}

// Runs a merge; stops after `limit` events (0 = no limit).
std::vector<Seen> Merge(MemChunkSource& source, const ChunkMerge::Query& q, size_t limit = 0) {
  std::vector<Seen> seen;
  Status s = ChunkMerge(source, q).Run([&](const EventView& e) {
    CHECK(e.ingestion_time == 7);
    seen.push_back({std::string(e.stream_name), e.key, std::string(e.message)});
    return limit == 0 || seen.size() < limit;
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return seen;
}

std::vector<std::string> Messages(const std::vector<Seen>& seen) {
  std::vector<std::string> out;
  for (const auto& e : seen) out.push_back(e.message);
  return out;
}

TEST_CASE("ChunkMerge over no chunks visits nothing", "[storage][chunk_merge]") {
  MemChunkSource source;
  CHECK(Merge(source, AllOf(source)).empty());
  CHECK(source.loads() == 0);
}

TEST_CASE("ChunkMerge interleaves the events of two streams by timestamp",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 10, {{1, "a1"}, {3, "a3"}, {5, "a5"}});
  source.Add(2, 11, {{2, "b2"}, {4, "b4"}, {6, "b6"}});
  auto seen = Merge(source, AllOf(source));
  CHECK(Messages(seen) == std::vector<std::string>{"a1", "b2", "a3", "b4", "a5", "b6"});
  CHECK(seen[1].stream == "b");
  CHECK(seen[1].key == EventKey{2, 11, 0});
  CHECK(seen[4].key == EventKey{5, 10, 2});
}

TEST_CASE("ChunkMerge orders equal timestamps by sequence, then index in the batch",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 7, {{10, "s7i0"}, {10, "s7i1"}});
  source.Add(2, 3, {{10, "s3i0"}});
  source.Add(2, 5, {{5, "s5i0"}, {10, "s5i1"}});
  CHECK(Messages(Merge(source, AllOf(source))) ==
        std::vector<std::string>{"s5i0", "s3i0", "s5i1", "s7i0", "s7i1"});
}

TEST_CASE("ChunkMerge merges chunks overlapping in time", "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 1, {{0, "0"}, {50, "50"}, {100, "100"}});
  source.Add(2, 2, {{10, "10"}, {20, "20"}});
  source.Add(1, 3, {{60, "60"}, {70, "70"}});
  source.Add(2, 4, {{100, "100b"}});
  CHECK(Messages(Merge(source, AllOf(source))) ==
        std::vector<std::string>{"0", "10", "20", "50", "60", "70", "100", "100b"});
}

TEST_CASE("ChunkMerge keeps to the time range, start inclusive and end exclusive",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 1, {{0, "0"}, {10, "10"}, {20, "20"}});
  source.Add(2, 2, {{15, "15"}, {30, "30"}});
  source.Add(1, 3, {{40, "40"}});
  auto q = AllOf(source);
  q.start_time = 10;
  q.end_time = 30;
  CHECK(Messages(Merge(source, q)) == std::vector<std::string>{"10", "15", "20"});
}

TEST_CASE("ChunkMerge skips the chunks of streams name_of does not name",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 1, {{1, "a1"}, {3, "a3"}});
  source.Add(2, 2, {{2, "b2"}});
  auto q = AllOf(source);
  q.name_of = [](uint64_t id) -> const std::string* { return id == 2 ? &kStreamB : nullptr; };
  CHECK(Messages(Merge(source, q)) == std::vector<std::string>{"b2"});
}

TEST_CASE("ChunkMerge stops when the visitor says so and resumes after an EventKey",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  source.Add(1, 1, {{1, "1"}, {4, "4"}, {4, "4b"}});
  source.Add(2, 2, {{2, "2"}, {4, "4c"}, {9, "9"}});
  const auto all = Merge(source, AllOf(source));
  REQUIRE(all.size() == 6);

  MemChunkSource first_page_source;
  first_page_source.Add(1, 1, {{1, "1"}, {4, "4"}, {4, "4b"}});
  first_page_source.Add(2, 2, {{2, "2"}, {4, "4c"}, {9, "9"}});
  const auto page = Merge(first_page_source, AllOf(first_page_source), 3);
  CHECK(page == std::vector<Seen>(all.begin(), all.begin() + 3));

  MemChunkSource rest_source;
  rest_source.Add(1, 1, {{1, "1"}, {4, "4"}, {4, "4b"}});
  rest_source.Add(2, 2, {{2, "2"}, {4, "4c"}, {9, "9"}});
  auto q = AllOf(rest_source);
  q.after = page.back().key;
  CHECK(Merge(rest_source, q) == std::vector<Seen>(all.begin() + 3, all.end()));
}

TEST_CASE("ChunkMerge loads a chunk only when the order reaches it", "[storage][chunk_merge]") {
  MemChunkSource source;
  for (uint64_t i = 0; i < 100; ++i) {
    const auto t = static_cast<int64_t>(i) * 10;
    source.Add(1, i + 1, {{t, std::to_string(t)}, {t + 5, std::to_string(t + 5)}});
  }
  CHECK(Messages(Merge(source, AllOf(source), 3)) == std::vector<std::string>{"0", "5", "10"});
  CHECK(source.loads() == 2);
}

TEST_CASE("ChunkMerge skips chunks whose body the filter rejects, read-ahead included",
          "[storage][chunk_merge]") {
  // Many rejected chunks in a row turn on read-ahead (a helper thread when one is free).
  MemChunkSource source;
  std::vector<std::string> wanted;
  for (uint64_t i = 0; i < 200; ++i) {
    const auto t = static_cast<int64_t>(i);
    const bool needle = i % 37 == 5;
    const std::string msg = (needle ? "needle " : "hay ") + std::to_string(i);
    source.Add(i % 2 + 1, i + 1, {{t, msg}, {t + 300, msg + " late"}});
  }
  for (uint64_t i = 0; i < 200; ++i) {
    if (i % 37 == 5) wanted.push_back("needle " + std::to_string(i));
  }
  for (uint64_t i = 0; i < 200; ++i) {
    if (i % 37 == 5) wanted.push_back("needle " + std::to_string(i) + " late");
  }
  auto q = AllOf(source);
  q.body_filter = [](std::string_view body) {
    return body.find("needle") != std::string_view::npos;
  };
  CHECK(Messages(Merge(source, q)) == wanted);
}

// Random chunks of streams 1 and 2: up to max_count chunks of 1-5 events each, the first event
// of each at a random time below max_start; event i of chunk c says "c:i".
struct RandomChunk {
  uint64_t stream;
  std::vector<InputEvent> events;
};
std::vector<RandomChunk> RandomChunks(std::mt19937& rng, int max_count, int64_t max_start) {
  std::vector<RandomChunk> chunks;
  const int count = static_cast<int>(rng() % static_cast<unsigned>(max_count));
  for (int c = 0; c < count; ++c) {
    RandomChunk chunk{rng() % 2 + 1, {}};
    int64_t t = static_cast<int64_t>(rng() % static_cast<uint64_t>(max_start));
    const int n = static_cast<int>(rng() % 5) + 1;
    for (int i = 0; i < n; ++i) {
      t += static_cast<int64_t>(rng() % 3);  // equal timestamps are common
      chunk.events.push_back({t, std::to_string(c) + ":" + std::to_string(i)});
    }
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

// A fresh source over `chunks` (chunk c has sequence c + 1).
std::unique_ptr<MemChunkSource> SourceOf(const std::vector<RandomChunk>& chunks) {
  auto source = std::make_unique<MemChunkSource>();
  for (size_t c = 0; c < chunks.size(); ++c) source->Add(chunks[c].stream, c + 1, chunks[c].events);
  return source;
}

TEST_CASE("ChunkMerge pages through random chunks in EventKey order", "[storage][chunk_merge]") {
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    const std::vector<RandomChunk> chunks = RandomChunks(rng, 30, 100);
    std::vector<Seen> expected;
    for (size_t c = 0; c < chunks.size(); ++c) {
      for (size_t i = 0; i < chunks[c].events.size(); ++i) {
        const InputEvent& e = chunks[c].events[i];
        expected.push_back({chunks[c].stream == 1 ? kStreamA : kStreamB,
                            {e.timestamp, c + 1, static_cast<uint32_t>(i)},
                            e.message});
      }
    }
    std::sort(expected.begin(), expected.end(),
              [](const Seen& a, const Seen& b) { return a.key < b.key; });
    const size_t page = rng() % 4 + 1;
    std::vector<Seen> got;
    std::optional<EventKey> after;
    while (true) {  // the same chunks in a fresh source per page
      auto source = SourceOf(chunks);
      auto q = AllOf(*source);
      q.after = after;
      auto seen = Merge(*source, q, page);
      got.insert(got.end(), seen.begin(), seen.end());
      if (seen.size() < page) break;
      after = seen.back().key;
    }
    INFO("round " << round);
    CHECK(got == expected);
  }
}

TEST_CASE("ChunkMerge with any_order visits each wanted event once, chunk by chunk",
          "[storage][chunk_merge][concurrency]") {
  // Up to 60 chunks: several batches, so the helper thread loads ahead while the visitor works.
  std::mt19937 rng(99);
  for (int round = 0; round < 20; ++round) {
    const std::vector<RandomChunk> chunks = RandomChunks(rng, 60, 1000);
    auto ordered_source = SourceOf(chunks);
    auto q = AllOf(*ordered_source);
    q.start_time = static_cast<int64_t>(rng() % 200);
    q.end_time = q.start_time + 700;
    const std::vector<Seen> ordered = Merge(*ordered_source, q);

    auto any_source = SourceOf(chunks);
    q.any_order = true;
    const std::vector<Seen> any = Merge(*any_source, q);
    INFO("round " << round);
    // The same events; within a chunk in index order, chunks in (min timestamp, sequence) order.
    for (size_t i = 1; i < any.size(); ++i) {
      const EventKey& a = any[i - 1].key;
      const EventKey& b = any[i].key;
      if (a.sequence == b.sequence) CHECK(a.index < b.index);
    }
    std::vector<Seen> sorted = any;
    std::sort(sorted.begin(), sorted.end(),
              [](const Seen& a, const Seen& b) { return a.key < b.key; });
    CHECK(sorted == ordered);
  }
}

TEST_CASE("ChunkMerge with any_order stops when the visitor says so and counts skipped chunks",
          "[storage][chunk_merge]") {
  MemChunkSource source;
  for (uint64_t i = 0; i < 40; ++i) {
    const auto t = static_cast<int64_t>(i * 10);
    source.Add(i % 2 + 1, i + 1, {{t, (i % 4 == 0 ? "keep " : "drop ") + std::to_string(i)}});
  }
  auto q = AllOf(source);
  q.any_order = true;
  q.body_filter = [](std::string_view body) { return body.find("keep") != std::string_view::npos; };
  ScanSkips skips;
  q.skips = &skips;
  CHECK(Messages(Merge(source, q, 3)) == std::vector<std::string>{"keep 0", "keep 4", "keep 8"});
  // Chunks 1-3 and 5-7 were rejected before the visitor stopped at chunk 8.
  CHECK(skips.chunks == 6);
}

}  // namespace
}  // namespace cwlogd::storage::detail
