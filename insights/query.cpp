// Query: compile, prune, start. Errors leave the compiler with byte offsets; AWS reports
// character offsets, so they are converted here, once.
#include "insights/query.h"

#include "insights/commands.h"
#include "insights/execution.h"

namespace cwlogd::insights {

namespace {

std::size_t CharOffset(std::string_view text, std::size_t byte_offset) {
  std::size_t chars = 0;
  const std::size_t end = std::min(byte_offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return chars;
}

class QueryImpl final : public Query {
 public:
  explicit QueryImpl(std::shared_ptr<const Plan> plan) : plan_(std::move(plan)) {}

  bool MayMatchIfContains(const std::function<bool(std::string_view)>& contains) const override {
    for (const std::string& literal : plan_->required_literals) {
      if (!contains(literal)) return false;
    }
    return true;
  }

  bool MayMatchWithin(std::string_view messages) const override {
    for (const std::string& literal : plan_->required_literals) {
      if (messages.find(literal) == std::string_view::npos) return false;
    }
    return true;
  }

  bool AcceptsAnyRecordOrder() const override {
    if (plan_->stream_stats == nullptr) return false;
    for (const Expr* aggregate : plan_->stream_stats->aggregates) {
      switch (aggregate->fn->agg) {
        case AggKind::kEarliest:
        case AggKind::kLatest:
        case AggKind::kSortsFirst:
        case AggKind::kSortsLast:
          return false;
        default:
          break;
      }
    }
    return true;
  }

  std::unique_ptr<Execution> Start(const ExecutionLimits& limits) const override {
    return StartExecution(plan_, limits);
  }

 private:
  std::shared_ptr<const Plan> plan_;
};

}  // namespace

std::unique_ptr<Query> Query::Compile(std::string_view text, CompileError* error) {
  CompileError local;
  CompileError* err = error != nullptr ? error : &local;
  if (CharOffset(text, text.size()) > kMaxQueryLength) {
    err->start = 0;
    err->end = CharOffset(text, text.size());
    err->message = "the query is longer than " + std::to_string(kMaxQueryLength) + " characters";
    return nullptr;
  }
  std::unique_ptr<Plan> plan = CompilePlan(text, err);
  if (!plan) {
    const std::size_t start = CharOffset(text, err->start);
    err->end = std::max(start, CharOffset(text, err->end));
    err->start = start;
    return nullptr;
  }
  return std::make_unique<QueryImpl>(std::shared_ptr<const Plan>(std::move(plan)));
}

}  // namespace cwlogd::insights
