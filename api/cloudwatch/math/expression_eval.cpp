// Semantics follow the CloudWatch metric math reference: series combine point by point on
// shared timestamps, aggregate functions reduce a series to a scalar and an array to a series,
// and points that come out non-finite (x/0, LOG(-1)) are dropped rather than returned.
#include "api/cloudwatch/math/expression_eval.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "api/cloudwatch/math/search_expression.h"
#include "base/civil_time.h"

namespace cwlogd::api::cloudwatch::math {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Each SEARCH lists the store; a request may run only a few.
constexpr int kMaxSearchesPerEvaluation = 16;

std::nullopt_t Syntax(EvalError* e, std::string message) {
  *e = {EvalError::Kind::kSyntax, std::move(message)};
  return std::nullopt;
}
std::nullopt_t Limit(EvalError* e, std::string message) {
  *e = {EvalError::Kind::kEvaluation, std::move(message)};
  return std::nullopt;
}

void Push(Series& s, int64_t t, double v) {
  if (!std::isfinite(v)) return;
  s.timestamps.push_back(t);
  s.values.push_back(v);
}

Series Like(const Series& s) {
  Series out;
  out.id = s.id;
  out.label = s.label;
  out.period_ms = s.period_ms;
  return out;
}

Series Map(const Series& s, const std::function<double(double)>& f) {
  Series out = Like(s);
  out.timestamps.reserve(s.timestamps.size());
  out.values.reserve(s.values.size());
  for (size_t i = 0; i < s.values.size(); ++i) Push(out, s.timestamps[i], f(s.values[i]));
  return out;
}

// Points present in both series.
Series Zip(const Series& a, const Series& b, const std::function<double(double, double)>& f) {
  Series out = Like(a);
  size_t i = 0;
  size_t j = 0;
  while (i < a.timestamps.size() && j < b.timestamps.size()) {
    if (a.timestamps[i] < b.timestamps[j]) {
      ++i;
    } else if (b.timestamps[j] < a.timestamps[i]) {
      ++j;
    } else {
      Push(out, a.timestamps[i], f(a.values[i], b.values[j]));
      ++i;
      ++j;
    }
  }
  return out;
}

std::optional<double> ApplyBinary(const std::string& op, double a, double b) {
  if (op == "+") return a + b;
  if (op == "-") return a - b;
  if (op == "*") return a * b;
  if (op == "/") return b == 0 ? kNaN : a / b;
  if (op == "^") return std::pow(a, b);
  if (op == "==") return a == b ? 1.0 : 0.0;
  if (op == "!=") return a != b ? 1.0 : 0.0;
  if (op == "<") return a < b ? 1.0 : 0.0;
  if (op == "<=") return a <= b ? 1.0 : 0.0;
  if (op == ">") return a > b ? 1.0 : 0.0;
  if (op == ">=") return a >= b ? 1.0 : 0.0;
  if (op == "AND") return (a != 0 && b != 0) ? 1.0 : 0.0;
  if (op == "OR") return (a != 0 || b != 0) ? 1.0 : 0.0;
  return std::nullopt;
}

enum class Reduce { kAvg, kMax, kMin, kSum, kStddev, kCount };

double ReduceValues(const std::vector<double>& v, Reduce r) {
  if (r == Reduce::kCount) return static_cast<double>(v.size());
  if (v.empty()) return kNaN;
  switch (r) {
    case Reduce::kSum:
      return std::accumulate(v.begin(), v.end(), 0.0);
    case Reduce::kAvg:
      return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    case Reduce::kMax:
      return *std::max_element(v.begin(), v.end());
    case Reduce::kMin:
      return *std::min_element(v.begin(), v.end());
    case Reduce::kStddev: {
      const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
      double sq = 0;
      for (double x : v) sq += (x - mean) * (x - mean);
      return std::sqrt(sq / static_cast<double>(v.size()));
    }
    case Reduce::kCount:
      break;
  }
  return kNaN;
}

// Across the series of an array, per timestamp (union of timestamps).
Series ReduceAcross(const std::vector<Series>& arr, Reduce r, int64_t default_period) {
  Series out;
  out.period_ms = arr.empty() ? default_period : arr[0].period_ms;
  std::map<int64_t, std::vector<double>> by_time;
  for (const auto& s : arr) {
    for (size_t i = 0; i < s.values.size(); ++i) by_time[s.timestamps[i]].push_back(s.values[i]);
  }
  for (const auto& [t, vals] : by_time) Push(out, t, ReduceValues(vals, r));
  return out;
}

std::optional<Reduce> ReduceByName(std::string_view name) {
  if (name == "AVG") return Reduce::kAvg;
  if (name == "MAX") return Reduce::kMax;
  if (name == "MIN") return Reduce::kMin;
  if (name == "SUM") return Reduce::kSum;
  if (name == "STDDEV") return Reduce::kStddev;
  if (name == "COUNT" || name == "DATAPOINT_COUNT") return Reduce::kCount;
  return std::nullopt;
}

double TimePart(std::string_view fn, int64_t t_ms) {
  const base::DayAndTime split = base::SplitEpochMillis(t_ms);
  const int64_t days = split.day;
  const int64_t rem = split.millis_of_day / 1000;  // seconds into the day
  const int64_t secs = days * 86400 + rem;
  if (fn == "EPOCH") return static_cast<double>(secs);
  if (fn == "MINUTE") return static_cast<double>((rem / 60) % 60);
  if (fn == "HOUR") {
    const int64_t hour = rem / 3600;
    return static_cast<double>(hour);
  }
  if (fn == "DAY") {  // ISO day of week: Monday 1 .. Sunday 7 (1970-01-01 was a Thursday)
    int64_t w = (days + 3) % 7;
    if (w < 0) w += 7;
    return static_cast<double>(w + 1);
  }
  const base::CivilDate date = base::CivilFromDays(days);
  if (fn == "DATE") return date.day;
  if (fn == "MONTH") return date.month;
  return static_cast<double>(date.year);  // YEAR
}

bool IsSeriesLike(const Value& v) { return v.kind != Value::Kind::kScalar; }

// Applies `f` to every series of a series/array value, keeping its shape.
Value EachSeries(const Value& v, const std::function<Series(const Series&)>& f) {
  Value out = v;
  for (auto& s : out.series) s = f(s);
  return out;
}

std::string KindName(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kScalar:
      return "a scalar";
    case Value::Kind::kSeries:
      return "a time series";
    case Value::Kind::kArray:
      return "an array of time series";
  }
  return "a value";
}

}  // namespace

std::optional<double> StatOf(const storage::MetricAggregate& a, std::string_view stat) {
  if (stat == "SampleCount") return a.sample_count;
  if (stat == "Sum") return a.sum;
  if (stat == "Average") return a.sample_count > 0 ? a.sum / a.sample_count : kNaN;
  if (stat == "Minimum") return a.minimum;
  if (stat == "Maximum") return a.maximum;
  return std::nullopt;
}

Evaluator::Evaluator(const EvalOptions& options, MetricSource* source)
    : options_(options), source_(source) {}

void Evaluator::DefineMetric(const std::string& id, Series series) {
  series.id = id;
  Entry e;
  e.period_ms = series.period_ms;
  e.metric = true;
  e.value = Value::One(std::move(series));
  entries_[id] = std::move(e);
  metric_order_.push_back(id);
}

void Evaluator::DefineExpression(const std::string& id, const Node* node, int64_t period_ms) {
  Entry e;
  e.node = node;
  e.period_ms = period_ms;
  entries_[id] = std::move(e);
}

std::optional<Value> Evaluator::Resolve(const std::string& id, EvalError* error) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return Syntax(error, "Unrecognized identifier '" + id + "'.");
  Entry& e = it->second;
  if (e.value) return e.value;
  if (e.visiting || e.node == nullptr) {
    return Syntax(error, "Circular dependency through '" + id + "'.");
  }
  e.visiting = true;
  auto v = Eval(*e.node, e.period_ms, error);
  e.visiting = false;
  if (!v) return std::nullopt;
  if (v->kind == Value::Kind::kSeries) {  // a referenced expression reads as its id
    v->series[0].id = id;
    v->series[0].label = id;
  }
  for (auto& s : v->series) {
    if (s.id.empty()) s.id = id;
  }
  e.value = v;
  return v;
}

std::optional<Value> Evaluator::Evaluate(const Node& node, EvalError* error) {
  return Eval(node, options_.default_period_ms, error);
}

std::optional<Value> Evaluator::Eval(const Node& n, int64_t period_ms, EvalError* error) {
  switch (n.kind) {
    case Node::Kind::kNumber:
      return Value::Scalar(n.number);
    case Node::Kind::kString:
      return Syntax(error, "Unexpected string \"" + n.text + "\".");
    case Node::Kind::kKeyword:
      return Syntax(error, "Unexpected '" + n.text + "'.");
    case Node::Kind::kId: {
      auto v = Resolve(n.text, error);
      if (!v) return std::nullopt;
      return v;
    }
    case Node::Kind::kArray: {
      std::vector<Series> out;
      for (const auto& c : n.children) {
        auto v = Eval(c, period_ms, error);
        if (!v) return std::nullopt;
        if (!IsSeriesLike(*v)) return Syntax(error, "An array may only hold time series.");
        for (auto& s : v->series) out.push_back(std::move(s));
        if (out.size() > options_.max_series) {
          return Limit(error, "Too many time series (more than " +
                                  std::to_string(options_.max_series) + ").");
        }
      }
      return Value::Array(std::move(out));
    }
    case Node::Kind::kUnary: {
      auto v = Eval(n.children.at(0), period_ms, error);
      if (!v) return std::nullopt;
      if (v->kind == Value::Kind::kScalar) return Value::Scalar(-v->scalar);
      return EachSeries(*v, [](const Series& s) { return Map(s, [](double x) { return -x; }); });
    }
    case Node::Kind::kBinary: {
      auto a = Eval(n.children.at(0), period_ms, error);
      if (!a) return std::nullopt;
      auto b = Eval(n.children.at(1), period_ms, error);
      if (!b) return std::nullopt;
      const std::string& op = n.text;
      auto f = [&op](double x, double y) { return ApplyBinary(op, x, y).value_or(kNaN); };
      if (a->kind == Value::Kind::kScalar && b->kind == Value::Kind::kScalar) {
        return Value::Scalar(f(a->scalar, b->scalar));
      }
      if (a->kind == Value::Kind::kScalar) {
        const double x = a->scalar;
        return EachSeries(
            *b, [&](const Series& s) { return Map(s, [&](double y) { return f(x, y); }); });
      }
      if (b->kind == Value::Kind::kScalar) {
        const double y = b->scalar;
        return EachSeries(
            *a, [&](const Series& s) { return Map(s, [&](double x) { return f(x, y); }); });
      }
      if (a->kind == Value::Kind::kArray && b->kind == Value::Kind::kArray) {
        return Syntax(error, "The operator " + op + " cannot combine two arrays of time series.");
      }
      if (b->kind == Value::Kind::kSeries) {
        const Series& sb = b->series[0];
        return EachSeries(*a, [&](const Series& s) { return Zip(s, sb, f); });
      }
      const Series& sa = a->series[0];
      return EachSeries(*b, [&](const Series& s) {
        Series out = Zip(sa, s, f);
        out.label = s.label;
        out.id = s.id;
        return out;
      });
    }
    case Node::Kind::kCall:
      return Call(n, period_ms, error);
  }
  return Syntax(error, "Unsupported expression.");
}

std::optional<Value> Evaluator::Call(const Node& n, int64_t period_ms, EvalError* error) {
  const std::string& fn = n.text;
  const size_t argc = n.children.size();
  auto arity = [&](size_t lo, size_t hi) -> bool {
    if (argc < lo || argc > hi) {
      Syntax(error, "Invalid number of arguments for function " + fn + ".");
      return false;
    }
    return true;
  };
  auto arg = [&](size_t i) { return Eval(n.children[i], period_ms, error); };
  auto keyword = [&](size_t i) -> std::string {
    const Node& c = n.children[i];
    if (c.kind == Node::Kind::kKeyword || c.kind == Node::Kind::kString) return c.text;
    return "";
  };
  auto series_arg = [&](size_t i) -> std::optional<Value> {
    auto v = arg(i);
    if (!v) return std::nullopt;
    if (!IsSeriesLike(*v)) {
      return Syntax(error, "Function " + fn + " expects a time series or an array, got " +
                               KindName(*v) + ".");
    }
    return v;
  };

  if (fn == "INSIGHT_RULE_METRIC" || fn == "ANOMALY_DETECTION_BAND") {
    return Syntax(error, "The function " + fn + " is not supported by this server.");
  }
  if (fn == "ABS" || fn == "CEIL" || fn == "FLOOR" || fn == "LOG" || fn == "LOG10") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = arg(0);
    if (!v) return std::nullopt;
    std::function<double(double)> f;
    if (fn == "ABS") f = [](double x) { return std::fabs(x); };
    if (fn == "CEIL") f = [](double x) { return std::ceil(x); };
    if (fn == "FLOOR") f = [](double x) { return std::floor(x); };
    if (fn == "LOG") f = [](double x) { return x > 0 ? std::log(x) : kNaN; };
    if (fn == "LOG10") f = [](double x) { return x > 0 ? std::log10(x) : kNaN; };
    if (v->kind == Value::Kind::kScalar) return Value::Scalar(f(v->scalar));
    return EachSeries(*v, [&](const Series& s) { return Map(s, f); });
  }
  if (auto r = ReduceByName(fn); r && fn != "COUNT") {
    if (argc < 1) return Syntax(error, "Invalid number of arguments for function " + fn + ".");
    std::vector<Series> arr;
    if (argc == 1) {
      auto v = arg(0);
      if (!v) return std::nullopt;
      if (v->kind == Value::Kind::kScalar) {
        if (*r == Reduce::kCount) return Syntax(error, fn + " expects a time series.");
        return Value::Scalar(*r == Reduce::kStddev ? 0.0 : v->scalar);
      }
      if (v->kind == Value::Kind::kSeries) {
        return Value::Scalar(ReduceValues(v->series[0].values, *r));
      }
      return Value::One(ReduceAcross(v->series, *r, period_ms));
    }
    for (size_t i = 0; i < argc; ++i) {  // MAX(m1, m2): as MAX([m1, m2])
      auto v = series_arg(i);
      if (!v) return std::nullopt;
      for (auto& s : v->series) arr.push_back(std::move(s));
    }
    return Value::One(ReduceAcross(arr, *r, period_ms));
  }
  if (fn == "DIFF" || fn == "DIFF_TIME" || fn == "RATE" || fn == "RUNNING_SUM") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    return EachSeries(*v, [&](const Series& s) {
      Series out = Like(s);
      double running = 0;
      for (size_t i = 0; i < s.values.size(); ++i) {
        if (fn == "RUNNING_SUM") {
          running += s.values[i];
          Push(out, s.timestamps[i], running);
          continue;
        }
        if (i == 0) continue;
        const double dt = static_cast<double>(s.timestamps[i] - s.timestamps[i - 1]) / 1000.0;
        const double dv = s.values[i] - s.values[i - 1];
        if (fn == "DIFF") Push(out, s.timestamps[i], dv);
        if (fn == "DIFF_TIME") Push(out, s.timestamps[i], dt);
        if (fn == "RATE") Push(out, s.timestamps[i], dt > 0 ? dv / dt : kNaN);
      }
      return out;
    });
  }
  if (fn == "FILL") {
    if (!arity(2, 2)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    const std::string mode = keyword(1);
    std::optional<Value> with;
    if (mode != "REPEAT" && mode != "LINEAR") {
      with = arg(1);
      if (!with) return std::nullopt;
      if (with->kind == Value::Kind::kArray) {
        return Syntax(error, "FILL's value must be a scalar, a time series, REPEAT or LINEAR.");
      }
    }
    std::optional<EvalError> failure;
    Value out = EachSeries(*v, [&](const Series& s) {
      Series r = Like(s);
      const int64_t p = s.period_ms > 0 ? s.period_ms : period_ms;
      if (p <= 0 ||
          (options_.end_ms - options_.start_ms) / p > static_cast<int64_t>(options_.max_points)) {
        failure = EvalError{EvalError::Kind::kEvaluation, "FILL would create too many points."};
        return r;
      }
      size_t j = 0;
      for (int64_t t = options_.start_ms; t < options_.end_ms; t += p) {
        while (j < s.timestamps.size() && s.timestamps[j] < t) ++j;
        if (j < s.timestamps.size() && s.timestamps[j] == t) {
          Push(r, t, s.values[j]);
          continue;
        }
        if (mode == "REPEAT") {
          if (!r.values.empty()) Push(r, t, r.values.back());
        } else if (mode == "LINEAR") {
          if (j > 0 && j < s.timestamps.size()) {
            const double t0 = static_cast<double>(s.timestamps[j - 1]);
            const double t1 = static_cast<double>(s.timestamps[j]);
            const double w = (static_cast<double>(t) - t0) / (t1 - t0);
            Push(r, t, s.values[j - 1] + w * (s.values[j] - s.values[j - 1]));
          }
        } else if (with->kind == Value::Kind::kScalar) {
          Push(r, t, with->scalar);
        } else {
          const Series& w = with->series[0];
          auto it = std::lower_bound(w.timestamps.begin(), w.timestamps.end(), t);
          if (it != w.timestamps.end() && *it == t) {
            Push(r, t, w.values[static_cast<size_t>(it - w.timestamps.begin())]);
          }
        }
      }
      return r;
    });
    if (failure) {
      *error = *failure;
      return std::nullopt;
    }
    return out;
  }
  if (fn == "FIRST" || fn == "LAST") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    if (v->series.empty()) return Value::Array({});
    return Value::One(fn == "FIRST" ? v->series.front() : v->series.back());
  }
  if (fn == "IF") {
    if (!arity(2, 3)) return std::nullopt;
    auto cond = arg(0);
    if (!cond) return std::nullopt;
    auto yes = arg(1);
    if (!yes) return std::nullopt;
    std::optional<Value> no;
    if (argc == 3) {
      no = arg(2);
      if (!no) return std::nullopt;
    }
    if (yes->kind == Value::Kind::kArray || (no && no->kind == Value::Kind::kArray)) {
      return Syntax(error, "IF's values must be scalars or time series.");
    }
    if (cond->kind == Value::Kind::kScalar) {
      if (cond->scalar != 0) return yes;
      if (no) return no;
      return Value::One(Series{"", "", period_ms, {}, {}});
    }
    auto pick = [](const Value& v, int64_t t, double* out) {
      if (v.kind == Value::Kind::kScalar) {
        *out = v.scalar;
        return true;
      }
      const Series& s = v.series[0];
      auto it = std::lower_bound(s.timestamps.begin(), s.timestamps.end(), t);
      if (it == s.timestamps.end() || *it != t) return false;
      *out = s.values[static_cast<size_t>(it - s.timestamps.begin())];
      return true;
    };
    return EachSeries(*cond, [&](const Series& c) {
      Series out = Like(c);
      for (size_t i = 0; i < c.values.size(); ++i) {
        double x = 0;
        const Value* src = c.values[i] != 0 ? &*yes : (no ? &*no : nullptr);
        if (src != nullptr && pick(*src, c.timestamps[i], &x)) Push(out, c.timestamps[i], x);
      }
      return out;
    });
  }
  if (fn == "METRICS") {
    if (!arity(0, 1)) return std::nullopt;
    std::string filter;
    if (argc == 1) {
      if (n.children[0].kind != Node::Kind::kString) {
        return Syntax(error, "METRICS expects a string filter.");
      }
      filter = n.children[0].text;
    }
    std::vector<Series> out;
    for (const auto& id : metric_order_) {
      if (!filter.empty() && id.find(filter) == std::string::npos) continue;
      const Entry& e = entries_.at(id);
      if (e.value && !e.value->series.empty()) out.push_back(e.value->series[0]);
    }
    return Value::Array(std::move(out));
  }
  if (fn == "MINUTE" || fn == "HOUR" || fn == "DAY" || fn == "DATE" || fn == "MONTH" ||
      fn == "YEAR" || fn == "EPOCH") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    return EachSeries(*v, [&](const Series& s) {
      Series out = Like(s);
      for (int64_t t : s.timestamps) Push(out, t, TimePart(fn, t));
      return out;
    });
  }
  if (fn == "PERIOD") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    const int64_t p = v->series.empty() ? period_ms : v->series[0].period_ms;
    return Value::Scalar(static_cast<double>(p) / 1000.0);
  }
  if (fn == "REMOVE_EMPTY") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    std::vector<Series> out;
    for (auto& s : v->series) {
      if (!s.values.empty()) out.push_back(std::move(s));
    }
    return Value::Array(std::move(out));
  }
  if (fn == "SEARCH") return Search(n, period_ms, error);
  if (fn == "SLICE") {
    if (!arity(3, 3)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    auto a = arg(1);
    if (!a) return std::nullopt;
    auto b = arg(2);
    if (!b) return std::nullopt;
    if (a->kind != Value::Kind::kScalar || b->kind != Value::Kind::kScalar) {
      return Syntax(error, "SLICE expects numbers for its start and end.");
    }
    const auto size = static_cast<double>(v->series.size());
    const double lo = std::clamp(std::floor(a->scalar), 0.0, size);
    const double hi = std::clamp(std::floor(b->scalar), lo, size);
    std::vector<Series> out(v->series.begin() + static_cast<ptrdiff_t>(lo),
                            v->series.begin() + static_cast<ptrdiff_t>(hi));
    return Value::Array(std::move(out));
  }
  if (fn == "SORT") {
    if (!arity(3, 4)) return std::nullopt;
    auto v = series_arg(0);
    if (!v) return std::nullopt;
    auto by = ReduceByName(keyword(1));
    const std::string order = keyword(2);
    if (!by || (order != "ASC" && order != "DESC")) {
      return Syntax(error,
                    "SORT expects SORT(array, AVG|COUNT|MAX|MIN|STDDEV|SUM, ASC|DESC[, limit]).");
    }
    std::vector<std::pair<double, size_t>> keys;
    for (size_t i = 0; i < v->series.size(); ++i) {
      double k = ReduceValues(v->series[i].values, *by);
      if (std::isnan(k)) k = -std::numeric_limits<double>::infinity();  // empty series last
      keys.emplace_back(order == "DESC" ? -k : k, i);
    }
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    size_t limit = keys.size();
    if (argc == 4) {
      auto l = arg(3);
      if (!l) return std::nullopt;
      if (l->kind != Value::Kind::kScalar || l->scalar < 0) {
        return Syntax(error, "SORT's limit must be a non-negative number.");
      }
      limit = std::min(limit, static_cast<size_t>(std::min(l->scalar, 1e9)));
    }
    std::vector<Series> out;
    for (size_t i = 0; i < limit; ++i) out.push_back(std::move(v->series[keys[i].second]));
    return Value::Array(std::move(out));
  }
  if (fn == "TIME_SERIES") {
    if (!arity(1, 1)) return std::nullopt;
    auto v = arg(0);
    if (!v) return std::nullopt;
    if (v->kind != Value::Kind::kScalar) return Syntax(error, "TIME_SERIES expects a scalar.");
    const int64_t p = period_ms > 0 ? period_ms : 60'000;
    if ((options_.end_ms - options_.start_ms) / p > static_cast<int64_t>(options_.max_points)) {
      return Limit(error, "TIME_SERIES would create too many points.");
    }
    Series s;
    s.period_ms = p;
    for (int64_t t = options_.start_ms; t < options_.end_ms; t += p) Push(s, t, v->scalar);
    return Value::One(std::move(s));
  }
  return Syntax(error, "Unrecognized function '" + fn + "'.");
}

std::optional<Value> Evaluator::Search(const Node& n, int64_t period_ms, EvalError* error) {
  if (n.children.size() != 3 || n.children[0].kind != Node::Kind::kString ||
      n.children[1].kind != Node::Kind::kString || n.children[2].kind != Node::Kind::kNumber) {
    return Syntax(error, "SEARCH expects SEARCH('query', 'Statistic', period).");
  }
  (void)period_ms;  // SEARCH names its own period
  if (++searches_ > kMaxSearchesPerEvaluation) {
    return Limit(error, "More than " + std::to_string(kMaxSearchesPerEvaluation) +
                            " SEARCH functions in one request.");
  }
  ParseError pe;
  auto query = ParseSearchQuery(n.children[0].text, &pe);
  if (!query) return Syntax(error, "Invalid SEARCH query: " + pe.message);
  const std::string& stat = n.children[1].text;
  if (!StatOf(storage::MetricAggregate{}, stat)) {
    return Syntax(error, "SEARCH statistic '" + stat + "' is not supported by this server.");
  }
  const double period_s = n.children[2].number;
  if (period_s < 60 || period_s > 86400.0 * 455 || std::fmod(period_s, 60) != 0) {
    return Syntax(error, "SEARCH period must be a multiple of 60 seconds.");
  }
  const auto p = static_cast<int64_t>(period_s) * 1000;
  if (source_ == nullptr) return Value::Array({});
  // Scan a bounded number of candidates; more matches than max_series is a limit error.
  const size_t scan_cap = options_.max_search_metrics * 20;
  auto candidates = source_->Metrics(query->schema_namespace.value_or(""), scan_cap);
  std::vector<Series> out;
  for (const auto& m : candidates) {
    if (!SearchMatches(*query, m)) continue;
    if (out.size() >= options_.max_search_metrics ||
        ++searched_metrics_ > options_.max_search_metrics * 2) {
      return Limit(error, "SEARCH matched more than " +
                              std::to_string(options_.max_search_metrics) + " metrics.");
    }
    Series s;
    s.period_ms = p;
    s.label = m.metric_name;
    for (const auto& d : m.dimensions) s.label += " " + d.value;
    for (const auto& [t, agg] : source_->Aggregates(m, p)) {
      Push(s, t, StatOf(agg, stat).value_or(kNaN));
    }
    out.push_back(std::move(s));
  }
  return Value::Array(std::move(out));
}

}  // namespace cwlogd::api::cloudwatch::math
