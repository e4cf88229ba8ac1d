// The CloudWatch Logs filter-pattern language (docs/filter-patterns.md): parse once,
// match many events. Depends on nothing else of cwlogd. A FilterPattern is immutable after
// parsing, cheap to copy, and safe to use from many threads at once.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwlogd::filters {

// Longest accepted pattern, in characters (UTF-8 code points), like AWS's model constraint.
inline constexpr std::size_t kMaxPatternLength = 1024;
// At most this many %regex% values inside one JSON or space-delimited pattern (AWS quota).
inline constexpr int kMaxRegexesPerPattern = 2;
// At most this many selectors with a wildcard (`.*`, `[*]`) in one JSON pattern, and one
// wildcard per selector (AWS documented limits).
inline constexpr int kMaxWildcardSelectors = 3;
// Deepest parenthesis nesting accepted in a JSON pattern (ours; AWS documents none).
inline constexpr int kMaxNestingDepth = 32;

// Where and why parsing failed. `message` is the text AWS puts in InvalidParameterException
// after the exception type, PutMetricFilter style, e.g. "Invalid character(s) in term '/api'".
// (FilterLogEvents and StartLiveTail prefix it with "Invalid filter pattern: " unless it
// already starts with "Invalid filter pattern".) `detail` is our own explanation, for logs
// and tests only; it is never sent to clients because AWS sends no such thing.
struct ParseError {
  std::size_t offset = 0;  // byte offset in the pattern text as given (before trimming)
  std::string message;
  std::string detail;
};

// kMatchAll: empty or whitespace-only pattern (or only empty quoted terms such as `""`).
// Whether a block of messages may contain a term (false: certainly not).
using TermPredicate = std::function<bool(std::string_view term)>;

enum class PatternKind { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited };

// Values a match extracts, for TestMetricFilter.extractedValues: for space-delimited patterns
// every field of the event in event order, ("$ip", "127.0.0.1"), ("$3", "frank"), ...; empty
// for the other kinds (docs/filter-patterns.md, "Extracted values"). Metric values and
// dimensions: see filters/metric_filter.h.
using ExtractedValues = std::vector<std::pair<std::string, std::string>>;

namespace detail {
class CompiledPattern;
}

class FilterPattern {
 public:
  explicit FilterPattern(std::shared_ptr<const detail::CompiledPattern> impl);

  // The pattern text as given to ParseFilterPattern.
  const std::string& text() const;
  PatternKind kind() const;
  // Number of %regex% in the pattern (a regex pattern counts 1), for the AWS quota of 5
  // regex-containing metric + subscription filter patterns per log group.
  int regex_count() const;
  bool Matches(std::string_view message) const;
  // Like Matches, and on a match fills `values` (cleared first) when it is not null.
  bool Match(std::string_view message, ExtractedValues* values) const;

  // A prefilter for scans: false only when no message that lies whole inside `bytes` (for
  // example a decompressed block of many messages) can match, so the block can be skipped
  // without looking at its messages one by one. True whenever unsure: only term patterns
  // answer false (a required term, or every `?` term, absent from the block).
  bool MayMatchWithin(std::string_view bytes) const;
  // The same prefilter over a summary of a block instead of its bytes: `may_contain(term)`
  // says whether the block may contain `term` (false = certainly not). False only when it
  // rules out a required term, or every `?` term, of a term pattern.
  bool MayMatchIfContains(const TermPredicate& may_contain) const;

  // For filters/ internals (metric_filter.cpp).
  const detail::CompiledPattern& impl() const { return *impl_; }

 private:
  std::shared_ptr<const detail::CompiledPattern> impl_;
};

// nullopt and *error filled when `text` is not a valid pattern.
std::optional<FilterPattern> ParseFilterPattern(std::string_view text, ParseError* error);

}  // namespace cwlogd::filters
