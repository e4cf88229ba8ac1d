// Parser: query text -> QueryAst (docs/insights.md, "Grammar"). Only syntax is checked here;
// names, functions and command order are checked by CompileCommands. Pure; thread-safe.
#pragma once

#include <string_view>

#include "insights/ast.h"
#include "insights/query.h"

namespace cwlogd::insights {

// Deepest nesting of parentheses, calls and unary operators a query may have.
inline constexpr int kMaxExpressionDepth = 64;
// Tallest expression tree (operators chained without parentheses count too: a or b or c ...).
inline constexpr int kMaxExpressionHeight = 256;

// False with *error set (byte offsets into `text`) when the text is not a query.
bool ParseQuery(std::string_view text, QueryAst* ast, CompileError* error);

}  // namespace cwlogd::insights
