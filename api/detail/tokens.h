// Tokens and IDs the Logs API hands out, shaped like AWS's. Clients treat them as opaque; we
// make them deterministic so a repeated position gives the same string, and self-checking so a
// token from another stream or query is rejected. Every paging token is bound to the partition
// (account and region) that issued it: its check value mixes in PartitionSeed, so another
// account's or region's token fails the check like a forged one. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/log_store.h"

namespace cwlogd::api::detail {

// 64-bit mixing hash (splitmix64 finaliser); deterministic across runs and builds.
uint64_t Mix(uint64_t x);
uint64_t HashBytes(std::string_view bytes, uint64_t seed);
// The seed every token check of `partition` starts from.
uint64_t PartitionSeed(const storage::Partition& partition);

// GetLogEvents tokens: "f/<56 digits>/s" or "b/<56 digits>/s" = 20 digits timestamp+1 (0 = the
// origin, before every event), 20 digits sequence, 5 digits index, 11 check digits derived from
// the partition, group id, stream id, direction and position.
struct StreamToken {
  bool forward = true;
  std::optional<storage::EventKey> key;  // nullopt = the origin
};
std::string EncodeStreamToken(const StreamToken& token, const storage::Partition& partition,
                              uint64_t group_id, uint64_t stream_id);
// Accepts the form with or without the trailing "/s". nullopt if malformed or not ours.
std::optional<StreamToken> DecodeStreamToken(std::string_view text,
                                             const storage::Partition& partition, uint64_t group_id,
                                             uint64_t stream_id);

// 56-digit event id, unique per event: timestamp, sequence, index and 11 digits of the group.
std::string EventId(const storage::EventKey& key, uint64_t group_id);
// 56-digit nextSequenceToken / uploadSequenceToken for a stream's upload_sequence.
std::string SequenceToken(uint64_t stream_id, uint64_t upload_sequence);

// The first byte of every token made by TokenWriter: what issued it, so that a token is refused
// by every other operation. One list, so that no two share a letter (GetQueryResults and
// ListLogGroupsForQuery shared DescribeLogGroups' 'G' and ListLogGroups' 'L' until 2026-12-07;
// their tokens live only as long as a query, so the change broke no stored token).
namespace token_kind {
inline constexpr char kSnsListPage = 'A';         // ListTopics, ListSubscriptions(ByTopic)
inline constexpr char kCloudWatchListPage = 'C';  // every CloudWatch list; the operation inside
inline constexpr char kDescribeSubscriptionFilters = 'B';
inline constexpr char kDescribeDestinations = 'D';
inline constexpr char kDescribeExportTasks = 'X';
inline constexpr char kDescribeLookupTables = 'K';
inline constexpr char kDescribeLogGroups = 'G';
inline constexpr char kDescribeLogStreams = 'S';
inline constexpr char kDescribeMetricFilters = 'M';
inline constexpr char kDescribeQueries = 'Q';
inline constexpr char kDescribeQueryDefinitions = 'E';
inline constexpr char kDescribeResourcePolicies = 'P';
inline constexpr char kFilterLogEvents = 'F';
inline constexpr char kGetScheduledQueryHistory = 'Y';
inline constexpr char kGetQueryResults = 'U';
inline constexpr char kListLogGroups = 'L';
inline constexpr char kListAggregateLogGroupSummaries = 'V';
inline constexpr char kListLogGroupsForQuery = 'W';
inline constexpr char kListScheduledQueries = 'H';
inline constexpr char kRecordPointer = 'R';  // an Insights @ptr (GetLogRecord)
}  // namespace token_kind

// Opaque pagination tokens: a small binary record, base64url-encoded with a check value seeded
// by the issuing partition.
class TokenWriter {
 public:
  TokenWriter(char kind, const storage::Partition& partition) : seed_(PartitionSeed(partition)) {
    bytes_.push_back(kind);
  }
  TokenWriter& U64(uint64_t v);
  TokenWriter& Str(std::string_view s);
  std::string Finish() const;

 private:
  uint64_t seed_;
  std::string bytes_;
};

class TokenReader {
 public:
  // ok() is false when `text` is not a well-formed token of this kind issued to `partition`.
  TokenReader(std::string_view text, char kind, const storage::Partition& partition);
  bool ok() const { return ok_; }
  uint64_t U64();
  std::string Str();
  // True when everything was read and nothing is left over.
  bool Done() const { return ok_ && pos_ == bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 1;
  bool ok_ = false;
};

}  // namespace cwlogd::api::detail
