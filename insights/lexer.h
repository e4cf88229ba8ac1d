// Tokens of the Logs Insights query language (docs/insights.md, "Lexical rules"). Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "insights/query.h"

namespace cwlogd::insights {

enum class TokenKind {
  kIdent,   // field name, keyword or function name; `text` without backticks
  kNumber,  // `number`
  kString,  // `text` with escapes resolved
  kRegex,   // `text`: the body between the slashes, `\/` turned into `/`
  kPeriod,  // 5m, 1h: `number` and `unit`
  kPipe,
  kComma,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kCaret,
  kPercent,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kMatch,  // =~
  kEnd,
};

enum class PeriodUnit {
  kMillis,
  kSeconds,
  kMinutes,
  kHours,
  kDays,
  kWeeks,
  kMonths,
  kQuarters,
  kYears
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t start = 0;  // byte offsets into the query text
  std::size_t end = 0;
  std::string text;
  double number = 0;
  PeriodUnit unit = PeriodUnit::kMillis;
  bool quoted = false;  // identifier written with backticks: never a keyword
};

// Splits `text` into tokens ending with kEnd; false with *error set (byte offsets) on a
// character or literal that cannot start a token.
bool Tokenize(std::string_view text, std::vector<Token>* tokens, CompileError* error);

// Case-insensitive ASCII comparison, for keywords and function names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace cwlogd::insights
