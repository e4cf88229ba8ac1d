// Matching is deliberately forgiving where AWS documents "partial match": an unquoted word
// matches when it is a case-insensitive substring of a field; a quoted one must equal it.
#include "api/cloudwatch/math/search_expression.h"

#include <algorithm>
#include <cctype>

namespace cwlogd::api::cloudwatch::math {
namespace {

constexpr int kMaxSearchDepth = 32;
constexpr size_t kMaxSearchTerms = 256;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool FieldMatches(const SearchTerm& t, const std::string& field) {
  if (t.exact) return field == t.value;
  return Lower(field).find(Lower(t.value)) != std::string::npos;
}

class SearchParser {
 public:
  SearchParser(std::string_view text, ParseError* error) : s_(text), error_(error) {}

  std::optional<SearchQuery> Parse() {
    SearchQuery q;
    Skip();
    if (pos_ < s_.size() && s_[pos_] == '{') {
      ++pos_;
      std::vector<std::string> parts;
      while (true) {
        Skip();
        auto part = Word(",}");
        if (!part) return std::nullopt;
        parts.push_back(std::move(*part));
        Skip();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          break;
        }
        return Fail("Missing '}' in the SEARCH schema.");
      }
      if (parts.size() > 31) return Fail("Too many dimensions in the SEARCH schema.");
      q.schema_namespace = parts[0];
      q.schema_dimensions.assign(parts.begin() + 1, parts.end());
    }
    Skip();
    if (pos_ < s_.size()) {
      auto t = Or(0);
      if (!t) return std::nullopt;
      Skip();
      if (pos_ < s_.size()) return Fail("Unexpected '" + std::string(1, s_[pos_]) + "' in SEARCH.");
      q.terms = std::move(*t);
    }
    if (!q.schema_namespace && !q.terms) return Fail("The SEARCH expression is empty.");
    return q;
  }

 private:
  std::nullopt_t Fail(std::string message) {
    if (error_ != nullptr && !failed_) *error_ = {pos_, std::move(message)};
    failed_ = true;
    return std::nullopt;
  }
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  // A quoted string or a bare word ending at space, one of `stops`, '=', or a parenthesis.
  std::optional<std::string> Word(std::string_view stops, bool* quoted = nullptr) {
    if (quoted != nullptr) *quoted = false;
    if (pos_ < s_.size() && s_[pos_] == '"') {
      std::string out;
      size_t i = pos_ + 1;
      for (; i < s_.size() && s_[i] != '"'; ++i) {
        if (s_[i] == '\\' && i + 1 < s_.size()) ++i;
        out.push_back(s_[i]);
      }
      if (i >= s_.size()) return Fail("Unterminated string in SEARCH.");
      pos_ = i + 1;
      if (quoted != nullptr) *quoted = true;
      return out;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
           stops.find(s_[pos_]) == std::string_view::npos && s_[pos_] != '=' && s_[pos_] != '(' &&
           s_[pos_] != ')' && s_[pos_] != '"') {
      ++pos_;
    }
    if (pos_ == start) return Fail("Expected a word in SEARCH.");
    return std::string(s_.substr(start, pos_ - start));
  }
  bool AtKeyword(std::string_view kw) {
    if (s_.substr(pos_, kw.size()) != kw) return false;
    size_t after = pos_ + kw.size();
    return after >= s_.size() || std::isspace(static_cast<unsigned char>(s_[after])) ||
           s_[after] == '(';
  }
  std::optional<SearchTerm> Node(SearchTerm::Kind kind, std::vector<SearchTerm> children) {
    if (++count_ > kMaxSearchTerms) return Fail("The SEARCH expression is too complex.");
    SearchTerm t;
    t.kind = kind;
    t.children = std::move(children);
    return t;
  }

  std::optional<SearchTerm> Or(int depth) {
    if (depth > kMaxSearchDepth) return Fail("The SEARCH expression is nested too deeply.");
    std::vector<SearchTerm> parts;
    while (true) {
      auto a = And(depth);
      if (!a) return std::nullopt;
      parts.push_back(std::move(*a));
      Skip();
      if (!AtKeyword("OR")) break;
      pos_ += 2;
    }
    if (parts.size() == 1) return std::move(parts[0]);
    return Node(SearchTerm::Kind::kOr, std::move(parts));
  }
  std::optional<SearchTerm> And(int depth) {
    std::vector<SearchTerm> parts;
    while (true) {
      Skip();
      if (pos_ >= s_.size() || s_[pos_] == ')' || AtKeyword("OR")) break;
      if (AtKeyword("AND")) {
        pos_ += 3;
        continue;
      }
      auto t = Unary(depth);
      if (!t) return std::nullopt;
      parts.push_back(std::move(*t));
    }
    if (parts.empty()) return Fail("Expected a search term.");
    if (parts.size() == 1) return std::move(parts[0]);
    return Node(SearchTerm::Kind::kAnd, std::move(parts));
  }
  std::optional<SearchTerm> Unary(int depth) {
    Skip();
    if (depth > kMaxSearchDepth) return Fail("The SEARCH expression is nested too deeply.");
    if (AtKeyword("NOT")) {
      pos_ += 3;
      auto t = Unary(depth + 1);
      if (!t) return std::nullopt;
      std::vector<SearchTerm> c;
      c.push_back(std::move(*t));
      return Node(SearchTerm::Kind::kNot, std::move(c));
    }
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      auto t = Or(depth + 1);
      if (!t) return std::nullopt;
      Skip();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Fail("Missing ')' in SEARCH.");
      ++pos_;
      return t;
    }
    bool quoted = false;
    auto first = Word("", &quoted);
    if (!first) return std::nullopt;
    auto t = Node(SearchTerm::Kind::kTerm, {});
    if (!t) return std::nullopt;
    if (pos_ < s_.size() && s_[pos_] == '=') {
      ++pos_;
      bool vq = false;
      auto value = Word("", &vq);
      if (!value) return std::nullopt;
      t->key = std::move(*first);
      t->value = std::move(*value);
      t->exact = vq;
    } else {
      t->value = std::move(*first);
      t->exact = quoted;
    }
    return t;
  }

  std::string_view s_;
  ParseError* error_;
  size_t pos_ = 0;
  size_t count_ = 0;
  bool failed_ = false;
};

bool TermMatches(const SearchTerm& t, const storage::MetricId& m) {
  switch (t.kind) {
    case SearchTerm::Kind::kAnd:
      return std::all_of(t.children.begin(), t.children.end(),
                         [&](const SearchTerm& c) { return TermMatches(c, m); });
    case SearchTerm::Kind::kOr:
      return std::any_of(t.children.begin(), t.children.end(),
                         [&](const SearchTerm& c) { return TermMatches(c, m); });
    case SearchTerm::Kind::kNot:
      return !t.children.empty() && !TermMatches(t.children[0], m);
    case SearchTerm::Kind::kTerm:
      break;
  }
  if (t.key) {
    if (*t.key == "MetricName") return FieldMatches(t, m.metric_name);
    if (*t.key == "Namespace") return FieldMatches(t, m.metric_namespace);
    for (const auto& d : m.dimensions) {
      if (d.name == *t.key && FieldMatches(t, d.value)) return true;
    }
    return false;
  }
  if (FieldMatches(t, m.metric_name) || FieldMatches(t, m.metric_namespace)) return true;
  for (const auto& d : m.dimensions) {
    if (FieldMatches(t, d.name) || FieldMatches(t, d.value)) return true;
  }
  return false;
}

}  // namespace

std::optional<SearchQuery> ParseSearchQuery(std::string_view text, ParseError* error) {
  SearchParser p(text, error);
  return p.Parse();
}

bool SearchMatches(const SearchQuery& query, const storage::MetricId& metric) {
  if (query.schema_namespace) {
    if (metric.metric_namespace != *query.schema_namespace) return false;
    if (metric.dimensions.size() != query.schema_dimensions.size()) return false;
    for (const auto& name : query.schema_dimensions) {
      bool found = std::any_of(metric.dimensions.begin(), metric.dimensions.end(),
                               [&](const storage::MetricDimension& d) { return d.name == name; });
      if (!found) return false;
    }
  }
  return !query.terms || TermMatches(*query.terms, metric);
}

}  // namespace cwlogd::api::cloudwatch::math
