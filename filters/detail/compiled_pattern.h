// Internals of filters/: the compiled forms of the four pattern kinds and the pieces they share
// (substring search, value conditions, the pattern lexer). Immutable after construction, so
// safe to use from many threads. Not for use outside filters/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "filters/filter_pattern.h"

namespace re2 {
class RE2;
}

namespace cwlogd::filters::detail {

// ---------------------------------------------------------------------------------------------
// Substring search with a precomputed needle (first/last byte filter, SSE2 when available).
class Needle {
 public:
  explicit Needle(std::string text);
  bool FoundIn(std::string_view haystack) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// ---------------------------------------------------------------------------------------------
// Numbers as the filter language reads them: [+-] digits [. digits] [e[+-]digits], also ".5".
std::optional<double> ParseNumber(std::string_view text);

// Shortest text of a JSON number, as used for string comparisons against it.
std::string NumberText(double value);

// The right-hand side of `selector op value` / `field op value`.
enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct ValueSpec {
  enum class Type { kString, kNumber, kRegex };
  Type type = Type::kString;
  // kString: the text without the leading/trailing `*` wildcards; kNumber: the literal as
  // written (used for text comparison against non-numbers).
  std::string text;
  bool wildcard_prefix = false;           // value started with `*`: anything may precede
  bool wildcard_suffix = false;           // value ended with `*`: anything may follow
  double number = 0;                      // kNumber
  std::shared_ptr<const re2::RE2> regex;  // kRegex
};

struct Condition {
  CmpOp op = CmpOp::kEq;
  ValueSpec value;
};

// Evaluates `scalar op value`. `number` is the scalar's numeric value when it is a number
// (JSON number, or a space-delimited field that parses as one), else nullopt.
bool EvalCondition(const Condition& cond, std::string_view text, std::optional<double> number);

// ---------------------------------------------------------------------------------------------
// Lexer over the pattern text shared by the JSON and space-delimited parsers. Offsets are
// absolute offsets into the original pattern text.
class Cursor {
 public:
  Cursor(std::string_view text, std::size_t base) : text_(text), base_(base) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void Advance(std::size_t n = 1) { pos_ += n; }
  bool Consume(std::string_view token);
  void SkipSpace();
  std::size_t pos() const { return pos_; }
  std::size_t offset() const { return base_ + pos_; }
  std::string_view Rest() const { return text_.substr(pos_); }
  std::string_view Slice(std::size_t from, std::size_t to) const {
    return text_.substr(from, to - from);
  }

 private:
  std::string_view text_;
  std::size_t base_;
  std::size_t pos_ = 0;
};

// Sets *error (when not null) and returns false, for `return Fail(...)` in parsers.
bool Fail(ParseError* error, std::size_t offset, std::string message, std::string detail);
inline constexpr std::string_view kInvalidPattern = "Invalid filter pattern";

// Parses `op value` at the cursor (after the selector / field name). `regex_count` is
// incremented for %regex% values. Relational operators need a numeric value.
bool ParseCondition(Cursor& cur, Condition* out, int* regex_count, ParseError* error);

// Compiles the body of a `%...%` regex (`token` is the whole `%...%`, for messages).
std::shared_ptr<const re2::RE2> CompileRegex(std::string_view token, std::size_t offset,
                                             ParseError* error);
bool RegexSearch(const re2::RE2& re, std::string_view text);

// Term-style rendering of a token for "Invalid character(s) in term '...'": each non-ASCII
// character is printed as '?', like AWS.
std::string TermForMessage(std::string_view token);

// ---------------------------------------------------------------------------------------------
// A resolved value for metric filters (metric values, dimensions).
struct ResolvedScalar {
  std::string text;
  std::optional<double> number;
};

// A `$name`, `$3` or `$.json.path` reference, compiled (see filters/metric_filter.h).
struct JsonStep {
  enum class Type { kKey, kIndex, kWildcard };
  Type type = Type::kKey;
  std::string key;
  std::uint64_t index = 0;
};
struct Selector {
  std::vector<JsonStep> steps;
  int wildcards = 0;
  std::string text;
};
// Parses a selector starting at `$`. Leaves the cursor after it.
bool ParseSelector(Cursor& cur, Selector* out, ParseError* error);

class CompiledPattern {
 public:
  CompiledPattern(std::string text, PatternKind kind, int regex_count)
      : text_(std::move(text)), kind_(kind), regex_count_(regex_count) {}
  virtual ~CompiledPattern() = default;

  const std::string& text() const { return text_; }
  PatternKind kind() const { return kind_; }
  int regex_count() const { return regex_count_; }

  virtual bool Match(std::string_view message, ExtractedValues* values) const = 0;

  // See FilterPattern::MayMatchWithin. Default: maybe.
  virtual bool MayMatchWithin(std::string_view) const { return true; }
  // See FilterPattern::MayMatchIfContains. Default: maybe.
  virtual bool MayMatchIfContains(const TermPredicate&) const { return true; }

  // Matches and, on a match, resolves each reference (`$name` / `$3` for space-delimited,
  // `$.path` for JSON); unresolvable ones stay nullopt. Default: no references resolve.
  virtual bool MatchAndResolve(std::string_view message,
                               const std::vector<const Selector*>& json_refs,
                               const std::vector<std::string>& field_refs,
                               std::vector<std::optional<ResolvedScalar>>* out) const;

 private:
  std::string text_;
  PatternKind kind_;
  int regex_count_;
};

// Builders, one per kind. `body` is the trimmed pattern; `base` its offset in the original.
std::shared_ptr<const CompiledPattern> BuildTermPattern(std::string text, std::string_view body,
                                                        std::size_t base, ParseError* error);
std::shared_ptr<const CompiledPattern> BuildRegexPattern(std::string text, std::string_view body,
                                                         std::size_t base, ParseError* error);
std::shared_ptr<const CompiledPattern> BuildJsonPattern(std::string text, std::string_view body,
                                                        std::size_t base, ParseError* error);
std::shared_ptr<const CompiledPattern> BuildDelimitedPattern(std::string text,
                                                             std::string_view body,
                                                             std::size_t base, ParseError* error);

// Resolves a selector against a JSON message alone (no pattern), for metric values.
std::optional<ResolvedScalar> ResolveJsonSelector(std::string_view message, const Selector& sel);

}  // namespace cwlogd::filters::detail
