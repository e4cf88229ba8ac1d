#include "storage/keys.h"

#include <algorithm>
#include <random>

#include "tests/catch2.h"

namespace cwlogd::storage::keys {
namespace {

TEST_CASE("Varints and zigzag round-trip at the edges", "[storage][keys]") {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                     uint64_t{1} << 35, ~uint64_t{0}}) {
    std::string buf;
    PutVarint64(&buf, v);
    std::string_view in = buf;
    uint64_t out = 0;
    REQUIRE(GetVarint64(&in, &out));
    CHECK(out == v);
    CHECK(in.empty());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()}) {
    CHECK(UnZigZag(ZigZag(v)) == v);
  }
  std::string_view truncated("\x80\x80", 2);
  uint64_t out = 0;
  CHECK_FALSE(GetVarint64(&truncated, &out));
}

TEST_CASE("Integers are stored big-endian", "[storage][keys]") {
  std::string buf;
  PutFixed64BE(&buf, 0x0102030405060708ULL);
  CHECK(buf == std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  CHECK(DecodeFixed64BE(buf.data()) == 0x0102030405060708ULL);
  // Timestamps: sign bit flipped, so negative sorts first.
  std::string t;
  PutFixed64BE(&t, OrderedTimestamp(1700000000000));
  CHECK(t == std::string("\x80\x00\x01\x8b\xcf\xe5\x68\x00", 8));
}

TEST_CASE("Chunk key byte order is (group, timestamp, sequence) order", "[storage][keys]") {
  std::mt19937_64 rng(7);
  std::vector<ChunkId> ids;
  std::uniform_int_distribution<int64_t> ts(-5'000'000'000, 5'000'000'000);
  for (int i = 0; i < 2000; ++i) {
    ids.push_back({rng() % 4, i % 3 == 0 ? (ts(rng) % 10) : ts(rng), rng() % 5});
  }
  ids.push_back({0, std::numeric_limits<int64_t>::min(), 0});
  ids.push_back({0, std::numeric_limits<int64_t>::max(), ~uint64_t{0}});
  auto by_bytes = ids;
  std::sort(ids.begin(), ids.end());
  std::sort(by_bytes.begin(), by_bytes.end(),
            [](const ChunkId& a, const ChunkId& b) { return ChunkKey(a) < ChunkKey(b); });
  CHECK(ids == by_bytes);
  std::sort(by_bytes.begin(), by_bytes.end(),
            [](const ChunkId& a, const ChunkId& b) { return DirKey(a) < DirKey(b); });
  CHECK(ids == by_bytes);

  for (const auto& id : ids) {
    ChunkId back;
    REQUIRE(ParseChunkKey(ChunkKey(id), &back));
    CHECK(back == id);
    REQUIRE(ParseDirKey(DirKey(id), &back));
    CHECK(back == id);
    uint64_t sid = 0;
    REQUIRE(ParseStreamIndexKey(StreamIndexKey(42, id), &sid, &back));
    CHECK(sid == 42);
    CHECK(back == id);
    CHECK(StreamIndexKey(42, id).starts_with(StreamIndexPrefix(id.group_id, 42)));
  }
  // Every chunk of group g sorts inside [GroupChunksBegin(g), GroupChunksBegin(g + 1)).
  ChunkId last_of_1{1, std::numeric_limits<int64_t>::max(), ~uint64_t{0}};
  CHECK(ChunkKey(last_of_1) < GroupChunksBegin(2));
  CHECK(ChunkKey({1, std::numeric_limits<int64_t>::min(), 0}) >= GroupChunksBegin(1));
}

TEST_CASE("Group keys sort by name inside a partition and never across", "[storage][keys]") {
  Partition a{"000000000000", "us-east-1"};
  Partition b{"000000000000", "us-east-10"};
  CHECK(GroupKey(a, "a") < GroupKey(a, "a/b"));
  CHECK(GroupKey(a, "a/b") < GroupKey(a, "b"));
  CHECK(GroupKey(a, "B") < GroupKey(a, "a"));  // raw bytes
  // A longer region is not a prefix-extension of a shorter one's names.
  CHECK_FALSE(GroupKey(b, "x").starts_with(GroupKeyPrefix(a)));
  CHECK(GroupKey(a, "x").starts_with(GroupKeyPrefix(a)));
  CHECK(StreamKey(1, "s").starts_with(StreamKeyPrefix(1)));
  CHECK_FALSE(StreamKey(2, "s").starts_with(StreamKeyPrefix(1)));
}

TEST_CASE("Stream time keys sort by (group, last event time, name) and round-trip",
          "[storage][keys]") {
  const std::vector<std::string> sorted = {
      StreamTimeKey(1, -5, "z"),  StreamTimeKey(1, 0, "a"), StreamTimeKey(1, 0, "ab"),
      StreamTimeKey(1, 0, "b"),   StreamTimeKey(1, 7, ""),  StreamTimeKey(1, 1LL << 40, "a"),
      StreamTimeKey(2, -100, "a")};
  CHECK(std::is_sorted(sorted.begin(), sorted.end()));
  CHECK(StreamTimeKey(1, 0, "a").starts_with(StreamTimeKeyPrefix(1)));
  uint64_t group = 0;
  int64_t time = 0;
  std::string_view name;
  const std::string time_key = StreamTimeKey(9, -42, "s/1");  // `name` points into it
  REQUIRE(ParseStreamTimeKey(time_key, &group, &time, &name));
  CHECK(group == 9);
  CHECK(time == -42);
  CHECK(name == "s/1");
  CHECK_FALSE(ParseStreamTimeKey(StreamKey(9, "s/1"), &group, &time, &name));
  CHECK_FALSE(ParseStreamTimeKey(StreamTimeKeyPrefix(9), &group, &time, &name));
  const std::string stream_key = StreamKey(9, "s/1");
  REQUIRE(ParseStreamKey(stream_key, &group, &name));
  CHECK(group == 9);
  CHECK(name == "s/1");
  CHECK(MarkerKey(kStreamTimeIndexMarker) < std::string(1, kCounterTag));
}

TEST_CASE("Resource keys: one family per kind, sorted by name within a partition",
          "[storage][keys][resources]") {
  Partition a{"000000000000", "us-east-1"};
  Partition b{"111111111111", "us-east-1"};
  using K = ResourceKind;
  // The bytes themselves are on-disk format.
  CHECK(ResourceKey(K::kDestination, a, "d") == std::string("\x06\x44\x0c"
                                                            "000000000000"
                                                            "\x09"
                                                            "us-east-1"
                                                            "d",
                                                            26));
  CHECK(ResourceKey(K::kLookupTable, a, "t")[1] == 'K');
  // Export tasks: kind byte 'X', the task id after the partition.
  CHECK(ResourceKey(K::kExportTask, a, "t-1") == std::string("\x06X\x0c"
                                                             "000000000000"
                                                             "\x09"
                                                             "us-east-1"
                                                             "t-1",
                                                             28));
  for (K kind : {K::kResourcePolicy, K::kGroupResourcePolicy, K::kDestination, K::kAccountPolicy,
                 K::kDataProtectionPolicy, K::kIndexPolicy, K::kAnomalyDetector, K::kIntegration,
                 K::kS3TableSource, K::kExportTask, K::kLookupTable, K::kSubscriptionFilter,
                 K::kTransformer}) {
    CHECK(ResourceKey(kind, a, "a") < ResourceKey(kind, a, "b"));
    CHECK(ResourceKey(kind, a, "B") < ResourceKey(kind, a, "a"));
    CHECK(ResourceKey(kind, a, "x").starts_with(ResourceKeyPrefix(kind, a)));
    CHECK_FALSE(ResourceKey(kind, b, "x").starts_with(ResourceKeyPrefix(kind, a)));
    ResourceKind parsed_kind{};
    Partition parsed;
    std::string name;
    REQUIRE(ParseResourceKey(ResourceKey(kind, b, "n/a:me"), &parsed_kind, &parsed, &name));
    CHECK(parsed_kind == kind);
    CHECK(parsed.account == b.account);
    CHECK(parsed.region == b.region);
    CHECK(name == "n/a:me");
  }
  CHECK_FALSE(
      ResourceKey(K::kIndexPolicy, a, "x").starts_with(ResourceKeyPrefix(K::kDestination, a)));
  // Never inside the log group family.
  CHECK_FALSE(ResourceKey(K::kDestination, a, "x").starts_with(GroupKeyPrefix(a)));
  ResourceKind kind{};
  Partition p;
  std::string name;
  CHECK_FALSE(ParseResourceKey(GroupKey(a, "x"), &kind, &p, &name));
  CHECK_FALSE(ParseResourceKey(std::string("\x06\x44\x0c"
                                           "0000",
                                           7),
                               &kind, &p, &name));
}

TEST_CASE("Subscription filter names, outbox keys and cursors", "[storage][keys][subscriptions]") {
  Partition a{"000000000000", "us-east-1"};
  // The bytes themselves are on-disk format.
  CHECK(ResourceKey(ResourceKind::kSubscriptionFilter, a, SubscriptionFilterName("g", "f")) ==
        std::string("\x06"
                    "B\x0c"
                    "000000000000"
                    "\x09"
                    "us-east-1"
                    "g\0f",
                    28));
  // A group's filters are exactly the names after "<group>\0": "g" does not list "g2"'s.
  const std::string g_prefix = SubscriptionFilterName("g", "");
  CHECK(SubscriptionFilterName("g", "zz").starts_with(g_prefix));
  CHECK_FALSE(SubscriptionFilterName("g2", "a").starts_with(g_prefix));
  CHECK(SubscriptionFilterName("g", "zz") < SubscriptionFilterName("g2", "a"));
  std::string_view group;
  std::string_view filter;
  const std::string joined = SubscriptionFilterName("a/b", "x y");
  REQUIRE(SplitSubscriptionFilterName(joined, &group, &filter));
  CHECK(group == "a/b");
  CHECK(filter == "x y");
  CHECK_FALSE(SplitSubscriptionFilterName("plain", &group, &filter));

  // Outbox: 'O' <group BE8> <sequence BE8> -> ordered min ts; sequence order within a group.
  ChunkId id{7, -5, 0x0102030405060708};
  CHECK(OutboxKey(id) == std::string("O\0\0\0\0\0\0\0\x07\x01\x02\x03\x04\x05\x06\x07\x08", 17));
  CHECK(OutboxKey({7, 100, 1}) < OutboxKey({7, -100, 2}));
  CHECK(OutboxKey({7, 0, ~uint64_t{0}}) < OutboxKey({8, 0, 0}));
  CHECK(OutboxKey(id).starts_with(OutboxPrefix(7)));
  ChunkId parsed;
  REQUIRE(ParseOutboxEntry(OutboxKey(id), OutboxValue(id), &parsed));
  CHECK(parsed == id);
  CHECK_FALSE(ParseOutboxEntry(OutboxKey(id).substr(0, 16), OutboxValue(id), &parsed));
  CHECK_FALSE(ParseOutboxEntry(DirKey(id), OutboxValue(id), &parsed));
  CHECK_FALSE(ParseOutboxEntry(OutboxKey(id), "1234567", &parsed));

  // Cursors: 'C' <group BE8> <filter name>.
  CHECK(CursorKey(7, "f") == std::string("C\0\0\0\0\0\0\0\x07"
                                         "f",
                                         10));
  CHECK(CursorKey(7, "f").starts_with(CursorPrefix(7)));
  CHECK_FALSE(CursorKey(8, "f").starts_with(CursorPrefix(7)));
  for (SubscriptionCursor c : {SubscriptionCursor{}, SubscriptionCursor{1, 2, true},
                               SubscriptionCursor{~uint64_t{0}, ~uint32_t{0}, false}}) {
    SubscriptionCursor back{5, 5, !c.control_pending};
    REQUIRE(DecodeCursor(EncodeCursor(c), &back));
    CHECK(back == c);
    const std::string bytes = EncodeCursor(c);
    for (size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(DecodeCursor(bytes.substr(0, n), &back));
    CHECK_FALSE(DecodeCursor(bytes + "x", &back));
  }
  CHECK(EncodeCursor({300, 1, true}) == std::string("\x01\xac\x02\x01\x01", 5));
}

TEST_CASE("Resource records round-trip and refuse truncation", "[storage][keys][resources]") {
  ResourceRecord r;
  r.creation_time_ms = 1'700'000'000'123;
  r.last_updated_ms = -5;
  r.revision = 300;
  r.fields = {{"policyDocument", "{\"Version\":\"2012-10-17\"}"},
              {"empty", ""},
              {"bytes", std::string("a\0b", 3)}};
  r.tags = {{"k", "v"}};
  const std::string v = EncodeResourceRecord(r);
  CHECK(v[0] == '\x01');  // version
  ResourceRecord back;
  REQUIRE(DecodeResourceRecord(v, &back));
  CHECK(back.creation_time_ms == r.creation_time_ms);
  CHECK(back.last_updated_ms == r.last_updated_ms);
  CHECK(back.revision == r.revision);
  CHECK(back.fields == r.fields);
  CHECK(back.tags == r.tags);
  for (size_t n = 0; n < v.size(); ++n) CHECK_FALSE(DecodeResourceRecord(v.substr(0, n), &back));
  CHECK_FALSE(DecodeResourceRecord(v + "x", &back));
  ResourceRecord empty;
  REQUIRE(DecodeResourceRecord(EncodeResourceRecord(empty), &back));
  CHECK(back.fields.empty());
  CHECK(back.tags.empty());
}

TEST_CASE("PrefixSuccessor is the least key above the prefix range", "[storage][keys]") {
  CHECK(PrefixSuccessor("abc") == "abd");
  CHECK(PrefixSuccessor(std::string("a\xff", 2)) == "b");
  CHECK(PrefixSuccessor(std::string("\xff\xff", 2)).empty());
}

TEST_CASE("Group and stream records round-trip", "[storage][keys]") {
  LogGroupInfo g;
  g.id = 77;
  g.creation_time_ms = 1700000000123;
  g.retention_days = 30;
  g.log_group_class = "INFREQUENT_ACCESS";
  g.kms_key_id = "arn:aws:kms:us-east-1:000000000000:key/abc";
  g.deletion_protection = true;
  g.bearer_token_authentication = true;
  g.stored_bytes = 123456789;
  g.metric_filter_count = 3;
  g.tags = {{"env", "prod"}, {"team", ""}};
  LogGroupInfo back;
  REQUIRE(DecodeGroupRecord(EncodeGroupRecord(g), &back));
  CHECK(back.id == g.id);
  CHECK(back.creation_time_ms == g.creation_time_ms);
  CHECK(back.retention_days == g.retention_days);
  CHECK(back.log_group_class == g.log_group_class);
  CHECK(back.kms_key_id == g.kms_key_id);
  CHECK(back.deletion_protection);
  CHECK(back.bearer_token_authentication);
  CHECK(back.stored_bytes == g.stored_bytes);
  CHECK(back.metric_filter_count == 3);
  CHECK(back.tags == g.tags);

  LogGroupInfo plain;
  plain.id = 1;
  REQUIRE(DecodeGroupRecord(EncodeGroupRecord(plain), &back));
  CHECK_FALSE(back.retention_days);
  CHECK_FALSE(back.kms_key_id);
  CHECK_FALSE(back.deletion_protection);
  CHECK_FALSE(back.bearer_token_authentication);
  CHECK(back.tags.empty());
  std::string bad = EncodeGroupRecord(g);
  bad.resize(bad.size() - 2);
  CHECK_FALSE(DecodeGroupRecord(bad, &back));

  LogStreamInfo s;
  s.id = 9;
  s.creation_time_ms = 5;
  s.first_event_timestamp = -3;
  s.last_event_timestamp = 1700000000000;
  s.last_ingestion_time = 1700000000001;
  s.upload_sequence = 99;
  LogStreamInfo sback;
  REQUIRE(DecodeStreamRecord(EncodeStreamRecord(s), &sback));
  CHECK(sback.id == 9);
  CHECK(sback.first_event_timestamp == -3);
  CHECK(sback.last_event_timestamp == 1700000000000);
  CHECK(sback.last_ingestion_time == 1700000000001);
  CHECK(sback.upload_sequence == 99);
  LogStreamInfo empty;
  REQUIRE(DecodeStreamRecord(EncodeStreamRecord(empty), &sback));
  CHECK_FALSE(sback.first_event_timestamp);
  CHECK_FALSE(sback.last_ingestion_time);
}

TEST_CASE("Chunks round-trip, compressed and plain", "[storage][keys]") {
  auto size = GENERATE(1, 3, 1000);
  std::vector<InputEvent> events;
  int64_t ts = 1700000000000;
  for (int i = 0; i < size; ++i) {
    ts += i % 4;
    events.push_back({ts, "127.0.0.1 - - [GET /index.html HTTP/1.1] 200 " + std::to_string(i) +
                              std::string(static_cast<size_t>(i % 50), 'x') + " 🙀"});
  }
  std::string payload = EncodeChunk(5, 1700000000999, events.front().timestamp, events);
  if (size == 1000) CHECK(payload[0] == 1);  // LZ4
  if (size == 1) CHECK(payload[0] == 0);     // too small to bother
  DecodedChunk chunk;
  REQUIRE(DecodeChunk(payload, events.front().timestamp, &chunk));
  CHECK(chunk.stream_id == 5);
  CHECK(chunk.ingestion_time == 1700000000999);
  REQUIRE(chunk.events.size() == events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(chunk.events[i].timestamp == events[i].timestamp);
    CHECK(chunk.message(i) == events[i].message);
  }
  std::string truncated = payload.substr(0, payload.size() - 1);
  DecodedChunk bad;
  CHECK_FALSE(DecodeChunk(truncated, events.front().timestamp, &bad));
}

TEST_CASE("Chunk info round-trips", "[storage][keys]") {
  ChunkInfo info{12, 1700000086400000, 1000, 170000};
  ChunkInfo back;
  REQUIRE(DecodeChunkInfo(EncodeChunkInfo(info, 1700000000000), 1700000000000, &back));
  CHECK(back.stream_id == 12);
  CHECK(back.max_timestamp == info.max_timestamp);
  CHECK(back.count == 1000);
  CHECK(back.message_bytes == 170000);
}

}  // namespace
}  // namespace cwlogd::storage::keys
