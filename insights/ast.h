// The syntax tree of a query, as the parser builds it and the compiler (commands.cpp) annotates
// it (field slots, functions, compiled regexes). Immutable once compiled; shared by executions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "insights/lexer.h"

namespace re2 {
class RE2;
}

namespace cwlogd::insights {

struct FunctionDef;

enum class ExprKind {
  kNumber,     // number
  kString,     // text
  kRegex,      // text (the body), regex after compilation
  kPeriod,     // number + unit (only as an argument of bin/datefloor/dateceil)
  kField,      // text = field name; slot after compilation
  kCall,       // text = function name as written; args; fn after compilation
  kAggregate,  // a call of an aggregate function inside `stats`; agg_index after compilation
  kStar,       // the `*` of count(*)
  kList,       // [a, b, ...] after `in`
  kUnary,      // op (kNot, kNeg), args[0]
  kBinary,     // op, args[0], args[1]
};

enum class Op {
  kNone,
  kOr,
  kAnd,
  kNot,
  kNeg,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kLike,
  kNotLike,
  kMatch,  // =~
  kIn,
  kNotIn,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
};

struct Expr {
  ExprKind kind = ExprKind::kNumber;
  Op op = Op::kNone;
  std::size_t start = 0;  // byte offsets of the expression in the query text
  std::size_t end = 0;
  double number = 0;
  PeriodUnit unit = PeriodUnit::kMillis;
  std::string text;
  std::vector<std::unique_ptr<Expr>> args;
  int height = 1;  // of the tree below and including this node
  // Filled in by the compiler.
  int slot = -1;
  const FunctionDef* fn = nullptr;
  int agg_index = -1;
  std::shared_ptr<const re2::RE2> regex;  // kRegex; and a string right of `=~`
};

// `<expr> [as <name>]`; `name` is the alias or the expression's text.
struct NamedExpr {
  std::unique_ptr<Expr> expr;
  std::string name;
  bool aliased = false;
  std::size_t name_start = 0;
  std::size_t name_end = 0;
  int slot = -1;  // the field it defines or names (compiler)
};

struct SortKey {
  std::unique_ptr<Expr> expr;
  bool desc = false;
};

enum class CommandKind { kFields, kDisplay, kFilter, kStats, kSort, kLimit, kParse, kDedup };

// Pieces of a glob `parse` pattern: literal[0] * literal[1] * ... literal[n].
struct GlobPattern {
  std::vector<std::string> literals;
};

struct Command {
  CommandKind kind = CommandKind::kFields;
  std::size_t start = 0;  // the command keyword
  std::size_t end = 0;
  std::vector<NamedExpr> items;     // fields, display, dedup names, stats aggregates
  std::vector<NamedExpr> group_by;  // stats ... by
  std::unique_ptr<Expr> condition;  // filter
  std::vector<SortKey> sort_keys;   // sort
  int64_t limit = 0;                // limit
  // parse <source> "glob" as a, b | parse <source> /regex/
  std::unique_ptr<Expr> source;
  bool regex_pattern = false;
  std::string pattern;
  std::size_t pattern_start = 0;
  std::size_t pattern_end = 0;
  GlobPattern glob;
  std::shared_ptr<const re2::RE2> regex;
  std::vector<int> regex_groups;        // for each item: its capture group number (regex form)
  std::vector<const Expr*> aggregates;  // stats: the aggregate calls, by Expr::agg_index
};

struct QueryAst {
  std::vector<Command> commands;
};

}  // namespace cwlogd::insights
