// Metric math expressions (GetMetricData Expression): tokenizer and recursive-descent parser
// into a small AST. Caps length and nesting so any input parses in bounded time and stack.
// Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwlogd::api::cloudwatch::math {

// Caps on what a parse accepts.
inline constexpr size_t kMaxExpressionLength = 2048;  // the API's Expression maximum
inline constexpr int kMaxExpressionDepth = 64;        // nested calls/brackets/operators
inline constexpr size_t kMaxExpressionNodes = 1024;

struct Node {
  enum class Kind {
    kNumber,   // number
    kString,   // text (quotes removed)
    kId,       // text: a query id (starts lower-case)
    kKeyword,  // text: a bare upper-case word used as an argument (REPEAT, SUM, DESC...)
    kUnary,    // text "-" ; children[0]
    kBinary,   // text: + - * / ^ == != < <= > >= AND OR ; children[0], children[1]
    kCall,     // text: function name ; children: arguments
    kArray,    // [a, b, ...] ; children
  };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;
  std::vector<Node> children;
  size_t offset = 0;  // where it starts in the expression
};

struct ParseError {
  size_t offset = 0;
  std::string message;
};

// Parses `text`; nullopt with `*error` filled on a syntax error or a cap.
std::optional<Node> ParseExpression(std::string_view text, ParseError* error);

// The query ids an expression refers to (for dependency order and cycle checks).
void CollectIds(const Node& node, std::vector<std::string>* ids);

}  // namespace cwlogd::api::cloudwatch::math
