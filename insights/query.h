// The CloudWatch Logs Insights query language (docs/insights.md): compile a query once, run it
// over a stream of records. Depends on nothing else of cwlogd: it sees events only as the
// Records its caller feeds it (no JSON library or RocksDB in this interface). A Query is
// immutable after Compile and safe to share between threads; an Execution belongs to one
// thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::insights {

// Longest query text StartQuery accepts (AWS's model: queryString 0..10,000 characters).
inline constexpr std::size_t kMaxQueryLength = 10000;

// One log event as a query sees it. The views are valid only during Execution::Add.
struct Record {
  int64_t timestamp = 0;        // @timestamp, ms since the epoch
  int64_t ingestion_time = 0;   // @ingestionTime, ms
  std::string_view message;     // @message
  std::string_view log_stream;  // @logStream
  std::string_view log;         // @log: "<account-id>:<log-group-name>"
  std::string_view ptr;         // @ptr: opaque, what GetLogRecord accepts
};

// Why a query does not compile: AWS's MalformedQueryException with
// queryCompileError.location {startCharOffset, endCharOffset} and message.
struct CompileError {
  std::size_t start = 0;  // character offsets into the query text as given
  std::size_t end = 0;
  std::string message;
};

// One result cell. Every value is a string, formatted as AWS formats it (timestamps
// "YYYY-MM-DD HH:MM:SS.mmm" UTC, numbers as plain decimals). A field missing for a row is
// left out of that row.
struct ResultField {
  std::string field;
  std::string value;
};
using ResultRow = std::vector<ResultField>;

struct Statistics {
  double records_matched = 0;  // records that passed every filter (before limit)
  double records_scanned = 0;  // records fed to the execution
  double bytes_scanned = 0;    // their @message bytes
};

// Caps on one execution (docs/insights.md lists them with their errors).
struct ExecutionLimits {
  // Rows the query may return in all: StartQuery's `limit` (default 10,000, at most 100,000).
  std::size_t max_rows = 10000;
  // Memory the execution may hold (kept rows, groups, distinct values), approximately.
  std::size_t max_memory_bytes = 256u << 20;
};

enum class ExecutionState {
  kRunning,   // wants more records
  kComplete,  // needs no more records (e.g. `limit` reached with no sort); Finish() now
  kFailed,    // a cap was passed or an expression failed; Finish() gives the error
};

struct QueryOutcome {
  bool failed = false;
  std::string error;  // when failed: why, for the log and DescribeQueries (AWS shows Failed)
  std::vector<ResultRow> rows;
  Statistics statistics;
};

class Execution {
 public:
  virtual ~Execution() = default;
  // Feeds one record, in any order (the default `@timestamp desc` and every `sort` are applied
  // by Finish). Records with equal timestamps keep the order in which they were added, newest
  // first under a descending sort. Returns whether more records are wanted.
  virtual ExecutionState Add(const Record& record) = 0;
  // The rows so far, for GetQueryResults while the query runs (may be empty).
  virtual std::vector<ResultRow> PartialRows() const = 0;
  virtual Statistics statistics() const = 0;
  // Applies the remaining commands (sort, dedup, limit, display) and returns the result.
  // Call once.
  virtual QueryOutcome Finish() = 0;
};

class Query {
 public:
  virtual ~Query() = default;

  // Parses and checks `text`; nullptr with *error set when it does not compile. Every command,
  // function or clause not supported is a CompileError: nothing is silently ignored.
  static std::unique_ptr<Query> Compile(std::string_view text, CompileError* error);

  // Chunk pruning, as FilterLogEvents does with filter patterns. `contains(term)` says whether
  // a block of messages may contain `term`; the answer is false only when no record of such a
  // block can reach the query's output, i.e. when a literal every matching @message must
  // contain is certainly absent. Always true for a query without such a literal.
  virtual bool MayMatchIfContains(const std::function<bool(std::string_view)>& contains) const = 0;
  // The same decision over a block of raw message bytes (a decompressed chunk body).
  virtual bool MayMatchWithin(std::string_view messages) const = 0;

  // True when the result does not depend on the order records are added in: the record stage
  // ends in a `stats` whose aggregates ignore order (not earliest, latest, sortsFirst or
  // sortsLast, which break timestamp ties by arrival). The caller may then feed records in any
  // order (the store skips its merge into time order). Floating-point sums are the exception
  // that is accepted: stddev, and sum/avg of fractions, may round differently in the last
  // digits in another order (a given order, such as the store's index order, answers the same
  // every time).
  virtual bool AcceptsAnyRecordOrder() const = 0;

  virtual std::unique_ptr<Execution> Start(const ExecutionLimits& limits) const = 0;
};

// The fields a query would discover in `message` (JSON leaves flattened as `a.b`, arrays as
// `tags.0`, names starting with `@` shown with an extra `@`; Lambda REPORT lines give
// @requestId, @duration, ...), for GetLogGroupFields. Calls `field` once per name.
void DiscoverFields(std::string_view message, const std::function<void(std::string_view)>& field);
// The same fields with their values as a query's result cell shows them ("250", "true", the
// string itself), for GetLogRecord. Calls `field` once per name, in the message's order; a
// name a message repeats (duplicate JSON keys) comes once per occurrence.
void DiscoverFieldValues(
    std::string_view message,
    const std::function<void(std::string_view name, std::string_view value)>& field);

// Formats a timestamp (ms since the epoch) as Insights shows it: "YYYY-MM-DD HH:MM:SS.mmm" UTC.
std::string FormatTimestamp(int64_t millis);

}  // namespace cwlogd::insights
