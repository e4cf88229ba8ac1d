// Expression evaluation over an Env (docs/insights.md, "Types and comparisons"). Thread-safe for
// distinct Envs: the compiled expressions are read-only.
#pragma once

#include "insights/ast.h"
#include "insights/record_fields.h"
#include "insights/value.h"

namespace cwlogd::insights {

Value Eval(const Expr& e, Env& env);

// Whether `text` matches the right side of `like` / `=~` (a string: substring; a regex: search).
bool MatchesPattern(const Expr& pattern, std::string_view text);

}  // namespace cwlogd::insights
