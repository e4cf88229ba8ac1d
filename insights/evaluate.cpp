// Evaluation. A comparison with a missing field is false (`!=` and `not like` too), so filters
// drop records that lack the field; arithmetic on non-numbers gives null.
#include "insights/evaluate.h"

#include <array>
#include <cmath>
#include <string>

#include <re2/re2.h>

#include "insights/functions.h"

namespace cwlogd::insights {

namespace {

// <0, 0, >0; numerically when both sides are numeric, else as text. Both non-null.
int CompareForFilter(const Value& a, const Value& b) {
  double x = 0;
  double y = 0;
  if (AsNumber(a, &x) && AsNumber(b, &y)) return x < y ? -1 : (x > y ? 1 : 0);
  std::string sa;
  std::string sb;
  const int c = AsString(a, &sa).compare(AsString(b, &sb));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

Value Arithmetic(Op op, const Value& a, const Value& b) {
  double x = 0;
  double y = 0;
  if (!AsNumber(a, &x) || !AsNumber(b, &y)) return {};
  double r = 0;
  switch (op) {
    case Op::kAdd:
      r = x + y;
      break;
    case Op::kSub:
      r = x - y;
      break;
    case Op::kMul:
      r = x * y;
      break;
    case Op::kDiv:
      if (y == 0) return {};
      r = x / y;
      break;
    case Op::kMod:
      if (y == 0) return {};
      r = std::fmod(x, y);
      break;
    case Op::kPow:
      r = std::pow(x, y);
      break;
    default:
      return {};
  }
  if (!std::isfinite(r)) return {};
  return Value::Number(r);
}

}  // namespace

bool MatchesPattern(const Expr& pattern, std::string_view text) {
  // StringPiece, not std::string_view: Debian 13's RE2 takes absl::string_view, which Debian's
  // abseil does not alias to std::string_view (as filters/pattern_common.cpp does).
  if (pattern.regex) {
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *pattern.regex);
  }
  return text.find(pattern.text) != std::string_view::npos;
}

Value Eval(const Expr& e, Env& env) {
  switch (e.kind) {
    case ExprKind::kNumber:
    case ExprKind::kPeriod:
      return Value::Number(e.number);
    case ExprKind::kString:
      return Value::View(e.text);
    case ExprKind::kField:
      return env.Get(e.slot);
    case ExprKind::kAggregate:
      if (env.agg_results == nullptr || e.agg_index < 0 ||
          static_cast<std::size_t>(e.agg_index) >= env.agg_results->size()) {
        return {};
      }
      return (*env.agg_results)[static_cast<std::size_t>(e.agg_index)];
    case ExprKind::kCall: {
      if (e.fn == nullptr || e.fn->eval == nullptr || e.args.size() > kMaxCallArgs) return {};
      // Most calls take one to three arguments: a small array keeps the hot path cheap.
      if (e.args.size() <= 3) {
        std::array<Value, 3> args;
        for (std::size_t i = 0; i < e.args.size(); ++i) args[i] = Eval(*e.args[i], env);
        return e.fn->eval(args.data(), e.args.size());
      }
      std::array<Value, kMaxCallArgs> args;
      for (std::size_t i = 0; i < e.args.size(); ++i) args[i] = Eval(*e.args[i], env);
      return e.fn->eval(args.data(), e.args.size());
    }
    case ExprKind::kUnary: {
      const Value v = Eval(*e.args[0], env);
      if (e.op == Op::kNot) return Value::Bool(!Truthy(v));
      double x = 0;
      if (!AsNumber(v, &x)) return {};
      return Value::Number(-x);
    }
    case ExprKind::kBinary:
      break;
    case ExprKind::kRegex:
    case ExprKind::kStar:
    case ExprKind::kList:
      return {};
  }
  const Expr& left = *e.args[0];
  const Expr& right = *e.args[1];
  switch (e.op) {
    case Op::kAnd:
      return Value::Bool(Truthy(Eval(left, env)) && Truthy(Eval(right, env)));
    case Op::kOr:
      return Value::Bool(Truthy(Eval(left, env)) || Truthy(Eval(right, env)));
    case Op::kLike:
    case Op::kNotLike:
    case Op::kMatch: {
      const Value v = Eval(left, env);
      if (v.null()) return Value::Bool(false);
      std::string scratch;
      const bool m = MatchesPattern(right, AsString(v, &scratch));
      return Value::Bool(e.op == Op::kNotLike ? !m : m);
    }
    case Op::kIn:
    case Op::kNotIn: {
      const Value v = Eval(left, env);
      if (v.null()) return Value::Bool(false);
      bool found = false;
      for (const auto& item : right.args) {
        if (ValuesEqual(v, Eval(*item, env))) {
          found = true;
          break;
        }
      }
      return Value::Bool(e.op == Op::kIn ? found : !found);
    }
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      const Value a = Eval(left, env);
      const Value b = Eval(right, env);
      if (a.null() || b.null()) return Value::Bool(false);
      if (e.op == Op::kEq) return Value::Bool(ValuesEqual(a, b));
      if (e.op == Op::kNe) return Value::Bool(!ValuesEqual(a, b));
      const int c = CompareForFilter(a, b);
      switch (e.op) {
        case Op::kLt:
          return Value::Bool(c < 0);
        case Op::kLe:
          return Value::Bool(c <= 0);
        case Op::kGt:
          return Value::Bool(c > 0);
        default:
          return Value::Bool(c >= 0);
      }
    }
    default:
      return Arithmetic(e.op, Eval(left, env), Eval(right, env));
  }
}

}  // namespace cwlogd::insights
