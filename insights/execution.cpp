// Execution. Records pass the record stage as they are added; non-aggregated queries keep only
// the best `limit` (or max_rows) records in a heap ordered by the query's sort, aggregated ones
// fold into groups. Nothing of a record is copied unless it is kept.
#include "insights/execution.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "insights/aggregation.h"
#include "insights/evaluate.h"
#include "insights/format.h"

namespace cwlogd::insights {

namespace {

using Row = std::vector<Value>;

struct KeptRow {
  Row slots;
  std::vector<Value> keys;
  uint64_t seq = 0;
  std::size_t bytes = 0;
};

std::size_t RowBytes(const Row& row) {
  std::size_t bytes = sizeof(KeptRow) + row.size() * sizeof(Value);
  for (const Value& v : row) {
    if (v.kind == ValueKind::kString) bytes += v.str.size() + 32;
  }
  return bytes;
}

// Sort order over key vectors: nulls last whatever the direction.
int CompareSortKeys(const std::vector<const SortKey*>& order, const std::vector<Value>& a,
                    const std::vector<Value>& b) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Value& x = a[i];
    const Value& y = b[i];
    if (x.null() || y.null()) {
      if (x.null() != y.null()) return x.null() ? 1 : -1;
      continue;
    }
    int c = CompareValues(x, y);
    if (order[i]->desc) c = -c;
    if (c != 0) return c;
  }
  return 0;
}

std::vector<AggSpec> SpecsOf(const Command& stats) {
  std::vector<AggSpec> specs;
  for (const Expr* a : stats.aggregates) {
    AggSpec s;
    s.kind = a->fn->agg;
    if (!a->args.empty() && a->args[0]->kind != ExprKind::kStar) s.arg = a->args[0].get();
    if (a->args.size() > 1) s.percent = a->args[1]->number;
    specs.push_back(s);
  }
  return specs;
}

std::vector<const Expr*> GroupExprsOf(const Command& stats) {
  std::vector<const Expr*> out;
  for (const NamedExpr& g : stats.group_by) out.push_back(g.expr.get());
  return out;
}

class ExecutionImpl final : public Execution {
 public:
  ExecutionImpl(std::shared_ptr<const Plan> plan, const ExecutionLimits& limits)
      : plan_(std::move(plan)),
        limits_(limits),
        env_(&plan_->slots, plan_->discovery.get()),
        key_buf_(plan_->order.size()) {
    if (plan_->stream_stats != nullptr) {
      agg_ = std::make_unique<Aggregator>(SpecsOf(*plan_->stream_stats),
                                          GroupExprsOf(*plan_->stream_stats), plan_->timestamp_slot,
                                          &memory_);
    } else if (plan_->record_limit > 0) {
      keep_ = plan_->record_limit;
    } else if (plan_->only_top_rows) {
      keep_ = limits_.max_rows;
    }
    if (keep_ > 0) rows_.reserve(std::min<std::size_t>(keep_, 4096));
    if (plan_->stream_stats == nullptr && keep_ == 0 && plan_->only_top_rows) {
      state_ = ExecutionState::kComplete;  // max_rows == 0: nothing can be returned
    }
  }

  ExecutionState Add(const Record& record) override {
    if (state_ != ExecutionState::kRunning) return state_;
    stats_.records_scanned += 1;
    stats_.bytes_scanned += static_cast<double>(record.message.size());
    env_.Reset(&record);
    for (const Command* cmd : plan_->record_stage) {
      if (!ApplyRecordCommand(*cmd, env_)) return state_;
    }
    stats_.records_matched += 1;
    if (agg_) {
      agg_->Add(env_);
    } else {
      Keep();
    }
    if (memory_ > limits_.max_memory_bytes) {
      Fail("the query needs more than its memory limit of " +
           std::to_string(limits_.max_memory_bytes) +
           " bytes; add filters, a smaller limit or fewer stats groups");
    }
    return state_;
  }

  std::vector<ResultRow> PartialRows() const override {
    if (state_ == ExecutionState::kFailed) return {};
    if (agg_) {
      // The groups so far, through the commands after the stats (sort, limit, ...), as AWS
      // shows a running aggregation.
      std::vector<Row> rows = StatsRows(*plan_->stream_stats, *agg_);
      std::size_t memory = memory_;
      if (!RunRowStage(&rows, &memory)) return {};
      return Project(rows);
    }
    std::vector<KeptRow> copy = rows_;
    SortKept(&copy);
    std::vector<Row> rows;
    rows.reserve(copy.size());
    for (KeptRow& r : copy) rows.push_back(std::move(r.slots));
    return Project(rows);
  }

  Statistics statistics() const override { return stats_; }

  QueryOutcome Finish() override {
    QueryOutcome out;
    out.statistics = stats_;
    if (finished_) {
      out.failed = true;
      out.error = "Finish was already called";
      return out;
    }
    finished_ = true;
    if (state_ != ExecutionState::kFailed) {
      std::vector<Row> rows;
      if (agg_) {
        rows = StatsRows(*plan_->stream_stats, *agg_);
        agg_.reset();
      } else {
        SortKept(&rows_);
        rows.reserve(rows_.size());
        for (KeptRow& r : rows_) rows.push_back(std::move(r.slots));
        rows_.clear();
      }
      if (RunRowStage(&rows, &memory_)) {
        out.rows = Project(rows);
      } else {
        Fail("the query needs more than its memory limit of " +
             std::to_string(limits_.max_memory_bytes) + " bytes");
      }
    }
    if (state_ == ExecutionState::kFailed) {
      out.failed = true;
      out.error = error_;
      out.rows.clear();
    }
    return out;
  }

 private:
  void Fail(std::string message) {
    state_ = ExecutionState::kFailed;
    error_ = std::move(message);
  }

  bool Before(const std::vector<Value>& ka, uint64_t sa, const std::vector<Value>& kb,
              uint64_t sb) const {
    const int c = CompareSortKeys(plan_->order, ka, kb);
    if (c != 0) return c < 0;
    // Ties keep the order of arrival, reversed when the first key is descending.
    return plan_->order.front()->desc ? sa > sb : sa < sb;
  }

  void SortKept(std::vector<KeptRow>* rows) const {
    std::sort(rows->begin(), rows->end(), [this](const KeptRow& a, const KeptRow& b) {
      return Before(a.keys, a.seq, b.keys, b.seq);
    });
  }

  void Keep() {
    const uint64_t seq = next_seq_++;
    for (std::size_t i = 0; i < plan_->order.size(); ++i) {
      key_buf_[i] = Eval(*plan_->order[i]->expr, env_);
    }
    auto heap_less = [this](const KeptRow& a, const KeptRow& b) {
      return Before(a.keys, a.seq, b.keys, b.seq);  // the heap's top is the worst kept row
    };
    if (keep_ > 0 && rows_.size() >= keep_) {
      const KeptRow& worst = rows_.front();
      if (!Before(key_buf_, seq, worst.keys, worst.seq)) return;
      std::pop_heap(rows_.begin(), rows_.end(), heap_less);
      memory_ -= rows_.back().bytes;
      rows_.pop_back();
    }
    KeptRow row;
    env_.Materialize(&row.slots);
    row.keys.reserve(key_buf_.size());
    for (const Value& k : key_buf_) row.keys.push_back(OwnedCopy(k));
    row.seq = seq;
    row.bytes = RowBytes(row.slots) + row.keys.size() * sizeof(Value);
    memory_ += row.bytes;
    rows_.push_back(std::move(row));
    if (keep_ > 0) std::push_heap(rows_.begin(), rows_.end(), heap_less);
  }

  std::vector<Row> StatsRows(const Command& stats, const Aggregator& agg) const {
    std::vector<Row> rows;
    std::vector<Aggregator::Group> groups = agg.Results();
    rows.reserve(groups.size());
    for (Aggregator::Group& g : groups) {
      Row row(plan_->slots.size());
      for (std::size_t j = 0; j < stats.group_by.size(); ++j) {
        row[static_cast<std::size_t>(stats.group_by[j].slot)] = g.keys[j];
      }
      RowEnv env(&row);
      env.agg_results = &g.aggregates;
      for (const NamedExpr& item : stats.items) {
        const Value v = Eval(*item.expr, env);
        row[static_cast<std::size_t>(item.slot)] = OwnedCopy(v);
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  // Runs the commands after the record stage over `rows`, charging *memory; false when that
  // passes the memory limit.
  bool RunRowStage(std::vector<Row>* rows, std::size_t* memory) const {
    for (const Command* cmd : plan_->row_stage) {
      switch (cmd->kind) {
        case CommandKind::kFields:
        case CommandKind::kFilter:
        case CommandKind::kParse: {
          std::vector<Row> kept;
          kept.reserve(rows->size());
          for (Row& row : *rows) {
            RowEnv env(&row);
            if (ApplyRecordCommand(*cmd, env)) kept.push_back(std::move(row));
          }
          *rows = std::move(kept);
          break;
        }
        case CommandKind::kSort:
          SortRows(*cmd, rows);
          break;
        case CommandKind::kLimit:
          if (rows->size() > static_cast<std::size_t>(cmd->limit)) {
            rows->resize(static_cast<std::size_t>(cmd->limit));
          }
          break;
        case CommandKind::kDedup:
          Dedup(*cmd, rows);
          break;
        case CommandKind::kStats: {
          Aggregator agg(SpecsOf(*cmd), GroupExprsOf(*cmd), plan_->timestamp_slot, memory);
          for (Row& row : *rows) {
            RowEnv env(&row);
            agg.Add(env);
          }
          *rows = StatsRows(*cmd, agg);
          break;
        }
        case CommandKind::kDisplay:
          break;
      }
      if (*memory > limits_.max_memory_bytes) return false;
    }
    return true;
  }

  void SortRows(const Command& sort, std::vector<Row>* rows) const {
    std::vector<const SortKey*> order;
    for (const SortKey& k : sort.sort_keys) order.push_back(&k);
    std::vector<std::vector<Value>> keys(rows->size());
    for (std::size_t i = 0; i < rows->size(); ++i) {
      RowEnv env(&(*rows)[i]);
      for (const SortKey* k : order) keys[i].push_back(OwnedCopy(Eval(*k->expr, env)));
    }
    std::vector<std::size_t> index(rows->size());
    std::iota(index.begin(), index.end(), 0);
    std::stable_sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) {
      return CompareSortKeys(order, keys[a], keys[b]) < 0;
    });
    std::vector<Row> sorted;
    sorted.reserve(rows->size());
    for (std::size_t i : index) sorted.push_back(std::move((*rows)[i]));
    *rows = std::move(sorted);
  }

  // Keeps the first row of each combination of the fields' values; rows missing any of them
  // are always kept (nulls are never duplicates).
  static void Dedup(const Command& dedup, std::vector<Row>* rows) {
    StringSet seen;
    std::vector<Row> kept;
    std::string key;
    std::string scratch;
    for (Row& row : *rows) {
      key.clear();
      bool has_null = false;
      for (const NamedExpr& item : dedup.items) {
        const Value& v = row[static_cast<std::size_t>(item.slot)];
        if (v.null()) {
          has_null = true;
          break;
        }
        const std::string_view text = AsString(v, &scratch);
        key += std::to_string(text.size());
        key.push_back(':');
        key.append(text);
      }
      if (has_null || seen.insert(key).second) kept.push_back(std::move(row));
    }
    *rows = std::move(kept);
  }

  std::vector<ResultRow> Project(const std::vector<Row>& rows) const {
    std::vector<ResultRow> out;
    const std::size_t n = std::min(rows.size(), limits_.max_rows);
    out.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
      const Row& row = rows[r];
      ResultRow cells;
      for (int slot : plan_->output) {
        const Value& v = row[static_cast<std::size_t>(slot)];
        if (!v.null()) cells.push_back({plan_->slots.name(slot), FormatValue(v)});
      }
      if (plan_->add_ptr) {
        const Value& p = row[static_cast<std::size_t>(plan_->ptr_slot)];
        if (!p.null()) cells.push_back({"@ptr", FormatValue(p)});
      }
      out.push_back(std::move(cells));
    }
    return out;
  }

  std::shared_ptr<const Plan> plan_;
  ExecutionLimits limits_;
  RecordEnv env_;
  Statistics stats_;
  ExecutionState state_ = ExecutionState::kRunning;
  std::string error_;
  std::size_t memory_ = 0;
  std::unique_ptr<Aggregator> agg_;
  std::size_t keep_ = 0;  // 0: keep every record
  std::vector<KeptRow> rows_;
  std::vector<Value> key_buf_;
  uint64_t next_seq_ = 0;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<Execution> StartExecution(std::shared_ptr<const Plan> plan,
                                          const ExecutionLimits& limits) {
  return std::make_unique<ExecutionImpl>(std::move(plan), limits);
}

}  // namespace cwlogd::insights
