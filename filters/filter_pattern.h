// The CloudWatch Logs filter-pattern language (../shared/spec/filter-patterns.md): parse once,
// match many events. Depends on nothing else of cwlogd. A FilterPattern is immutable after
// parsing, cheap to copy, and safe to use from many threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwlogd::filters {

// Where and why parsing failed. `message` is the text AWS puts in InvalidParameterException,
// e.g. "Invalid character(s) in term '/api'".
struct ParseError {
  std::size_t offset = 0;
  std::string message;
};

enum class PatternKind { kMatchAll, kTerms, kRegex, kJson, kSpaceDelimited };

// Values a match extracts, for TestMetricFilter and metric filters: ("$ip", "127.0.0.1"),
// ("$.latency", "42"), ... in the order AWS lists them.
using ExtractedValues = std::vector<std::pair<std::string, std::string>>;

namespace detail {
class CompiledPattern;
}

class FilterPattern {
 public:
  explicit FilterPattern(std::shared_ptr<const detail::CompiledPattern> impl);

  PatternKind kind() const;
  bool Matches(std::string_view message) const;
  // Like Matches, and on a match fills `values` (cleared first) when it is not null.
  bool Match(std::string_view message, ExtractedValues* values) const;

 private:
  std::shared_ptr<const detail::CompiledPattern> impl_;
};

// nullopt and *error filled when `text` is not a valid pattern.
std::optional<FilterPattern> ParseFilterPattern(std::string_view text, ParseError* error);

}  // namespace cwlogd::filters
