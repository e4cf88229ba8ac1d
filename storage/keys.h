// The one codec for every byte cwlogd persists: RocksDB keys (big-endian, so byte order is
// sort order and time order) and the small binary records stored as values. The layout is
// described in docs/storage-format.md. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/log_store.h"
#include "storage/query_definition_store.h"
#include "storage/resource_store.h"
#include "storage/subscription_store.h"

namespace cwlogd::storage::keys {

// ---------------------------------------------------------------------------------------------
// Primitive encodings.

void PutFixed64BE(std::string* dst, uint64_t v);
uint64_t DecodeFixed64BE(const char* p);  // reads 8 bytes
void PutVarint64(std::string* dst, uint64_t v);
// Consumes a varint from the front of *in. False if truncated or longer than 10 bytes.
bool GetVarint64(std::string_view* in, uint64_t* v);
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
// Signed timestamps as unsigned with the sign bit flipped, so big-endian bytes sort like the
// signed values (negative before positive).
inline uint64_t OrderedTimestamp(int64_t ts) {
  return static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63);
}
inline int64_t TimestampFromOrdered(uint64_t v) {
  return static_cast<int64_t>(v ^ (uint64_t{1} << 63));
}

// ---------------------------------------------------------------------------------------------
// Column family names.  // DO NOT CHANGE: on-disk
inline constexpr std::string_view kMetaCf = "meta";      // DO NOT CHANGE: on-disk
inline constexpr std::string_view kIndexCf = "index";    // DO NOT CHANGE: on-disk
inline constexpr std::string_view kEventsCf = "events";  // DO NOT CHANGE: on-disk

// ---------------------------------------------------------------------------------------------
// "meta" CF keys. The first byte is the record type.
inline constexpr char kMarkerTag = 0x00;           // DO NOT CHANGE: on-disk
inline constexpr char kCounterTag = 0x01;          // DO NOT CHANGE: on-disk
inline constexpr char kGroupTag = 0x02;            // DO NOT CHANGE: on-disk
inline constexpr char kStreamTag = 0x03;           // DO NOT CHANGE: on-disk
inline constexpr char kStreamIdTag = 0x04;         // DO NOT CHANGE: on-disk
inline constexpr char kStreamTimeTag = 0x05;       // DO NOT CHANGE: on-disk
inline constexpr char kResourceTag = 0x06;         // DO NOT CHANGE: on-disk
inline constexpr char kQueryDefinitionTag = 0x07;  // DO NOT CHANGE: on-disk

// 0x00 <marker name> -> empty. Set once a data dir holds a structure built from older data
// (e.g. an index added by a later version); survives Reset().
std::string MarkerKey(std::string_view name);
// Every stream record has its StreamTimeKey (built on the first open of an older data dir).
inline constexpr std::string_view kStreamTimeIndexMarker = "stream-time-index";  // DO NOT CHANGE

enum class Counter : char {  // DO NOT CHANGE: on-disk (the byte after kCounterTag)
  kGroupId = 'g',
  kStreamId = 's',
  kSequence = 'q',
};
// 0x01 <counter>. Value: fixed64 BE, the first value NOT yet handed out.
std::string CounterKey(Counter c);

// 0x02 <len8 account> <account> <len8 region> <region> <name bytes>. Within one partition,
// keys sort by the raw bytes of the name, which is what ListLogGroups needs.
std::string GroupKeyPrefix(const Partition& p);
std::string GroupKey(const Partition& p, std::string_view name);
bool ParseGroupKey(std::string_view key, Partition* p, std::string* name);

// 0x03 <group id BE8> <stream name bytes>.
std::string StreamKeyPrefix(uint64_t group_id);
std::string StreamKey(uint64_t group_id, std::string_view name);

// 0x04 <group id BE8> <stream id BE8> -> stream name bytes. Lets a group scan name the stream
// of a chunk without loading every stream record of the group.
std::string StreamIdKey(uint64_t group_id, uint64_t stream_id);
std::string StreamIdKeyPrefix(uint64_t group_id);
bool ParseStreamKey(std::string_view key, uint64_t* group_id, std::string_view* name);

// 0x05 <group id BE8> <TS8 last event time> <stream name bytes> -> empty. A group's streams in
// DescribeLogStreams' orderBy=LastEventTime order: (last event time, name), a stream without
// events at time 0. Written in the same batch as the stream record it mirrors.
std::string StreamTimeKeyPrefix(uint64_t group_id);
std::string StreamTimeKey(uint64_t group_id, int64_t last_event_time, std::string_view name);
bool ParseStreamTimeKey(std::string_view key, uint64_t* group_id, int64_t* last_event_time,
                        std::string_view* name);
// The time a stream is listed at in that order.
inline int64_t StreamListTime(const LogStreamInfo& s) { return s.last_event_timestamp.value_or(0); }

// 0x06 <kind> <len8 account> <account> <len8 region> <region> <name bytes>
//   -> EncodeResourceRecord. One key family per ResourceKind (the byte after the tag, the
// kind's enum value): the records of storage/resource_store.h. Within one (kind, partition),
// keys sort by the raw bytes of the name.
std::string ResourceKeyPrefix(ResourceKind kind, const Partition& p);
std::string ResourceKey(ResourceKind kind, const Partition& p, std::string_view name);
bool ParseResourceKey(std::string_view key, ResourceKind* kind, Partition* p, std::string* name);
// 0x07 <len8 account> <account> <len8 region> <region> <definition id bytes> -> query
// definition record (EncodeQueryDefinition). Saved Logs Insights queries, per partition.
std::string QueryDefinitionPrefix(const Partition& p);
std::string QueryDefinitionKey(const Partition& p, std::string_view id);

// ---------------------------------------------------------------------------------------------
// Chunks: one PutLogEvents batch. A chunk is named by its group, its smallest timestamp and
// the batch sequence (global, increasing, never reused).
struct ChunkId {
  uint64_t group_id = 0;
  int64_t min_timestamp = 0;
  uint64_t sequence = 0;
  auto operator<=>(const ChunkId&) const = default;
};

// "events" CF: <group id BE8> <ordered min ts BE8> <sequence BE8>  -> chunk payload.
inline constexpr size_t kChunkKeySize = 24;
std::string ChunkKey(const ChunkId& id);
bool ParseChunkKey(std::string_view key, ChunkId* id);
// [GroupChunksBegin(g), GroupChunksBegin(g + 1)) holds every chunk of group g.
std::string GroupChunksBegin(uint64_t group_id);

// "index" CF, group directory: 'D' <group id BE8> <ordered min ts BE8> <sequence BE8>
//   -> ChunkInfo, then the chunk's term sketch (storage/term_sketch.h) when it has one
inline constexpr char kDirTag = 'D';  // DO NOT CHANGE: on-disk
std::string DirKey(const ChunkId& id);
bool ParseDirKey(std::string_view key, ChunkId* id);
std::string DirPrefix(uint64_t group_id);  // 'D' <group id BE8>

// "index" CF, per-stream index:
// 'S' <group id BE8> <stream id BE8> <ordered min ts BE8> <sequence BE8> -> ChunkInfo
inline constexpr char kStreamIndexTag = 'S';  // DO NOT CHANGE: on-disk
std::string StreamIndexKey(uint64_t stream_id, const ChunkId& id);
bool ParseStreamIndexKey(std::string_view key, uint64_t* stream_id, ChunkId* id);
std::string StreamIndexPrefix(uint64_t group_id, uint64_t stream_id);
std::string GroupStreamIndexPrefix(uint64_t group_id);  // 'S' <group id BE8>

// "index" CF, subscription outbox (storage/subscription_store.h): a batch stored while its group
// had a subscription filter, kept until every filter of the group delivered it:
// 'O' <group id BE8> <sequence BE8> -> <ordered min ts BE8> (with the key: the batch's ChunkId)
inline constexpr char kOutboxTag = 'O';  // DO NOT CHANGE: on-disk
std::string OutboxKey(const ChunkId& id);
bool ParseOutboxEntry(std::string_view key, std::string_view value, ChunkId* id);
std::string OutboxValue(const ChunkId& id);
std::string OutboxPrefix(uint64_t group_id);  // 'O' <group id BE8>

// "index" CF, subscription cursors: 'C' <group id BE8> <filter name bytes> -> EncodeCursor.
inline constexpr char kCursorTag = 'C';  // DO NOT CHANGE: on-disk
std::string CursorKey(uint64_t group_id, std::string_view filter);
std::string CursorPrefix(uint64_t group_id);  // 'C' <group id BE8>
// Version byte 0x01, varint sequence, varint event index, byte control pending (0/1).
std::string EncodeCursor(const SubscriptionCursor& c);
bool DecodeCursor(std::string_view in, SubscriptionCursor* c);

// The ResourceKey name of a subscription filter: <group> '\0' <filter>; a group's filters are the
// names starting with SubscriptionFilterName(group, "").
std::string SubscriptionFilterName(std::string_view group, std::string_view filter);
// Splits such a name; false when it has no '\0'.
bool SplitSubscriptionFilterName(std::string_view name, std::string_view* group,
                                 std::string_view* filter);

// The smallest key strictly greater than every key starting with `prefix` ("" if none).
std::string PrefixSuccessor(std::string_view prefix);

// ---------------------------------------------------------------------------------------------
// Values.

// What the index knows about a chunk without reading it.
struct ChunkInfo {
  uint64_t stream_id = 0;
  int64_t max_timestamp = 0;
  uint32_t count = 0;
  uint64_t message_bytes = 0;  // sum of message sizes: the chunk's share of stored_bytes
};
// varint stream id, varint (max - min) ts, varint count, varint bytes.
std::string EncodeChunkInfo(const ChunkInfo& info, int64_t min_timestamp);
// `rest`, when given, receives the bytes after the ChunkInfo (a directory entry's term sketch).
bool DecodeChunkInfo(std::string_view value, int64_t min_timestamp, ChunkInfo* info,
                     std::string_view* rest = nullptr);

// Group record (value of GroupKey). `name` is not stored (it is in the key).
std::string EncodeGroupRecord(const LogGroupInfo& g);
bool DecodeGroupRecord(std::string_view in, LogGroupInfo* g);

// Stream record (value of StreamKey). `name` is not stored.
std::string EncodeStreamRecord(const LogStreamInfo& s);
bool DecodeStreamRecord(std::string_view in, LogStreamInfo* s);

// Resource record (value of ResourceKey), version 0x01. `name` is not stored.
// 0x01, zigzag creation time, zigzag last update, varint revision, varint field count, then
// (string name, string value) per field, varint tag count, then (key, value) per tag; strings
// are varint length + bytes.
std::string EncodeResourceRecord(const ResourceRecord& r);
bool DecodeResourceRecord(std::string_view in, ResourceRecord* r);
// Query definition record (value of QueryDefinitionKey; the id is in the key): version byte
// 0x01, varint last modified ms, then length-prefixed (varint) name, query string and query
// language, varint count + length-prefixed log group names, varint count + per parameter the
// name and two optional strings (a presence byte 0/1, then the length-prefixed text).
// Version 0x02 (written when client_token is set): the same, then the length-prefixed token.
std::string EncodeQueryDefinition(const QueryDefinition& d);
bool DecodeQueryDefinition(std::string_view in, QueryDefinition* d);

// Chunk payload. Events must be non-empty and in non-decreasing timestamp order.
// Payload: format byte (0 = plain body, 1 = LZ4 block of the body, preceded by varint body
// size). Body: varint stream id, zigzag ingestion time, varint count, then per event
// varint (ts - previous ts, the first relative to min ts), varint length, message bytes.
std::string EncodeChunk(uint64_t stream_id, int64_t ingestion_time, int64_t min_timestamp,
                        std::span<const InputEvent> events);

struct DecodedEvent {
  int64_t timestamp = 0;
  uint32_t offset = 0;  // into DecodedChunk::body
  uint32_t size = 0;
};
struct DecodedChunk {
  uint64_t stream_id = 0;
  int64_t ingestion_time = 0;
  // Decompressed body when the payload was compressed. Reused across DecodeChunk calls and
  // not zero-filled (a std::string would memset every byte before LZ4 overwrites it).
  std::unique_ptr<char[]> owned;
  size_t owned_capacity = 0;
  std::string_view body;  // points into `owned` or into the payload passed to DecodeChunk
  std::vector<DecodedEvent> events;
  std::string_view message(size_t i) const { return body.substr(events[i].offset, events[i].size); }
};
// The payload must outlive `out` when it was stored uncompressed. False on corruption.
bool DecodeChunk(std::string_view payload, int64_t min_timestamp, DecodedChunk* out);
// DecodeChunk in two steps, for scans that look at the body before paying for its events:
// DecompressChunk sets out->body (and nothing else), ParseChunkBody the rest.
bool DecompressChunk(std::string_view payload, DecodedChunk* out);
bool ParseChunkBody(int64_t min_timestamp, DecodedChunk* out);
// Copies a body that points into the payload (stored uncompressed) into out->owned, so the
// chunk no longer needs the payload.
void OwnChunkBody(DecodedChunk* out);

}  // namespace cwlogd::storage::keys
