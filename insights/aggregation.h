// `stats`: groups records by the `by` expressions and folds the aggregate functions over each
// group (docs/insights.md, "stats"). One Aggregator belongs to one execution (one thread).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "insights/ast.h"
#include "insights/functions.h"
#include "insights/record_fields.h"

namespace cwlogd::insights {

struct AggSpec {
  AggKind kind = AggKind::kCount;
  const Expr* arg = nullptr;  // null for count() and count(*)
  double percent = 50;        // pct
};

struct AggState;

class Aggregator {
 public:
  // `memory` is the execution's running estimate of the bytes it holds.
  Aggregator(std::vector<AggSpec> specs, std::vector<const Expr*> group_by, int timestamp_slot,
             std::size_t* memory);
  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  // Folds the record or row in `env` into its group.
  void Add(Env& env);

  struct Group {
    std::vector<Value> keys;  // one per `by` expression (null: the record lacked it)
    std::vector<Value> aggregates;
  };
  // The groups ordered by their keys (ascending; absent keys last).
  std::vector<Group> Results() const;
  std::size_t group_count() const { return groups_.size(); }

 private:
  struct GroupData;
  void Update(const AggSpec& spec, AggState& state, Env& env, double timestamp, bool has_ts);

  std::vector<AggSpec> specs_;
  std::vector<const Expr*> group_by_;
  int timestamp_slot_;
  std::size_t* memory_;
  StringMap<std::size_t> index_;
  std::vector<std::unique_ptr<GroupData>> groups_;
  std::string key_;  // reused: no allocation per record for an existing group
  std::vector<Value> key_values_;
};

}  // namespace cwlogd::insights
