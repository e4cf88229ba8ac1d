// Key and record codec. Every layout here is persisted: see docs/storage-format.md before
// touching anything marked DO NOT CHANGE.
#include "storage/keys.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <lz4.h>

namespace cwlogd::storage::keys {
namespace {

// Payload format byte of a chunk.
constexpr char kChunkPlain = 0;  // DO NOT CHANGE: on-disk
constexpr char kChunkLz4 = 1;    // DO NOT CHANGE: on-disk
// Bodies smaller than this are left to RocksDB's block compression: LZ4 on a few hundred
// bytes gains little and costs a header.
constexpr size_t kMinBytesToCompress = 1024;

// Record versions (first byte of group / stream records).
constexpr char kGroupRecordV1 = 1;     // DO NOT CHANGE: on-disk
constexpr char kStreamRecordV1 = 1;    // DO NOT CHANGE: on-disk
constexpr char kResourceRecordV1 = 1;  // DO NOT CHANGE: on-disk

// Group record flag bits.  // DO NOT CHANGE: on-disk
constexpr uint64_t kHasRetention = 1;
constexpr uint64_t kHasKmsKey = 2;
constexpr uint64_t kDeletionProtection = 4;
constexpr uint64_t kBearerTokenAuthentication = 8;
// Stream record flag bits.  // DO NOT CHANGE: on-disk
constexpr uint64_t kHasFirstEvent = 1;
constexpr uint64_t kHasLastEvent = 2;
constexpr uint64_t kHasLastIngestion = 4;

void PutString(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s);
}

bool GetString(std::string_view* in, std::string* out) {
  uint64_t n = 0;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  out->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

bool GetSigned(std::string_view* in, int64_t* v) {
  uint64_t u = 0;
  if (!GetVarint64(in, &u)) return false;
  *v = UnZigZag(u);
  return true;
}

void PutChunkIdTail(std::string* dst, const ChunkId& id) {
  PutFixed64BE(dst, OrderedTimestamp(id.min_timestamp));  // DO NOT CHANGE: on-disk
  PutFixed64BE(dst, id.sequence);                         // DO NOT CHANGE: on-disk
}

}  // namespace

void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

void PutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}

bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0; i < in->size() && i < 10; ++i) {
    uint64_t byte = static_cast<unsigned char>((*in)[i]);
    result |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}

std::string CounterKey(Counter c) {
  std::string k;
  k.push_back(kCounterTag);           // DO NOT CHANGE: on-disk
  k.push_back(static_cast<char>(c));  // DO NOT CHANGE: on-disk
  return k;
}

std::string GroupKeyPrefix(const Partition& p) {
  std::string k;
  k.push_back(kGroupTag);  // DO NOT CHANGE: on-disk
  // Length bytes keep (account, region) unambiguous whatever they contain; both are short.
  k.push_back(
      static_cast<char>(std::min<size_t>(p.account.size(), 255)));  // DO NOT CHANGE: on-disk
  k.append(p.account.substr(0, 255));
  k.push_back(static_cast<char>(std::min<size_t>(p.region.size(), 255)));  // DO NOT CHANGE: on-disk
  k.append(p.region.substr(0, 255));
  return k;
}

std::string GroupKey(const Partition& p, std::string_view name) {
  std::string k = GroupKeyPrefix(p);
  k.append(name);  // DO NOT CHANGE: on-disk
  return k;
}

std::string ResourceKeyPrefix(ResourceKind kind, const Partition& p) {
  // The group key's partition encoding, after the resource tag and the kind byte.
  std::string k = GroupKeyPrefix(p);
  k[0] = static_cast<char>(kind);     // DO NOT CHANGE: on-disk
  k.insert(k.begin(), kResourceTag);  // DO NOT CHANGE: on-disk
  return k;
}

std::string ResourceKey(ResourceKind kind, const Partition& p, std::string_view name) {
  std::string k = ResourceKeyPrefix(kind, p);
  k.append(name);  // DO NOT CHANGE: on-disk
  return k;
}

bool ParseResourceKey(std::string_view key, ResourceKind* kind, Partition* p, std::string* name) {
  if (key.size() < 2 || key[0] != kResourceTag) return false;
  *kind = static_cast<ResourceKind>(key[1]);
  std::string group_key(key.substr(1));
  group_key[0] = kGroupTag;
  return ParseGroupKey(group_key, p, name);
}

std::string QueryDefinitionPrefix(const Partition& p) {
  std::string k = GroupKeyPrefix(p);
  k[0] = kQueryDefinitionTag;  // DO NOT CHANGE: on-disk (same partition bytes as a group key)
  return k;
}

std::string QueryDefinitionKey(const Partition& p, std::string_view id) {
  std::string k = QueryDefinitionPrefix(p);
  k.append(id);  // DO NOT CHANGE: on-disk
  return k;
}

bool ParseGroupKey(std::string_view key, Partition* p, std::string* name) {
  if (key.size() < 2 || key[0] != kGroupTag) return false;
  key.remove_prefix(1);
  auto part = [&key](std::string* out) {
    if (key.empty()) return false;
    size_t n = static_cast<unsigned char>(key[0]);
    if (key.size() < 1 + n) return false;
    out->assign(key.substr(1, n));
    key.remove_prefix(1 + n);
    return true;
  };
  if (!part(&p->account) || !part(&p->region)) return false;
  name->assign(key);
  return true;
}

std::string StreamKeyPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kStreamTag);     // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamKey(uint64_t group_id, std::string_view name) {
  std::string k = StreamKeyPrefix(group_id);
  k.append(name);  // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamIdKeyPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kStreamIdTag);   // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamIdKey(uint64_t group_id, uint64_t stream_id) {
  std::string k = StreamIdKeyPrefix(group_id);
  PutFixed64BE(&k, stream_id);  // DO NOT CHANGE: on-disk
  return k;
}

bool ParseStreamKey(std::string_view key, uint64_t* group_id, std::string_view* name) {
  if (key.size() < 9 || key[0] != kStreamTag) return false;
  *group_id = DecodeFixed64BE(key.data() + 1);
  *name = key.substr(9);
  return true;
}

std::string MarkerKey(std::string_view name) {
  std::string k;
  k.push_back(kMarkerTag);  // DO NOT CHANGE: on-disk
  k.append(name);           // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamTimeKeyPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kStreamTimeTag);  // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);   // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamTimeKey(uint64_t group_id, int64_t last_event_time, std::string_view name) {
  std::string k = StreamTimeKeyPrefix(group_id);
  PutFixed64BE(&k, OrderedTimestamp(last_event_time));  // DO NOT CHANGE: on-disk
  k.append(name);                                       // DO NOT CHANGE: on-disk
  return k;
}

bool ParseStreamTimeKey(std::string_view key, uint64_t* group_id, int64_t* last_event_time,
                        std::string_view* name) {
  if (key.size() < 17 || key[0] != kStreamTimeTag) return false;
  *group_id = DecodeFixed64BE(key.data() + 1);
  *last_event_time = TimestampFromOrdered(DecodeFixed64BE(key.data() + 9));
  *name = key.substr(17);
  return true;
}

std::string ChunkKey(const ChunkId& id) {
  std::string k;
  k.reserve(kChunkKeySize);
  PutFixed64BE(&k, id.group_id);  // DO NOT CHANGE: on-disk
  PutChunkIdTail(&k, id);
  return k;
}

bool ParseChunkKey(std::string_view key, ChunkId* id) {
  if (key.size() != kChunkKeySize) return false;
  id->group_id = DecodeFixed64BE(key.data());
  id->min_timestamp = TimestampFromOrdered(DecodeFixed64BE(key.data() + 8));
  id->sequence = DecodeFixed64BE(key.data() + 16);
  return true;
}

std::string GroupChunksBegin(uint64_t group_id) {
  std::string k;
  PutFixed64BE(&k, group_id);
  return k;
}

std::string DirPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kDirTag);        // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string DirKey(const ChunkId& id) {
  std::string k = DirPrefix(id.group_id);
  PutChunkIdTail(&k, id);
  return k;
}

bool ParseDirKey(std::string_view key, ChunkId* id) {
  if (key.size() != 1 + kChunkKeySize || key[0] != kDirTag) return false;
  return ParseChunkKey(key.substr(1), id);
}

std::string OutboxPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kOutboxTag);     // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string OutboxKey(const ChunkId& id) {
  std::string k = OutboxPrefix(id.group_id);
  PutFixed64BE(&k, id.sequence);  // DO NOT CHANGE: on-disk
  return k;
}

std::string OutboxValue(const ChunkId& id) {
  std::string v;
  PutFixed64BE(&v, OrderedTimestamp(id.min_timestamp));  // DO NOT CHANGE: on-disk
  return v;
}

bool ParseOutboxEntry(std::string_view key, std::string_view value, ChunkId* id) {
  if (key.size() != 17 || key[0] != kOutboxTag || value.size() != 8) return false;
  id->group_id = DecodeFixed64BE(key.data() + 1);
  id->sequence = DecodeFixed64BE(key.data() + 9);
  id->min_timestamp = TimestampFromOrdered(DecodeFixed64BE(value.data()));
  return true;
}

std::string CursorPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kCursorTag);     // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string CursorKey(uint64_t group_id, std::string_view filter) {
  std::string k = CursorPrefix(group_id);
  k.append(filter);  // DO NOT CHANGE: on-disk
  return k;
}

std::string EncodeCursor(const SubscriptionCursor& c) {
  std::string v;
  v.push_back('\x01');  // DO NOT CHANGE: on-disk (version)
  PutVarint64(&v, c.sequence);
  PutVarint64(&v, c.event_index);
  v.push_back(c.control_pending ? '\x01' : '\x00');
  return v;
}

bool DecodeCursor(std::string_view in, SubscriptionCursor* c) {
  if (in.empty() || in[0] != '\x01') return false;
  in.remove_prefix(1);
  uint64_t seq = 0;
  uint64_t index = 0;
  if (!GetVarint64(&in, &seq) || !GetVarint64(&in, &index)) return false;
  if (index > std::numeric_limits<uint32_t>::max() || in.size() != 1 || (in[0] != 0 && in[0] != 1))
    return false;
  c->sequence = seq;
  c->event_index = static_cast<uint32_t>(index);
  c->control_pending = in[0] == 1;
  return true;
}

std::string SubscriptionFilterName(std::string_view group, std::string_view filter) {
  std::string name(group);
  name.push_back('\0');  // DO NOT CHANGE: on-disk
  name.append(filter);
  return name;
}

bool SplitSubscriptionFilterName(std::string_view name, std::string_view* group,
                                 std::string_view* filter) {
  size_t zero = name.find('\0');
  if (zero == std::string_view::npos) return false;
  *group = name.substr(0, zero);
  *filter = name.substr(zero + 1);
  return true;
}

std::string GroupStreamIndexPrefix(uint64_t group_id) {
  std::string k;
  k.push_back(kStreamIndexTag);  // DO NOT CHANGE: on-disk
  PutFixed64BE(&k, group_id);    // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamIndexPrefix(uint64_t group_id, uint64_t stream_id) {
  std::string k = GroupStreamIndexPrefix(group_id);
  PutFixed64BE(&k, stream_id);  // DO NOT CHANGE: on-disk
  return k;
}

std::string StreamIndexKey(uint64_t stream_id, const ChunkId& id) {
  std::string k = StreamIndexPrefix(id.group_id, stream_id);
  PutChunkIdTail(&k, id);
  return k;
}

bool ParseStreamIndexKey(std::string_view key, uint64_t* stream_id, ChunkId* id) {
  if (key.size() != 1 + 8 + kChunkKeySize || key[0] != kStreamIndexTag) return false;
  id->group_id = DecodeFixed64BE(key.data() + 1);
  *stream_id = DecodeFixed64BE(key.data() + 9);
  id->min_timestamp = TimestampFromOrdered(DecodeFixed64BE(key.data() + 17));
  id->sequence = DecodeFixed64BE(key.data() + 25);
  return true;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xff) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string EncodeChunkInfo(const ChunkInfo& info, int64_t min_timestamp) {
  std::string v;
  PutVarint64(&v, info.stream_id);  // DO NOT CHANGE: on-disk
  PutVarint64(&v,
              static_cast<uint64_t>(info.max_timestamp - min_timestamp));  // DO NOT CHANGE: on-disk
  PutVarint64(&v, info.count);                                             // DO NOT CHANGE: on-disk
  PutVarint64(&v, info.message_bytes);                                     // DO NOT CHANGE: on-disk
  return v;
}

bool DecodeChunkInfo(std::string_view value, int64_t min_timestamp, ChunkInfo* info,
                     std::string_view* rest) {
  uint64_t span = 0, count = 0;
  if (!GetVarint64(&value, &info->stream_id) || !GetVarint64(&value, &span) ||
      !GetVarint64(&value, &count) || !GetVarint64(&value, &info->message_bytes)) {
    return false;
  }
  if (count > std::numeric_limits<uint32_t>::max()) return false;
  info->max_timestamp = min_timestamp + static_cast<int64_t>(span);
  info->count = static_cast<uint32_t>(count);
  if (rest != nullptr) *rest = value;
  return true;
}

std::string EncodeGroupRecord(const LogGroupInfo& g) {
  std::string v;
  v.push_back(kGroupRecordV1);  // DO NOT CHANGE: on-disk
  uint64_t flags = (g.retention_days ? kHasRetention : 0) | (g.kms_key_id ? kHasKmsKey : 0) |
                   (g.deletion_protection ? kDeletionProtection : 0) |
                   (g.bearer_token_authentication ? kBearerTokenAuthentication : 0);
  PutVarint64(&v, flags);                                            // DO NOT CHANGE: on-disk
  PutVarint64(&v, g.id);                                             // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(g.creation_time_ms));                       // DO NOT CHANGE: on-disk
  if (g.retention_days) PutVarint64(&v, ZigZag(*g.retention_days));  // DO NOT CHANGE: on-disk
  PutString(&v, g.log_group_class);                                  // DO NOT CHANGE: on-disk
  if (g.kms_key_id) PutString(&v, *g.kms_key_id);                    // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(g.stored_bytes));                           // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(g.metric_filter_count));                    // DO NOT CHANGE: on-disk
  PutVarint64(&v, g.tags.size());                                    // DO NOT CHANGE: on-disk
  for (const auto& [k, val] : g.tags) {
    PutString(&v, k);
    PutString(&v, val);
  }
  return v;
}

std::string EncodeResourceRecord(const ResourceRecord& r) {
  std::string v;
  v.push_back(kResourceRecordV1);                 // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(r.creation_time_ms));    // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(r.last_updated_ms));     // DO NOT CHANGE: on-disk
  PutVarint64(&v, r.revision);                    // DO NOT CHANGE: on-disk
  for (const auto* map : {&r.fields, &r.tags}) {  // DO NOT CHANGE: on-disk (fields, then tags)
    PutVarint64(&v, map->size());
    for (const auto& [k, val] : *map) {
      PutString(&v, k);
      PutString(&v, val);
    }
  }
  return v;
}

bool DecodeResourceRecord(std::string_view in, ResourceRecord* r) {
  if (in.empty() || in[0] != kResourceRecordV1) return false;
  in.remove_prefix(1);
  if (!GetSigned(&in, &r->creation_time_ms) || !GetSigned(&in, &r->last_updated_ms) ||
      !GetVarint64(&in, &r->revision)) {
    return false;
  }
  for (auto* map : {&r->fields, &r->tags}) {
    map->clear();
    uint64_t n = 0;
    if (!GetVarint64(&in, &n) || n > in.size()) return false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string k, val;
      if (!GetString(&in, &k) || !GetString(&in, &val)) return false;
      (*map)[std::move(k)] = std::move(val);
    }
  }
  return in.empty();
}

bool DecodeGroupRecord(std::string_view in, LogGroupInfo* g) {
  if (in.empty() || in[0] != kGroupRecordV1) return false;
  in.remove_prefix(1);
  uint64_t flags = 0, n = 0;
  int64_t s = 0;
  if (!GetVarint64(&in, &flags) || !GetVarint64(&in, &g->id) ||
      !GetSigned(&in, &g->creation_time_ms)) {
    return false;
  }
  g->retention_days.reset();
  if (flags & kHasRetention) {
    if (!GetSigned(&in, &s)) return false;
    g->retention_days = static_cast<int32_t>(s);
  }
  if (!GetString(&in, &g->log_group_class)) return false;
  g->kms_key_id.reset();
  if (flags & kHasKmsKey) {
    std::string kms;
    if (!GetString(&in, &kms)) return false;
    g->kms_key_id = std::move(kms);
  }
  g->deletion_protection = (flags & kDeletionProtection) != 0;
  g->bearer_token_authentication = (flags & kBearerTokenAuthentication) != 0;
  if (!GetSigned(&in, &g->stored_bytes) || !GetSigned(&in, &s) || !GetVarint64(&in, &n)) {
    return false;
  }
  g->metric_filter_count = static_cast<int32_t>(s);
  g->tags.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, val;
    if (!GetString(&in, &k) || !GetString(&in, &val)) return false;
    g->tags.emplace(std::move(k), std::move(val));
  }
  return true;
}

std::string EncodeStreamRecord(const LogStreamInfo& s) {
  std::string v;
  v.push_back(kStreamRecordV1);  // DO NOT CHANGE: on-disk
  uint64_t flags = (s.first_event_timestamp ? kHasFirstEvent : 0) |
                   (s.last_event_timestamp ? kHasLastEvent : 0) |
                   (s.last_ingestion_time ? kHasLastIngestion : 0);
  PutVarint64(&v, flags);                       // DO NOT CHANGE: on-disk
  PutVarint64(&v, s.id);                        // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(s.creation_time_ms));  // DO NOT CHANGE: on-disk
  if (s.first_event_timestamp) PutVarint64(&v, ZigZag(*s.first_event_timestamp));
  if (s.last_event_timestamp) PutVarint64(&v, ZigZag(*s.last_event_timestamp));
  if (s.last_ingestion_time) PutVarint64(&v, ZigZag(*s.last_ingestion_time));
  PutVarint64(&v, s.upload_sequence);  // DO NOT CHANGE: on-disk
  return v;
}

bool DecodeStreamRecord(std::string_view in, LogStreamInfo* s) {
  if (in.empty() || in[0] != kStreamRecordV1) return false;
  in.remove_prefix(1);
  uint64_t flags = 0;
  if (!GetVarint64(&in, &flags) || !GetVarint64(&in, &s->id) ||
      !GetSigned(&in, &s->creation_time_ms)) {
    return false;
  }
  auto opt = [&](uint64_t bit, std::optional<int64_t>* field) {
    field->reset();
    if (!(flags & bit)) return true;
    int64_t v = 0;
    if (!GetSigned(&in, &v)) return false;
    *field = v;
    return true;
  };
  if (!opt(kHasFirstEvent, &s->first_event_timestamp) ||
      !opt(kHasLastEvent, &s->last_event_timestamp) ||
      !opt(kHasLastIngestion, &s->last_ingestion_time)) {
    return false;
  }
  return GetVarint64(&in, &s->upload_sequence);
}

std::string EncodeChunk(uint64_t stream_id, int64_t ingestion_time, int64_t min_timestamp,
                        std::span<const InputEvent> events) {
  size_t raw = 32;
  for (const auto& e : events) raw += e.message.size() + 8;
  std::string body;
  body.reserve(raw);
  PutVarint64(&body, stream_id);               // DO NOT CHANGE: on-disk
  PutVarint64(&body, ZigZag(ingestion_time));  // DO NOT CHANGE: on-disk
  PutVarint64(&body, events.size());           // DO NOT CHANGE: on-disk
  int64_t prev = min_timestamp;
  for (const auto& e : events) {
    PutVarint64(&body, static_cast<uint64_t>(e.timestamp - prev));  // DO NOT CHANGE: on-disk
    PutVarint64(&body, e.message.size());                           // DO NOT CHANGE: on-disk
    body.append(e.message);
    prev = e.timestamp;
  }

  std::string out;
  if (body.size() >= kMinBytesToCompress && body.size() <= LZ4_MAX_INPUT_SIZE) {
    int bound = LZ4_compressBound(static_cast<int>(body.size()));
    out.resize(1 + 10 + static_cast<size_t>(bound));
    out[0] = kChunkLz4;  // DO NOT CHANGE: on-disk
    std::string size_prefix;
    PutVarint64(&size_prefix, body.size());  // DO NOT CHANGE: on-disk
    out.replace(1, size_prefix.size(), size_prefix);
    size_t header = 1 + size_prefix.size();
    int n = LZ4_compress_default(body.data(), out.data() + header, static_cast<int>(body.size()),
                                 bound);
    // Keep the compressed form only when it saves at least 1/8 (RocksDB's own rule).
    if (n > 0 && static_cast<size_t>(n) < body.size() - body.size() / 8) {
      out.resize(header + static_cast<size_t>(n));
      return out;
    }
  }
  out.clear();
  out.reserve(body.size() + 1);
  out.push_back(kChunkPlain);  // DO NOT CHANGE: on-disk
  out.append(body);
  return out;
}

bool DecodeChunk(std::string_view payload, int64_t min_timestamp, DecodedChunk* out) {
  return DecompressChunk(payload, out) && ParseChunkBody(min_timestamp, out);
}

namespace {

// Makes out->owned hold at least `size` bytes (contents not kept, not zero-filled).
void ReserveOwned(DecodedChunk* out, size_t size) {
  if (out->owned_capacity >= size) return;
  out->owned_capacity = std::max<size_t>(size, 2 * out->owned_capacity);
  out->owned = std::make_unique_for_overwrite<char[]>(out->owned_capacity);
}

}  // namespace

bool DecompressChunk(std::string_view payload, DecodedChunk* out) {
  if (payload.empty()) return false;
  char format = payload[0];
  payload.remove_prefix(1);
  if (format == kChunkLz4) {
    uint64_t size = 0;
    if (!GetVarint64(&payload, &size) || size > LZ4_MAX_INPUT_SIZE) return false;
    ReserveOwned(out, size);
    int n = LZ4_decompress_safe(payload.data(), out->owned.get(), static_cast<int>(payload.size()),
                                static_cast<int>(size));
    if (n < 0 || static_cast<uint64_t>(n) != size) return false;
    out->body = std::string_view(out->owned.get(), size);
  } else if (format == kChunkPlain) {
    out->body = payload;
  } else {
    return false;
  }
  return true;
}

void OwnChunkBody(DecodedChunk* out) {
  if (out->body.empty() || out->body.data() == out->owned.get()) return;
  ReserveOwned(out, out->body.size());
  std::memcpy(out->owned.get(), out->body.data(), out->body.size());
  out->body = std::string_view(out->owned.get(), out->body.size());
}

bool ParseChunkBody(int64_t min_timestamp, DecodedChunk* out) {
  std::string_view in = out->body;
  uint64_t ingestion = 0, count = 0;
  if (!GetVarint64(&in, &out->stream_id) || !GetVarint64(&in, &ingestion) ||
      !GetVarint64(&in, &count) || count > in.size()) {
    return false;
  }
  out->ingestion_time = UnZigZag(ingestion);
  out->events.clear();
  out->events.reserve(count);
  int64_t ts = min_timestamp;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t delta = 0, len = 0;
    if (!GetVarint64(&in, &delta) || !GetVarint64(&in, &len) || len > in.size()) return false;
    ts += static_cast<int64_t>(delta);
    auto offset = static_cast<uint32_t>(in.data() - out->body.data());
    out->events.push_back({ts, offset, static_cast<uint32_t>(len)});
    in.remove_prefix(len);
  }
  return in.empty();
}

namespace {
constexpr char kQueryDefinitionV1 = 0x01;  // DO NOT CHANGE: on-disk
// v1 followed by the client token of the request that wrote the record.
constexpr char kQueryDefinitionV2 = 0x02;  // DO NOT CHANGE: on-disk

void PutOptionalString(std::string* v, const std::optional<std::string>& s) {
  v->push_back(s ? 1 : 0);  // DO NOT CHANGE: on-disk
  if (s) PutString(v, *s);
}

bool GetOptionalString(std::string_view* in, std::optional<std::string>* out) {
  if (in->empty()) return false;
  char present = (*in)[0];
  in->remove_prefix(1);
  out->reset();
  if (present == 0) return true;
  if (present != 1) return false;
  std::string s;
  if (!GetString(in, &s)) return false;
  *out = std::move(s);
  return true;
}
}  // namespace

std::string EncodeQueryDefinition(const QueryDefinition& d) {
  std::string v;
  // Without a token the record stays v1, readable by the versions before v2.
  const char version = d.client_token.empty() ? kQueryDefinitionV1 : kQueryDefinitionV2;
  v.push_back(version);                         // DO NOT CHANGE: on-disk
  PutVarint64(&v, ZigZag(d.last_modified_ms));  // DO NOT CHANGE: on-disk
  PutString(&v, d.name);                        // DO NOT CHANGE: on-disk
  PutString(&v, d.query_string);                // DO NOT CHANGE: on-disk
  PutString(&v, d.query_language);              // DO NOT CHANGE: on-disk
  PutVarint64(&v, d.log_group_names.size());    // DO NOT CHANGE: on-disk
  for (const auto& g : d.log_group_names) PutString(&v, g);
  PutVarint64(&v, d.parameters.size());  // DO NOT CHANGE: on-disk
  for (const auto& p : d.parameters) {
    PutString(&v, p.name);                   // DO NOT CHANGE: on-disk
    PutOptionalString(&v, p.default_value);  // DO NOT CHANGE: on-disk
    PutOptionalString(&v, p.description);    // DO NOT CHANGE: on-disk
  }
  if (!d.client_token.empty()) PutString(&v, d.client_token);  // DO NOT CHANGE: on-disk (v2)
  return v;
}

bool DecodeQueryDefinition(std::string_view in, QueryDefinition* d) {
  if (in.empty() || (in[0] != kQueryDefinitionV1 && in[0] != kQueryDefinitionV2)) return false;
  const bool has_token = in[0] == kQueryDefinitionV2;
  in.remove_prefix(1);
  uint64_t n = 0;
  if (!GetSigned(&in, &d->last_modified_ms) || !GetString(&in, &d->name) ||
      !GetString(&in, &d->query_string) || !GetString(&in, &d->query_language) ||
      !GetVarint64(&in, &n) || n > in.size()) {
    return false;
  }
  d->log_group_names.assign(n, std::string());
  for (auto& g : d->log_group_names) {
    if (!GetString(&in, &g)) return false;
  }
  if (!GetVarint64(&in, &n) || n > in.size()) return false;
  d->parameters.assign(n, QueryParameter());
  for (auto& p : d->parameters) {
    if (!GetString(&in, &p.name) || !GetOptionalString(&in, &p.default_value) ||
        !GetOptionalString(&in, &p.description)) {
      return false;
    }
  }
  d->client_token.clear();
  if (has_token && (!GetString(&in, &d->client_token) || d->client_token.empty())) return false;
  return in.empty();
}

}  // namespace cwlogd::storage::keys
