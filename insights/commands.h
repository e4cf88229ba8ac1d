// The compiler: checks a parsed query (names, functions, arities, command order, the rules of
// docs/insights.md "Commands") and plans its execution; and the per-record commands (fields,
// filter, parse) that run over an Env. A Plan is immutable after CompilePlan.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "insights/ast.h"
#include "insights/query.h"
#include "insights/record_fields.h"

namespace cwlogd::insights {

struct Plan {
  std::string text;
  QueryAst ast;
  SlotTable slots;
  std::unique_ptr<DiscoveryPlan> discovery;
  int timestamp_slot = -1;
  int ptr_slot = -1;
  // Commands run on each record as it is added (fields, filter, parse), up to the first
  // limit, dedup or stats.
  std::vector<const Command*> record_stage;
  // The order of the records after that stage: the keys of its `sort`s, the last one first,
  // then @timestamp desc.
  std::vector<const SortKey*> order;
  // The stats that ends the record stage (folded record by record), or null.
  const Command* stream_stats = nullptr;
  // Commands run at Finish over the kept rows (from the limit/dedup that ended the record
  // stage, or after stream_stats).
  std::vector<const Command*> row_stage;
  // Keep only this many records (the record stage is followed by `limit N`), 0: no such limit.
  std::size_t record_limit = 0;
  // No row command before the output: only the top max_rows records need be kept.
  bool only_top_rows = false;
  bool aggregated = false;
  std::vector<int> output;  // the result columns
  bool add_ptr = false;
  // Literals every record reaching the output contains in @message (pruning).
  std::vector<std::string> required_literals;

  SortKey default_order;  // @timestamp desc
};

// Compiles `text`; null with *error set (byte offsets) when the query is not valid.
std::unique_ptr<Plan> CompilePlan(std::string_view text, CompileError* error);

// Runs a fields, filter or parse command on the record or row in `env`; false when a filter
// drops it.
bool ApplyRecordCommand(const Command& cmd, Env& env);

}  // namespace cwlogd::insights
