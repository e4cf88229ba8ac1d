// Groups merge raw per-period aggregates (count/sum/min/max) before the function is applied,
// so AVG over a group is the average of all samples, not an average of averages.
#include "api/cloudwatch/math/metrics_insights.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>

namespace cwlogd::api::cloudwatch::math {
namespace {

constexpr int kMaxWhereDepth = 32;
constexpr size_t kMaxWhereTerms = 256;
constexpr size_t kMaxGroupBy = 30;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

struct Tok {
  enum class Type { kEnd, kWord, kQuotedName, kString, kNumber, kOp };
  Type type = Type::kEnd;
  std::string text;
  size_t offset = 0;
};

class InsightsParser {
 public:
  InsightsParser(std::string_view text, ParseError* error) : s_(text), error_(error) {}

  std::optional<InsightsQuery> Parse() {
    if (s_.size() > kMaxExpressionLength) return Fail("The query is too long.");
    InsightsQuery q;
    if (!Next() || !Keyword("SELECT")) return Fail("Expected SELECT.");
    if (tok_.type != Tok::Type::kWord) return Fail("Expected a function after SELECT.");
    for (const char* f : {"AVG", "COUNT", "MAX", "MIN", "SUM"}) {
      if (IEquals(tok_.text, f)) q.function = f;
    }
    if (q.function.empty()) return Fail("Unsupported function '" + tok_.text + "'.");
    if (!Next() || !Op("(")) return Fail("Expected '(' after " + q.function + ".");
    auto metric = Name();
    if (!metric) return std::nullopt;
    q.metric_name = *metric;
    if (!Op(")")) return Fail("Expected ')'.");
    if (!Keyword("FROM")) return Fail("Expected FROM.");
    if (tok_.type == Tok::Type::kWord && IEquals(tok_.text, "SCHEMA")) {
      if (!Next() || !Op("(")) return Fail("Expected '(' after SCHEMA.");
      auto ns = Name();
      if (!ns) return std::nullopt;
      q.metric_namespace = *ns;
      std::vector<std::string> dims;
      while (Op(",")) {
        auto d = Name();
        if (!d) return std::nullopt;
        if (dims.size() >= kMaxGroupBy) return Fail("Too many dimensions in SCHEMA.");
        dims.push_back(*d);
      }
      if (!Op(")")) return Fail("Expected ')' after SCHEMA.");
      q.schema = std::move(dims);
    } else {
      auto ns = Name();
      if (!ns) return std::nullopt;
      q.metric_namespace = *ns;
    }
    if (Keyword("WHERE")) {
      auto c = Or(0);
      if (!c) return std::nullopt;
      q.where = std::move(*c);
    }
    if (Keyword("GROUP")) {
      if (!Keyword("BY")) return Fail("Expected BY after GROUP.");
      do {
        auto d = Name();
        if (!d) return std::nullopt;
        if (q.group_by.size() >= kMaxGroupBy) return Fail("Too many GROUP BY keys.");
        q.group_by.push_back(*d);
      } while (Op(","));
    }
    if (Keyword("ORDER")) {
      if (!Keyword("BY")) return Fail("Expected BY after ORDER.");
      if (tok_.type != Tok::Type::kWord) return Fail("Expected a function after ORDER BY.");
      for (const char* f : {"AVG", "COUNT", "MAX", "MIN", "SUM"}) {
        if (IEquals(tok_.text, f)) q.order_function = f;
      }
      if (!q.order_function) return Fail("Unsupported function '" + tok_.text + "'.");
      if (!Next() || !Op("(") || !Op(")"))
        return Fail("Expected '()' after the ORDER BY function.");
      if (Keyword("ASC")) {
        q.descending = false;
      } else if (Keyword("DESC")) {
        q.descending = true;
      }
    }
    if (Keyword("LIMIT")) {
      if (tok_.type != Tok::Type::kNumber) return Fail("Expected a number after LIMIT.");
      if (tok_.text.size() > 6) return Fail("LIMIT is too large.");
      q.limit = static_cast<size_t>(std::stoul(tok_.text));
      if (*q.limit < 1) return Fail("LIMIT must be at least 1.");
      if (!Next()) return std::nullopt;
    }
    if (tok_.type != Tok::Type::kEnd) return Fail("Unexpected '" + tok_.text + "'.");
    return q;
  }

 private:
  std::nullopt_t Fail(std::string message) {
    if (error_ != nullptr && !failed_) *error_ = {tok_.offset, std::move(message)};
    failed_ = true;
    return std::nullopt;
  }

  bool Next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    tok_ = Tok{};
    tok_.offset = pos_;
    if (pos_ >= s_.size()) return true;
    const char c = s_[pos_];
    if (c == '\'' || c == '"') {
      std::string out;
      size_t i = pos_ + 1;
      for (; i < s_.size() && s_[i] != c; ++i) {
        if (s_[i] == '\\' && i + 1 < s_.size()) ++i;
        out.push_back(s_[i]);
      }
      if (i >= s_.size()) {
        Fail("Unterminated string.");
        return false;
      }
      tok_.type = c == '"' ? Tok::Type::kQuotedName : Tok::Type::kString;
      tok_.text = std::move(out);
      pos_ = i + 1;
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t end = pos_;
      while (end < s_.size() && std::isdigit(static_cast<unsigned char>(s_[end]))) ++end;
      tok_.type = Tok::Type::kNumber;
      tok_.text = std::string(s_.substr(pos_, end - pos_));
      pos_ = end;
      return true;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = pos_;
      while (end < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[end])) ||
                                 s_[end] == '_' || s_[end] == '.' || s_[end] == '-')) {
        ++end;
      }
      tok_.type = Tok::Type::kWord;
      tok_.text = std::string(s_.substr(pos_, end - pos_));
      pos_ = end;
      return true;
    }
    if (s_.substr(pos_, 2) == "!=") {
      tok_.type = Tok::Type::kOp;
      tok_.text = "!=";
      pos_ += 2;
      return true;
    }
    if (std::string_view("(),=").find(c) != std::string_view::npos) {
      tok_.type = Tok::Type::kOp;
      tok_.text = std::string(1, c);
      ++pos_;
      return true;
    }
    Fail(std::string("Unexpected character '") + c + "'.");
    return false;
  }

  bool Keyword(std::string_view kw) {
    if (tok_.type != Tok::Type::kWord || !IEquals(tok_.text, kw)) return false;
    return Next();
  }
  bool Op(std::string_view op) {
    if (tok_.type != Tok::Type::kOp || tok_.text != op) return false;
    return Next();
  }
  std::optional<std::string> Name() {
    if (tok_.type != Tok::Type::kWord && tok_.type != Tok::Type::kQuotedName) {
      return Fail(tok_.type == Tok::Type::kEnd ? "Unexpected end of query."
                                               : "Expected a name, got '" + tok_.text + "'.");
    }
    std::string out = tok_.text;
    if (!Next()) return std::nullopt;
    return out;
  }

  std::optional<InsightsCondition> Node(InsightsCondition c) {
    if (++terms_ > kMaxWhereTerms) return Fail("The WHERE clause is too complex.");
    return c;
  }
  std::optional<InsightsCondition> Or(int depth) {
    if (depth > kMaxWhereDepth) return Fail("The WHERE clause is nested too deeply.");
    auto left = And(depth);
    while (left && tok_.type == Tok::Type::kWord && IEquals(tok_.text, "OR")) {
      if (!Next()) return std::nullopt;
      auto right = And(depth);
      if (!right) return std::nullopt;
      InsightsCondition c;
      c.kind = InsightsCondition::Kind::kOr;
      c.children.push_back(std::move(*left));
      c.children.push_back(std::move(*right));
      left = Node(std::move(c));
    }
    return left;
  }
  std::optional<InsightsCondition> And(int depth) {
    auto left = Term(depth);
    while (left && tok_.type == Tok::Type::kWord && IEquals(tok_.text, "AND")) {
      if (!Next()) return std::nullopt;
      auto right = Term(depth);
      if (!right) return std::nullopt;
      InsightsCondition c;
      c.kind = InsightsCondition::Kind::kAnd;
      c.children.push_back(std::move(*left));
      c.children.push_back(std::move(*right));
      left = Node(std::move(c));
    }
    return left;
  }
  std::optional<InsightsCondition> Term(int depth) {
    if (Op("(")) {
      auto inner = Or(depth + 1);
      if (!inner) return std::nullopt;
      if (!Op(")")) return Fail("Expected ')'.");
      return inner;
    }
    auto key = Name();
    if (!key) return std::nullopt;
    InsightsCondition c;
    c.key = *key;
    if (Op("=")) {
      c.kind = InsightsCondition::Kind::kEquals;
    } else if (Op("!=")) {
      c.kind = InsightsCondition::Kind::kNotEquals;
    } else {
      return Fail("Expected = or != after '" + c.key + "'.");
    }
    if (tok_.type != Tok::Type::kString && tok_.type != Tok::Type::kNumber) {
      return Fail("Expected a quoted value after '" + c.key + "'.");
    }
    c.value = tok_.text;
    if (!Next()) return std::nullopt;
    return Node(std::move(c));
  }

  std::string_view s_;
  ParseError* error_;
  size_t pos_ = 0;
  Tok tok_;
  size_t terms_ = 0;
  bool failed_ = false;
};

const std::string* DimensionValue(const storage::MetricId& m, const std::string& name) {
  for (const auto& d : m.dimensions) {
    if (d.name == name) return &d.value;
  }
  return nullptr;
}

bool ConditionHolds(const InsightsCondition& c, const storage::MetricId& m) {
  switch (c.kind) {
    case InsightsCondition::Kind::kAnd:
      return ConditionHolds(c.children[0], m) && ConditionHolds(c.children[1], m);
    case InsightsCondition::Kind::kOr:
      return ConditionHolds(c.children[0], m) || ConditionHolds(c.children[1], m);
    case InsightsCondition::Kind::kEquals: {
      const std::string* v = DimensionValue(m, c.key);
      return v != nullptr && *v == c.value;
    }
    case InsightsCondition::Kind::kNotEquals: {
      const std::string* v = DimensionValue(m, c.key);
      return v == nullptr || *v != c.value;
    }
  }
  return false;
}

double Apply(const std::string& fn, const storage::MetricAggregate& a) {
  if (fn == "COUNT") return a.sample_count;
  if (fn == "SUM") return a.sum;
  if (fn == "MIN") return a.minimum;
  if (fn == "MAX") return a.maximum;
  return a.sample_count > 0 ? a.sum / a.sample_count : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

bool IsInsightsQuery(std::string_view expression) {
  size_t i = 0;
  while (i < expression.size() && std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
  return expression.size() >= i + 6 && IEquals(expression.substr(i, 6), "SELECT") &&
         (expression.size() == i + 6 ||
          std::isspace(static_cast<unsigned char>(expression[i + 6])));
}

std::optional<InsightsQuery> ParseInsightsQuery(std::string_view text, ParseError* error) {
  InsightsParser p(text, error);
  return p.Parse();
}

std::optional<std::vector<Series>> RunInsightsQuery(const InsightsQuery& query, int64_t period_ms,
                                                    const EvalOptions& options,
                                                    MetricSource& source, EvalError* error) {
  // The five functions read statistic sets only: distributions are not merged.
  struct Group {
    std::map<int64_t, storage::MetricAggregate> periods;
    storage::MetricAggregate total;
  };
  std::map<std::vector<std::string>, Group> groups;
  const size_t scan_cap = options.max_search_metrics * 20;
  auto candidates = source.Metrics(query.metric_namespace, scan_cap);
  size_t matched = 0;
  for (const auto& m : candidates) {
    if (m.metric_namespace != query.metric_namespace || m.metric_name != query.metric_name) {
      continue;
    }
    if (query.schema) {
      if (m.dimensions.size() != query.schema->size()) continue;
      bool all = std::all_of(query.schema->begin(), query.schema->end(),
                             [&](const std::string& d) { return DimensionValue(m, d); });
      if (!all) continue;
    }
    if (query.where && !ConditionHolds(*query.where, m)) continue;
    if (++matched > options.max_search_metrics) {
      *error = {EvalError::Kind::kEvaluation, "The query matched more than " +
                                                  std::to_string(options.max_search_metrics) +
                                                  " metrics."};
      return std::nullopt;
    }
    std::vector<std::string> key;
    for (const auto& g : query.group_by) {
      const std::string* v = DimensionValue(m, g);
      key.push_back(v != nullptr ? *v : "Other");
    }
    Group& group = groups[key];
    for (const auto& [t, agg] : source.Aggregates(m, period_ms)) {
      // Periods come in time order: the hint makes a group's first metric's inserts O(1).
      group.periods.try_emplace(group.periods.end(), t)->second.MergeStatisticSet(agg);
      group.total.MergeStatisticSet(agg);
    }
  }
  struct Ranked {
    double order = 0;
    Series series;
  };
  std::vector<Ranked> ranked;
  for (auto& [key, group] : groups) {
    Ranked r;
    for (size_t i = 0; i < key.size(); ++i) r.series.label += (i ? " " : "") + key[i];
    r.series.period_ms = period_ms;
    for (const auto& [t, agg] : group.periods) {
      const double v = Apply(query.function, agg);
      if (!std::isfinite(v)) continue;
      r.series.timestamps.push_back(t);
      r.series.values.push_back(v);
    }
    if (query.order_function) {
      r.order = Apply(*query.order_function, group.total);
      if (!std::isfinite(r.order)) r.order = -std::numeric_limits<double>::infinity();
      if (query.descending) r.order = -r.order;
    }
    ranked.push_back(std::move(r));
  }
  if (query.order_function) {
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.order < b.order; });
  }
  size_t limit = std::min(ranked.size(), options.max_series);
  if (query.limit) limit = std::min(limit, *query.limit);
  std::vector<Series> out;
  for (size_t i = 0; i < limit; ++i) out.push_back(std::move(ranked[i].series));
  return out;
}

}  // namespace cwlogd::api::cloudwatch::math
