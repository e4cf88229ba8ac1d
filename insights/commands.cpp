// Semantic checks and planning. Errors carry the byte offsets of the offending token or
// expression; Query::Compile turns them into character offsets.
#include "insights/commands.h"

#include <cmath>
#include <utility>

#include <re2/re2.h>

#include "insights/evaluate.h"
#include "insights/functions.h"
#include "insights/parser.h"
#include "insights/pruning.h"

namespace cwlogd::insights {

namespace {

// RE2 expands x{m,n} into copies of x: bound the sum of repetition counts of one regex so that
// compiling cannot take seconds (ours; AWS documents no such limit).
constexpr long kMaxRepetitionBudget = 1000;
// The compiled program of one regex (RE2 max_mem).
constexpr int64_t kMaxRegexMemory = 4 << 20;

// The AWS dialect for RE2: named groups (?<name>...) become (?P<name>...) (RE2 2022-06 does not
// know the first form); the rest is RE2 syntax. Lookbehind and backreferences stay as written
// and RE2 rejects them.
bool TranslateRegex(std::string_view body, std::string* out, std::string* problem) {
  long repetitions = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\\' && i + 1 < body.size()) {
      out->push_back(c);
      out->push_back(body[++i]);
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out->push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out->push_back(c);
      if (i + 1 < body.size() && body[i + 1] == '^') out->push_back(body[++i]);
      if (i + 1 < body.size() && body[i + 1] == ']') out->push_back(body[++i]);
      continue;
    }
    if (c == '(' && body.substr(i, 3) == "(?<" && i + 3 < body.size() && body[i + 3] != '=' &&
        body[i + 3] != '!') {
      out->append("(?P<");
      i += 2;
      continue;
    }
    if (c == '{') {
      long total = 0;
      std::size_t j = i + 1;
      long number = 0;
      bool digits = false;
      for (; j < body.size() && ((body[j] >= '0' && body[j] <= '9') || body[j] == ','); ++j) {
        if (body[j] == ',') {
          total = std::max(total, number);
          number = 0;
          continue;
        }
        digits = true;
        number = std::min<long>(number * 10 + (body[j] - '0'), 1000000);
      }
      if (digits && j < body.size() && body[j] == '}') {
        repetitions += std::max(total, number);
        if (repetitions > kMaxRepetitionBudget) {
          *problem =
              "the regular expression repeats too much (repetition counts add up to more "
              "than 1000)";
          return false;
        }
      }
    }
    out->push_back(c);
  }
  return true;
}

class Compiler {
 public:
  Compiler(struct Plan* plan, CompileError* error) : plan_(plan), error_(error) {}

  bool Run() {
    auto& cmds = plan_->ast.commands;
    plan_->timestamp_slot = plan_->slots.Intern("@timestamp");
    plan_->ptr_slot = plan_->slots.Intern("@ptr");
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      Command& cmd = cmds[i];
      if (cmd.kind == CommandKind::kDedup) {
        for (std::size_t j = i + 1; j < cmds.size(); ++j) {
          if (cmds[j].kind != CommandKind::kLimit) {
            return Fail(cmds[j].start, cmds[j].end, "only 'limit' may follow 'dedup'");
          }
        }
      }
      if (!CompileCommand(cmd)) return false;
    }
    MakePlan();
    return true;
  }

 private:
  bool Fail(std::size_t start, std::size_t end, std::string message) {
    error_->start = start;
    error_->end = end;
    error_->message = std::move(message);
    return false;
  }

  // `name` becomes a field that a command defines.
  bool Define(std::string_view name, std::size_t start, std::size_t end, int* slot) {
    if (FindSystemField(name) != SystemField::kNone) {
      return Fail(start, end, "the system field " + std::string(name) + " cannot be redefined");
    }
    if (used_.contains(name)) {
      return Fail(start, end,
                  "the field " + std::string(name) +
                      " is already used in this query; ephemeral fields need new names");
    }
    used_.emplace(name);
    *slot = plan_->slots.Intern(name);
    plan_->slots.MarkDefined(*slot);
    return true;
  }

  int Use(std::string_view name) {
    used_.emplace(name);
    return plan_->slots.Intern(name);
  }

  bool CompileRegex(const std::string& body, std::size_t start, std::size_t end,
                    std::shared_ptr<const re2::RE2>* out) {
    std::string translated;
    std::string problem;
    if (!TranslateRegex(body, &translated, &problem)) return Fail(start, end, problem);
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kMaxRegexMemory);
    auto re = std::make_shared<const re2::RE2>(translated, options);
    if (!re->ok()) return Fail(start, end, "invalid regular expression: " + re->error());
    *out = std::move(re);
    return true;
  }

  bool Resolve(Expr& e, bool allow_agg, Command* stats) {
    switch (e.kind) {
      case ExprKind::kNumber:
      case ExprKind::kString:
        return true;
      case ExprKind::kRegex:
        return Fail(e.start, e.end, "a regular expression is only allowed after like or =~");
      case ExprKind::kPeriod:
        return Fail(e.start, e.end,
                    "a time period is only allowed as an argument of bin, datefloor or dateceil");
      case ExprKind::kStar:
        return Fail(e.start, e.end, "'*' is only allowed in count(*)");
      case ExprKind::kField:
        e.slot = Use(e.text);
        return true;
      case ExprKind::kList:
        for (auto& a : e.args) {
          if (!Resolve(*a, allow_agg, stats)) return false;
        }
        return true;
      case ExprKind::kUnary:
        return Resolve(*e.args[0], allow_agg, stats);
      case ExprKind::kBinary:
        return ResolveBinary(e, allow_agg, stats);
      case ExprKind::kCall:
      case ExprKind::kAggregate:
        return ResolveCall(e, allow_agg, stats);
    }
    return true;
  }

  bool ResolveBinary(Expr& e, bool allow_agg, Command* stats) {
    if (!Resolve(*e.args[0], allow_agg, stats)) return false;
    Expr& right = *e.args[1];
    if (e.op == Op::kLike || e.op == Op::kNotLike || e.op == Op::kMatch) {
      if (right.kind == ExprKind::kRegex ||
          (e.op == Op::kMatch && right.kind == ExprKind::kString)) {
        return CompileRegex(right.text, right.start, right.end, &right.regex);
      }
      if (right.kind == ExprKind::kString) return true;
      return Fail(right.start, right.end, "expected a \"string\" or a /regex/");
    }
    return Resolve(right, allow_agg, stats);
  }

  bool ResolveCall(Expr& e, bool allow_agg, Command* stats) {
    const FunctionDef* fn = FindFunction(e.text);
    if (fn == nullptr) {
      if (auto reason = UnsupportedFunction(e.text)) {
        return Fail(e.start, e.end,
                    "the function " + e.text + " is not supported: " + std::string(*reason));
      }
      return Fail(e.start, e.end, "unknown function " + e.text);
    }
    e.fn = fn;
    const bool star = e.args.size() == 1 && e.args[0]->kind == ExprKind::kStar;
    if (e.args.size() < fn->min_args || e.args.size() > fn->max_args) {
      std::string expected = std::to_string(fn->min_args);
      if (fn->max_args != fn->min_args) {
        expected +=
            fn->max_args == kMaxCallArgs ? " or more" : " to " + std::to_string(fn->max_args);
      }
      return Fail(e.start, e.end,
                  "the function " + std::string(fn->name) + " takes " + expected +
                      " argument(s), found " + std::to_string(e.args.size()));
    }
    if (fn->agg != AggKind::kNone) {
      if (inside_agg_) return Fail(e.start, e.end, "aggregate functions cannot be nested");
      if (!allow_agg || stats == nullptr) {
        return Fail(
            e.start, e.end,
            "the aggregate function " + std::string(fn->name) + " is only allowed in stats");
      }
      if (star && fn->agg != AggKind::kCount) {
        return Fail(e.args[0]->start, e.args[0]->end, "'*' is only allowed in count(*)");
      }
      e.kind = ExprKind::kAggregate;
      e.agg_index = static_cast<int>(stats->aggregates.size());
      stats->aggregates.push_back(&e);
      if (fn->second_arg == ArgRule::kPercentLiteral) {
        const Expr& p = *e.args[1];
        if (p.kind != ExprKind::kNumber || p.number < 0 || p.number > 100) {
          return Fail(p.start, p.end, "the percentile must be a number from 0 to 100");
        }
      }
      if (star || e.args.empty()) return true;
      inside_agg_ = true;
      const bool ok = Resolve(*e.args[0], false, stats);
      inside_agg_ = false;
      return ok;
    }
    if (star) return Fail(e.args[0]->start, e.args[0]->end, "'*' is only allowed in count(*)");
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      Expr& a = *e.args[i];
      const bool period =
          (fn->first_is_period && i == 0) || (fn->second_arg == ArgRule::kPeriod && i == 1);
      if (period) {
        if (a.kind != ExprKind::kPeriod) {
          return Fail(a.start, a.end, "expected a time period such as 5m or 1h");
        }
        auto ms = PeriodValue(a.number, a.unit);
        if (!ms) return Fail(a.start, a.end, "the time period must be a positive whole number");
        a.number = *ms;
        continue;
      }
      if (!Resolve(a, allow_agg, stats)) return false;
    }
    if (fn->first_is_period) {  // bin(p): datefloor(@timestamp, p)
      auto ts = std::make_unique<Expr>();
      ts->kind = ExprKind::kField;
      ts->text = "@timestamp";
      ts->slot = Use("@timestamp");
      ts->start = e.start;
      ts->end = e.start;
      e.args.insert(e.args.begin(), std::move(ts));
    }
    return true;
  }

  static bool HasFieldOutsideAggregate(const Expr& e) {
    if (e.kind == ExprKind::kAggregate) return false;
    if (e.kind == ExprKind::kField) return true;
    for (const auto& a : e.args) {
      if (HasFieldOutsideAggregate(*a)) return true;
    }
    return false;
  }

  bool CompileCommand(Command& cmd) {
    switch (cmd.kind) {
      case CommandKind::kFields:
        for (NamedExpr& item : cmd.items) {
          if (!Resolve(*item.expr, false, nullptr)) return false;
          if (item.aliased) {
            if (!Define(item.name, item.name_start, item.name_end, &item.slot)) return false;
          } else if (item.expr->kind == ExprKind::kField) {
            item.slot = item.expr->slot;
          } else {
            item.slot = plan_->slots.Intern(item.name);
            if (plan_->slots.kind(item.slot) == SlotKind::kDiscovered) {
              plan_->slots.MarkDefined(item.slot);
            }
          }
          AddUnique(&fields_union_, item.slot);
        }
        return true;
      case CommandKind::kDisplay:
        last_display_.clear();
        for (NamedExpr& item : cmd.items) {
          item.slot = Use(item.name);
          item.expr->slot = item.slot;
          AddUnique(&last_display_, item.slot);
        }
        has_display_ = true;
        return true;
      case CommandKind::kDedup:
        for (NamedExpr& item : cmd.items) {
          item.slot = Use(item.name);
          item.expr->slot = item.slot;
        }
        return true;
      case CommandKind::kFilter:
        return Resolve(*cmd.condition, false, nullptr);
      case CommandKind::kSort:
        for (SortKey& k : cmd.sort_keys) {
          if (!Resolve(*k.expr, false, nullptr)) return false;
        }
        return true;
      case CommandKind::kLimit:
        return true;
      case CommandKind::kParse:
        return CompileParse(cmd);
      case CommandKind::kStats:
        return CompileStats(cmd);
    }
    return true;
  }

  static void AddUnique(std::vector<int>* v, int slot) {
    for (int s : *v) {
      if (s == slot) return;
    }
    v->push_back(slot);
  }

  bool CompileParse(Command& cmd) {
    if (!Resolve(*cmd.source, false, nullptr)) return false;
    if (!cmd.regex_pattern) {
      std::size_t from = 0;
      while (true) {
        const std::size_t star = cmd.pattern.find('*', from);
        cmd.glob.literals.push_back(cmd.pattern.substr(from, star - from));
        if (star == std::string::npos) break;
        from = star + 1;
      }
      const std::size_t stars = cmd.glob.literals.size() - 1;
      if (stars == 0) {
        return Fail(cmd.pattern_start, cmd.pattern_end, "the parse pattern has no '*' to capture");
      }
      if (stars != cmd.items.size()) {
        return Fail(cmd.pattern_start, cmd.items.back().name_end,
                    "the parse pattern has " + std::to_string(stars) + " '*' but " +
                        std::to_string(cmd.items.size()) + " field name(s) follow 'as'");
      }
      for (NamedExpr& item : cmd.items) {
        if (!Define(item.name, item.name_start, item.name_end, &item.slot)) return false;
      }
      return true;
    }
    if (!CompileRegex(cmd.pattern, cmd.pattern_start, cmd.pattern_end, &cmd.regex)) return false;
    for (const auto& [name, index] : cmd.regex->NamedCapturingGroups()) {
      NamedExpr item;
      item.name = name;
      item.name_start = cmd.pattern_start;
      item.name_end = cmd.pattern_end;
      cmd.items.push_back(std::move(item));
      cmd.regex_groups.push_back(index);
    }
    if (cmd.items.empty()) {
      return Fail(cmd.pattern_start, cmd.pattern_end,
                  "the parse regex has no named group (?<name>...) to capture");
    }
    for (NamedExpr& item : cmd.items) {
      if (!Define(item.name, item.name_start, item.name_end, &item.slot)) return false;
    }
    return true;
  }

  bool CompileStats(Command& cmd) {
    std::vector<int> columns;
    StringSet names;
    auto name_column = [&](NamedExpr& item) {
      if (!names.emplace(item.name).second) {
        return Fail(item.name_start, item.name_end, "the column " + item.name + " appears twice");
      }
      if (item.aliased && FindSystemField(item.name) != SystemField::kNone) {
        return Fail(item.name_start, item.name_end,
                    "the system field " + item.name + " cannot be redefined");
      }
      const bool is_new = plan_->slots.Find(item.name) < 0;
      item.slot = Use(item.name);
      if (is_new) plan_->slots.MarkDefined(item.slot);
      columns.push_back(item.slot);
      return true;
    };
    for (NamedExpr& g : cmd.group_by) {
      if (!Resolve(*g.expr, false, nullptr)) return false;
    }
    for (NamedExpr& item : cmd.items) {
      const std::size_t before = cmd.aggregates.size();
      if (!Resolve(*item.expr, true, &cmd)) return false;
      if (cmd.aggregates.size() == before) {
        return Fail(item.expr->start, item.expr->end,
                    "stats needs an aggregate function such as count(*) or avg(x)");
      }
      if (HasFieldOutsideAggregate(*item.expr)) {
        return Fail(item.expr->start, item.expr->end,
                    "a field outside an aggregate function in stats must be in 'by'");
      }
    }
    for (NamedExpr& g : cmd.group_by) {
      if (!name_column(g)) return false;
    }
    for (NamedExpr& item : cmd.items) {
      if (!name_column(item)) return false;
    }
    stats_columns_ = std::move(columns);
    plan_->aggregated = true;
    fields_union_.clear();  // only `fields` after the last stats choose its columns
    return true;
  }

  void MakePlan() {
    struct Plan& p = *plan_;
    const auto& cmds = p.ast.commands;
    std::size_t i = 0;
    for (; i < cmds.size(); ++i) {
      const Command& c = cmds[i];
      if (c.kind == CommandKind::kLimit || c.kind == CommandKind::kDedup ||
          c.kind == CommandKind::kStats) {
        break;
      }
      if (c.kind == CommandKind::kSort) {
        // A stable sort after another orders by its keys, then by the earlier ones.
        std::vector<const SortKey*> keys;
        for (const SortKey& k : c.sort_keys) keys.push_back(&k);
        p.order.insert(p.order.begin(), keys.begin(), keys.end());
      } else if (c.kind != CommandKind::kDisplay) {
        p.record_stage.push_back(&c);
      }
    }
    // Every order ends with the default one, @timestamp desc: ties of a `sort` come newest
    // first whatever order the records arrived in.
    p.default_order.expr = std::make_unique<Expr>();
    p.default_order.expr->kind = ExprKind::kField;
    p.default_order.expr->text = "@timestamp";
    p.default_order.expr->slot = p.timestamp_slot;
    p.default_order.desc = true;
    p.order.push_back(&p.default_order);
    if (i < cmds.size() && cmds[i].kind == CommandKind::kStats) {
      p.stream_stats = &cmds[i];
      ++i;
    } else if (i < cmds.size() && cmds[i].kind == CommandKind::kLimit) {
      p.record_limit = static_cast<std::size_t>(cmds[i].limit);
    }
    for (; i < cmds.size(); ++i) p.row_stage.push_back(&cmds[i]);
    p.only_top_rows = p.stream_stats == nullptr && p.row_stage.empty();

    if (has_display_) {
      p.output = last_display_;
    } else if (!fields_union_.empty()) {
      p.output = fields_union_;
    } else if (p.aggregated) {
      p.output = stats_columns_;
    } else {
      p.output = {p.timestamp_slot, p.slots.Intern("@message")};
    }
    p.add_ptr = !p.aggregated;
    for (int s : p.output) p.add_ptr = p.add_ptr && s != p.ptr_slot;
    p.required_literals = RequiredLiterals(p);
    p.discovery = std::make_unique<DiscoveryPlan>(p.slots);
  }

  struct Plan* plan_;
  CompileError* error_;
  StringSet used_;
  bool inside_agg_ = false;
  std::vector<int> fields_union_;
  std::vector<int> last_display_;
  bool has_display_ = false;
  std::vector<int> stats_columns_;
};

// Each '*' takes the shortest text that lets the next literal match; the last takes the rest
// when the pattern ends with '*'. Text before the first literal is skipped.
bool MatchGlob(const GlobPattern& glob, std::string_view text, std::string_view* captures) {
  const auto& lit = glob.literals;
  std::size_t pos = text.find(lit[0]);
  if (pos == std::string_view::npos) return false;
  pos += lit[0].size();
  for (std::size_t i = 1; i < lit.size(); ++i) {
    if (i == lit.size() - 1 && lit[i].empty()) {
      captures[i - 1] = text.substr(pos);
      return true;
    }
    const std::size_t hit = text.find(lit[i], pos);
    if (hit == std::string_view::npos) return false;
    captures[i - 1] = text.substr(pos, hit - pos);
    pos = hit + lit[i].size();
  }
  return true;
}

void ApplyParse(const Command& cmd, Env& env) {
  Value source = Eval(*cmd.source, env);
  if (source.null()) return;
  if (source.kind != ValueKind::kString) {
    std::string scratch;
    source = Value::Owned(std::string(AsString(source, &scratch)));
  }
  auto capture = [&](std::size_t item, std::string_view text) {
    Value v = Value::View(text);
    v.owner = source.owner;
    env.Set(cmd.items[item].slot, std::move(v));
  };
  if (!cmd.regex_pattern) {
    constexpr std::size_t kInline = 16;
    std::string_view inline_captures[kInline];
    std::vector<std::string_view> many;
    std::string_view* captures = inline_captures;
    if (cmd.items.size() > kInline) {
      many.resize(cmd.items.size());
      captures = many.data();
    }
    if (!MatchGlob(cmd.glob, source.str, captures)) return;
    for (std::size_t i = 0; i < cmd.items.size(); ++i) capture(i, captures[i]);
    return;
  }
  const int groups = cmd.regex->NumberOfCapturingGroups();
  thread_local std::vector<re2::StringPiece> pieces;
  pieces.assign(static_cast<std::size_t>(groups) + 1, re2::StringPiece());
  // The text as a StringPiece: Debian 13's RE2 takes absl::string_view (see evaluate.cpp).
  if (!cmd.regex->Match(re2::StringPiece(source.str.data(), source.str.size()), 0,
                        source.str.size(), RE2::UNANCHORED, pieces.data(), groups + 1)) {
    return;
  }
  for (std::size_t i = 0; i < cmd.items.size(); ++i) {
    const re2::StringPiece& p = pieces[static_cast<std::size_t>(cmd.regex_groups[i])];
    if (p.data() == nullptr) continue;  // an optional group that did not take part
    capture(i, std::string_view(p.data(), p.size()));
  }
}

}  // namespace

std::unique_ptr<Plan> CompilePlan(std::string_view text, CompileError* error) {
  auto plan = std::make_unique<Plan>();
  plan->text = std::string(text);
  if (!ParseQuery(plan->text, &plan->ast, error)) return nullptr;
  Compiler compiler(plan.get(), error);
  if (!compiler.Run()) return nullptr;
  return plan;
}

bool ApplyRecordCommand(const Command& cmd, Env& env) {
  switch (cmd.kind) {
    case CommandKind::kFilter:
      return Truthy(Eval(*cmd.condition, env));
    case CommandKind::kFields:
      for (const NamedExpr& item : cmd.items) {
        if (!item.aliased && item.expr->kind == ExprKind::kField) continue;
        env.Set(item.slot, Eval(*item.expr, env));
      }
      return true;
    case CommandKind::kParse:
      ApplyParse(cmd, env);
      return true;
    default:
      return true;
  }
}

}  // namespace cwlogd::insights
