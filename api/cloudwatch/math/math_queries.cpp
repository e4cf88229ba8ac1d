// Labels: a single series takes the query's Label (else its Id); each series of an array keeps
// its own label, after the query's Label when one is set (as the console's legends read).
#include "api/cloudwatch/math/math_queries.h"

#include <set>

namespace cwlogd::api::cloudwatch::math {

std::variant<std::vector<ParsedExpressionQuery>, ApiError> ParseExpressionQueries(
    const std::vector<ExpressionQuery>& queries) {
  std::vector<ParsedExpressionQuery> out;
  out.reserve(queries.size());
  size_t insights = 0;
  for (const auto& q : queries) {
    ParsedExpressionQuery p;
    p.query = q;
    ParseError pe;
    if (IsInsightsQuery(q.expression)) {
      p.insights = ParseInsightsQuery(q.expression, &pe);
      if (!p.insights) return ExpressionError(q.id, pe.message);
      if (++insights > 1) {
        return ExpressionError(q.id, "Only one Metrics Insights query is allowed per request.");
      }
      if (!q.period_s) {
        return ExpressionError(q.id, "A Metrics Insights query needs a Period.");
      }
    } else {
      p.node = ParseExpression(q.expression, &pe);
      if (!p.node) {
        return ExpressionError(
            q.id, pe.message + " (at character " + std::to_string(pe.offset + 1) + ")");
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

ApiError ExpressionError(const std::string& id, const std::string& message) {
  return {"ValidationError", "Error in expression '" + id + "': " + message, 400};
}

std::optional<ApiError> ValidateExpressionQueries(const std::vector<ExpressionQuery>& queries,
                                                  const std::vector<std::string>& metric_ids) {
  auto parsed = ParseExpressionQueries(queries);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  const auto& all = std::get<std::vector<ParsedExpressionQuery>>(parsed);
  std::set<std::string> known(metric_ids.begin(), metric_ids.end());
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& p : all) known.insert(p.query.id);
  for (const auto& p : all) {
    if (!p.node) continue;
    std::vector<std::string> ids;
    CollectIds(*p.node, &ids);
    for (const auto& id : ids) {
      if (!known.contains(id)) {
        return ExpressionError(p.query.id, "Unrecognized identifier '" + id + "'.");
      }
    }
    deps[p.query.id] = std::move(ids);
  }
  // Cycle check: iterative DFS over expression ids (0 unseen, 1 on the stack, 2 done).
  std::map<std::string, int> state;
  for (const auto& [root, unused] : deps) {
    (void)unused;
    if (state[root] == 2) continue;
    std::vector<std::pair<std::string, size_t>> stack{{root, 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [id, next] = stack.back();
      const auto& d = deps[id];
      if (next >= d.size()) {
        state[id] = 2;
        stack.pop_back();
        continue;
      }
      const std::string child = d[next++];
      if (!deps.contains(child)) continue;  // a MetricStat id
      if (state[child] == 1) {
        return ExpressionError(root, "Circular dependency through '" + child + "'.");
      }
      if (state[child] == 0) {
        state[child] = 1;
        stack.emplace_back(child, 0);
      }
    }
  }
  return std::nullopt;
}

std::variant<std::map<std::string, std::vector<MathResult>>, ApiError> EvaluateExpressionQueries(
    const std::vector<ExpressionQuery>& queries, const std::map<std::string, Series>& metrics,
    const EvalOptions& options, MetricSource& source) {
  auto parsed = ParseExpressionQueries(queries);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  return EvaluateParsedQueries(std::get<std::vector<ParsedExpressionQuery>>(parsed), metrics,
                               options, source);
}

std::variant<std::map<std::string, std::vector<MathResult>>, ApiError> EvaluateParsedQueries(
    const std::vector<ParsedExpressionQuery>& all, const std::map<std::string, Series>& metrics,
    const EvalOptions& options, MetricSource& source) {
  // Expressions without a Period take the smallest MetricStat period. [unsure]
  int64_t base_period = 0;
  for (const auto& [id, s] : metrics) {
    if (base_period == 0 || s.period_ms < base_period) base_period = s.period_ms;
  }
  if (base_period == 0) base_period = options.default_period_ms;

  Evaluator eval(options, &source);
  for (const auto& [id, s] : metrics) eval.DefineMetric(id, s);
  for (const auto& p : all) {
    const int64_t period = p.query.period_s ? *p.query.period_s * 1000 : base_period;
    if (p.node) eval.DefineExpression(p.query.id, &*p.node, period);
  }

  std::map<std::string, std::vector<MathResult>> out;
  for (const auto& p : all) {
    const ExpressionQuery& q = p.query;
    if (!q.return_data) continue;
    auto& results = out[q.id];
    EvalError error;
    std::optional<Value> value;
    if (p.insights) {
      auto series = RunInsightsQuery(*p.insights, *q.period_s * 1000, options, source, &error);
      if (series) {
        value = Value::Array(std::move(*series));
        if (p.insights->group_by.empty()) value->kind = Value::Kind::kSeries;
      }
    } else {
      value = eval.Resolve(q.id, &error);
    }
    if (!value) {
      if (error.kind == EvalError::Kind::kSyntax) return ExpressionError(q.id, error.message);
      MathResult r;
      r.label = q.label.value_or(q.id);
      r.status_code = "InternalError";
      r.message = error.message;
      results.push_back(std::move(r));
      continue;
    }
    if (value->kind == Value::Kind::kScalar) {
      return ExpressionError(q.id,
                             "The expression must return a time series or an array of "
                             "time series, not a scalar.");
    }
    if (value->kind == Value::Kind::kSeries) {
      if (value->series.empty()) continue;
      Series& s = value->series[0];
      results.push_back({q.label.value_or(q.id), std::move(s.timestamps), std::move(s.values),
                         "Complete", std::nullopt});
      continue;
    }
    for (auto& s : value->series) {
      std::string label = s.label.empty() ? q.id : s.label;
      if (q.label && !q.label->empty()) {
        std::string prefixed = *q.label;
        prefixed += ' ';
        prefixed += label;
        label = std::move(prefixed);
      }
      results.push_back(
          {std::move(label), std::move(s.timestamps), std::move(s.values), "Complete", {}});
    }
  }
  return out;
}

}  // namespace cwlogd::api::cloudwatch::math
