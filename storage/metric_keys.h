// Key/value codec of the `metrics` column family (docs/storage-format.md, "metrics CF"): metric
// minute buckets, the metric index ListMetrics walks, and metric-filter definitions. Pure
// functions; thread-safe. Every persisted byte here is on-disk format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/log_store.h"
#include "storage/metric_store.h"

namespace cwlogd::storage::metric_keys {

inline constexpr std::string_view kMetricsCf = "metrics";  // DO NOT CHANGE: on-disk
inline constexpr char kBucketTag = 'B';                    // DO NOT CHANGE: on-disk
inline constexpr char kIndexTag = 'M';                     // DO NOT CHANGE: on-disk
inline constexpr char kFilterTag = 'F';                    // DO NOT CHANGE: on-disk
inline constexpr char kAlarmTag = 'A';                     // DO NOT CHANGE: on-disk
inline constexpr char kAlarmHistoryTag = 'H';              // DO NOT CHANGE: on-disk
inline constexpr char kAlarmOutboxTag = 'N';               // DO NOT CHANGE: on-disk

// Order-preserving string escape: 0x00 -> 0x00 0xFF, terminated by 0x00 0x01.
void AppendEscaped(std::string* out, std::string_view s);
// Reads one escaped string at *pos; false on malformed input.
bool ReadEscaped(std::string_view in, size_t* pos, std::string* out);

// 'B' partition metric TS8(minute) escaped(unit): one minute bucket.
std::string BucketPrefix(const Partition& p, const MetricId& metric);  // up to the minute
std::string BucketKey(const Partition& p, const MetricId& metric, int64_t minute_ms,
                      std::string_view unit);
// Parses the part after BucketPrefix: minute and unit.
bool ParseBucketSuffix(std::string_view suffix, int64_t* minute_ms, std::string* unit);

// 'M' partition metric: the metric index.
std::string IndexPrefix(const Partition& p);
std::string IndexKey(const Partition& p, const MetricId& metric);
// Parses the part after IndexPrefix.
bool ParseIndexSuffix(std::string_view suffix, MetricId* metric);
// The escaped metric itself (namespace, name, dimensions), as it appears in keys.
std::string EncodeMetricId(const MetricId& metric);

// 'F' BE8(group id) filter-name: one metric filter definition of a group.
std::string FilterPrefix(uint64_t group_id);
std::string FilterKey(uint64_t group_id, std::string_view filter_name);

// 'A' partition escaped(alarm name): one alarm record (value opaque, storage/alarm_store.h).
std::string AlarmPrefix(const Partition& p);
std::string AlarmKey(const Partition& p, std::string_view name);
// 'H' partition TS8(timestamp ms) BE8(sequence): one alarm history item.
// 'N' partition TS8(created ms) BE8(sequence): one pending alarm action (the outbox).
// For both, the part after the prefix (16 bytes) is the item's id.
std::string AlarmHistoryPrefix(const Partition& p);
std::string AlarmOutboxPrefix(const Partition& p);
std::string TimeSequenceId(int64_t ms, uint64_t sequence);
// The partition at the start of `key` (after its one-byte tag); *pos is left after it.
bool ReadPartition(std::string_view key, size_t* pos, Partition* p);

// Bucket value: 0x02, then SampleCount, Sum, Minimum, Maximum as little-endian IEEE doubles,
// then the distribution (MetricDistribution::EncodeTo). Version 0x01 (33 bytes, no distribution)
// is still read: its distribution is unknown.
inline constexpr size_t kAggregateValueSize = 33;  // version 1; the fixed prefix of version 2
std::string EncodeAggregate(const MetricAggregate& a);
bool DecodeAggregate(std::string_view v, MetricAggregate* a);

// Index value: 0x01, TS8(last published ms).
std::string EncodeLastPublished(int64_t ms);
bool DecodeLastPublished(std::string_view v, int64_t* ms);

// Filter record (version 0x01); log_group and filter_name are not stored (the key says them).
std::string EncodeFilterRecord(const MetricFilterDefinition& d);
bool DecodeFilterRecord(std::string_view v, MetricFilterDefinition* d);

}  // namespace cwlogd::storage::metric_keys
