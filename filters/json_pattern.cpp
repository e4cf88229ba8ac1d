// JSON patterns `{ $.a.b = "x" && ($.c > 1 || $.d IS NULL) }` (docs/filter-patterns.md),
// evaluated on a simdjson DOM of the event. Selector resolution is iterative; simdjson caps
// document depth (1024), so no event can make us recurse deeply.
#include <array>
#include <charconv>

#include <simdjson.h>

#include "filters/detail/compiled_pattern.h"

namespace cwlogd::filters::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct JsonCondition {
  enum class Kind { kCompare, kIsNull, kIsTrue, kIsFalse, kNotExists };
  Kind kind = Kind::kCompare;
  Selector selector;
  Condition compare;
};

struct Node {
  enum class Type { kAnd, kOr, kCondition };
  Type type = Type::kCondition;
  std::vector<int> children;  // kAnd / kOr
  int condition = -1;         // kCondition
};

// ---------------------------------------------------------------------------------------------
// Event parsing

// Messages above this size are parsed with a parser of their own, so that one huge event does
// not leave megabytes allocated in every thread's cached parser.
constexpr std::size_t kCachedParserMaxBytes = std::size_t{64} * 1024;

bool LooksLikeObject(std::string_view message) {
  for (char c : message) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{';
  }
  return false;
}

template <typename F>
bool WithParsedObject(std::string_view message, F&& f) {
  if (!LooksLikeObject(message)) return false;
  auto run = [&](simdjson::dom::parser& parser) {
    element root;
    if (parser.parse(message.data(), message.size(), true).get(root) != simdjson::SUCCESS) {
      return false;
    }
    if (root.type() != element_type::OBJECT) return false;
    return f(root);
  };
  if (message.size() > kCachedParserMaxBytes) {
    simdjson::dom::parser parser;
    return run(parser);
  }
  thread_local simdjson::dom::parser parser;
  return run(parser);
}

// ---------------------------------------------------------------------------------------------
// Selector resolution: calls `visit(node)` for each node the selector resolves to, stopping
// early when it returns true. Returns whether some visit returned true.

bool Step(const JsonStep& step, element in, element* out) {
  if (step.type == JsonStep::Type::kKey) {
    simdjson::dom::object obj;
    if (in.get(obj) != simdjson::SUCCESS) return false;
    return obj.at_key(step.key).get(*out) == simdjson::SUCCESS;
  }
  simdjson::dom::array arr;
  if (in.get(arr) != simdjson::SUCCESS) return false;
  return arr.at(static_cast<std::size_t>(step.index)).get(*out) == simdjson::SUCCESS;
}

bool Walk(element node, const std::vector<JsonStep>& steps, std::size_t from, element* out) {
  for (std::size_t i = from; i < steps.size(); ++i) {
    if (!Step(steps[i], node, &node)) return false;
  }
  *out = node;
  return true;
}

template <typename Visit>
bool AnyResolved(element root, const Selector& sel, Visit&& visit) {
  // At most one wildcard per selector (checked at parse time).
  std::size_t wildcard = sel.steps.size();
  for (std::size_t i = 0; i < sel.steps.size(); ++i) {
    if (sel.steps[i].type == JsonStep::Type::kWildcard) {
      wildcard = i;
      break;
    }
  }
  element node = root;
  for (std::size_t i = 0; i < wildcard; ++i) {
    if (!Step(sel.steps[i], node, &node)) return false;
  }
  if (wildcard == sel.steps.size()) return visit(node);
  auto try_child = [&](element child) {
    element leaf;
    return Walk(child, sel.steps, wildcard + 1, &leaf) && visit(leaf);
  };
  if (node.type() == element_type::OBJECT) {
    for (auto field : simdjson::dom::object(node)) {
      if (try_child(field.value)) return true;
    }
  } else if (node.type() == element_type::ARRAY) {
    for (element child : simdjson::dom::array(node)) {
      if (try_child(child)) return true;
    }
  }
  return false;
}

// Text and numeric value of a scalar node, for comparisons; false for null, objects, arrays.
struct ScalarView {
  std::string_view text;
  std::optional<double> number;
  std::array<char, 40> buffer{};
};

bool ViewScalar(element node, ScalarView* v) {
  switch (node.type()) {
    case element_type::STRING: {
      std::string_view s;
      if (node.get(s) != simdjson::SUCCESS) return false;
      v->text = s;
      return true;
    }
    case element_type::INT64: {
      int64_t x = 0;
      if (node.get(x) != simdjson::SUCCESS) return false;
      auto r = std::to_chars(v->buffer.data(), v->buffer.data() + v->buffer.size(), x);
      v->text =
          std::string_view(v->buffer.data(), static_cast<std::size_t>(r.ptr - v->buffer.data()));
      v->number = static_cast<double>(x);
      return true;
    }
    case element_type::UINT64: {
      uint64_t x = 0;
      if (node.get(x) != simdjson::SUCCESS) return false;
      auto r = std::to_chars(v->buffer.data(), v->buffer.data() + v->buffer.size(), x);
      v->text =
          std::string_view(v->buffer.data(), static_cast<std::size_t>(r.ptr - v->buffer.data()));
      v->number = static_cast<double>(x);
      return true;
    }
    case element_type::DOUBLE: {
      double x = 0;
      if (node.get(x) != simdjson::SUCCESS) return false;
      auto r = std::to_chars(v->buffer.data(), v->buffer.data() + v->buffer.size(), x);
      if (r.ec != std::errc()) return false;
      v->text =
          std::string_view(v->buffer.data(), static_cast<std::size_t>(r.ptr - v->buffer.data()));
      v->number = x;
      return true;
    }
    case element_type::BOOL: {
      bool b = false;
      if (node.get(b) != simdjson::SUCCESS) return false;
      v->text = b ? "true" : "false";
      return true;
    }
    default:
      return false;  // null, object, array: no comparison holds (docs/filter-patterns.md)
  }
}

std::optional<ResolvedScalar> Resolve(element root, const Selector& sel) {
  std::optional<ResolvedScalar> result;
  AnyResolved(root, sel, [&](element node) {
    ScalarView v;
    if (!ViewScalar(node, &v)) return false;
    result = ResolvedScalar{std::string(v.text), v.number};
    if (!result->number && node.type() == element_type::STRING) {
      result->number = ParseNumber(v.text);
    }
    return true;
  });
  return result;
}

// ---------------------------------------------------------------------------------------------

class JsonPattern final : public CompiledPattern {
 public:
  JsonPattern(std::string text, int regex_count, std::vector<Node> nodes,
              std::vector<JsonCondition> conditions, int root)
      : CompiledPattern(std::move(text), PatternKind::kJson, regex_count),
        nodes_(std::move(nodes)),
        conditions_(std::move(conditions)),
        root_(root) {}

  bool Match(std::string_view message, ExtractedValues* values) const override {
    if (values != nullptr) values->clear();  // nothing extracted (docs/filter-patterns.md)
    return WithParsedObject(message, [&](element root) { return Eval(root_, root); });
  }

  bool MatchAndResolve(std::string_view message, const std::vector<const Selector*>& json_refs,
                       const std::vector<std::string>& field_refs,
                       std::vector<std::optional<ResolvedScalar>>* out) const override {
    out->assign(json_refs.size() + field_refs.size(), std::nullopt);
    return WithParsedObject(message, [&](element root) {
      if (!Eval(root_, root)) return false;
      for (std::size_t i = 0; i < json_refs.size(); ++i) (*out)[i] = Resolve(root, *json_refs[i]);
      return true;
    });
  }

 private:
  bool Eval(int index, element root) const {
    const Node& node = nodes_[static_cast<std::size_t>(index)];
    switch (node.type) {
      case Node::Type::kAnd:
        for (int child : node.children) {
          if (!Eval(child, root)) return false;
        }
        return true;
      case Node::Type::kOr:
        for (int child : node.children) {
          if (Eval(child, root)) return true;
        }
        return false;
      case Node::Type::kCondition:
        return EvalCondition(conditions_[static_cast<std::size_t>(node.condition)], root);
    }
    return false;
  }

  static bool EvalCondition(const JsonCondition& c, element root) {
    switch (c.kind) {
      case JsonCondition::Kind::kNotExists:
        return !AnyResolved(root, c.selector, [](element) { return true; });
      case JsonCondition::Kind::kIsNull:
        return AnyResolved(root, c.selector,
                           [](element n) { return n.type() == element_type::NULL_VALUE; });
      case JsonCondition::Kind::kIsTrue:
      case JsonCondition::Kind::kIsFalse: {
        const bool want = c.kind == JsonCondition::Kind::kIsTrue;
        return AnyResolved(root, c.selector, [want](element n) {
          bool b = false;
          return n.get(b) == simdjson::SUCCESS && b == want;
        });
      }
      case JsonCondition::Kind::kCompare:
        return AnyResolved(root, c.selector, [&c](element n) {
          ScalarView v;
          return ViewScalar(n, &v) && detail::EvalCondition(c.compare, v.text, v.number);
        });
    }
    return false;
  }

  std::vector<Node> nodes_;
  std::vector<JsonCondition> conditions_;
  int root_;
};

// ---------------------------------------------------------------------------------------------
// Parser: expr := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '(' expr ')' | cond

class JsonParser {
 public:
  JsonParser(std::string_view inner, std::size_t base, ParseError* error)
      : cur_(inner, base), error_(error) {}

  // Returns the root node index, or -1 with *error set.
  int Parse() {
    cur_.SkipSpace();
    if (cur_.AtEnd()) {
      Fail(error_, cur_.offset(), std::string(kInvalidPattern), "empty JSON pattern");
      return -1;
    }
    const int root = ParseExpr(0);
    if (root < 0) return -1;
    cur_.SkipSpace();
    if (!cur_.AtEnd()) {
      Fail(error_, cur_.offset(), std::string(kInvalidPattern),
           "expected && or || between conditions");
      return -1;
    }
    if (regex_count_ > kMaxRegexesPerPattern) {
      Fail(error_, cur_.offset(), std::string(kInvalidPattern),
           "a JSON pattern may contain at most 2 regular expressions");
      return -1;
    }
    if (wildcard_selectors_ > kMaxWildcardSelectors) {
      Fail(error_, cur_.offset(), std::string(kInvalidPattern),
           "a JSON pattern may contain at most 3 selectors with a wildcard");
      return -1;
    }
    return root;
  }

  int regex_count() const { return regex_count_; }
  std::vector<Node> TakeNodes() { return std::move(nodes_); }
  std::vector<JsonCondition> TakeConditions() { return std::move(conditions_); }

 private:
  int ParseExpr(int depth) { return ParseChain(depth, "||", Node::Type::kOr); }

  int ParseChain(int depth, std::string_view op, Node::Type type) {
    std::vector<int> parts;
    for (;;) {
      const int part =
          type == Node::Type::kOr ? ParseChain(depth, "&&", Node::Type::kAnd) : ParseUnary(depth);
      if (part < 0) return -1;
      parts.push_back(part);
      cur_.SkipSpace();
      if (!cur_.Consume(op)) break;
    }
    if (parts.size() == 1) return parts[0];
    Node node;
    node.type = type;
    node.children = std::move(parts);
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size() - 1);
  }

  int ParseUnary(int depth) {
    cur_.SkipSpace();
    if (cur_.Peek() == '(') {
      if (depth + 1 > kMaxNestingDepth) {
        Fail(error_, cur_.offset(), std::string(kInvalidPattern), "parentheses nested too deeply");
        return -1;
      }
      cur_.Advance();
      const int inner = ParseExpr(depth + 1);
      if (inner < 0) return -1;
      cur_.SkipSpace();
      if (!cur_.Consume(")")) {
        Fail(error_, cur_.offset(), std::string(kInvalidPattern), "expected ')'");
        return -1;
      }
      return inner;
    }
    JsonCondition cond;
    if (!ParseSelector(cur_, &cond.selector, error_)) return -1;
    if (cond.selector.wildcards > 0) ++wildcard_selectors_;
    cur_.SkipSpace();
    const std::size_t keyword_offset = cur_.offset();
    if (ConsumeKeyword("IS")) {
      cur_.SkipSpace();
      if (ConsumeKeyword("NULL")) {
        cond.kind = JsonCondition::Kind::kIsNull;
      } else if (ConsumeKeyword("TRUE")) {
        cond.kind = JsonCondition::Kind::kIsTrue;
      } else if (ConsumeKeyword("FALSE")) {
        cond.kind = JsonCondition::Kind::kIsFalse;
      } else {
        Fail(error_, keyword_offset, std::string(kInvalidPattern),
             "IS must be followed by NULL, TRUE or FALSE (IS NOT is not supported)");
        return -1;
      }
    } else if (ConsumeKeyword("NOT")) {
      cur_.SkipSpace();
      if (!ConsumeKeyword("EXISTS")) {
        Fail(error_, keyword_offset, std::string(kInvalidPattern),
             "NOT must be followed by EXISTS");
        return -1;
      }
      cond.kind = JsonCondition::Kind::kNotExists;
    } else {
      if (!ParseCondition(cur_, &cond.compare, &regex_count_, error_)) return -1;
    }
    conditions_.push_back(std::move(cond));
    Node node;
    node.condition = static_cast<int>(conditions_.size() - 1);
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size() - 1);
  }

  // Keywords are matched case-insensitively and must end at a word boundary.
  bool ConsumeKeyword(std::string_view word) {
    const std::string_view rest = cur_.Rest();
    if (rest.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      char c = rest[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != word[i]) return false;
    }
    if (rest.size() > word.size()) {
      const char next = rest[word.size()];
      if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
          (next >= '0' && next <= '9') || next == '_') {
        return false;
      }
    }
    cur_.Advance(word.size());
    return true;
  }

  Cursor cur_;
  ParseError* error_;
  std::vector<Node> nodes_;
  std::vector<JsonCondition> conditions_;
  int regex_count_ = 0;
  int wildcard_selectors_ = 0;
};

}  // namespace

std::shared_ptr<const CompiledPattern> BuildJsonPattern(std::string text, std::string_view body,
                                                        std::size_t base, ParseError* error) {
  JsonParser parser(body.substr(1, body.size() - 2), base + 1, error);
  const int root = parser.Parse();
  if (root < 0) return nullptr;
  return std::make_shared<JsonPattern>(std::move(text), parser.regex_count(), parser.TakeNodes(),
                                       parser.TakeConditions(), root);
}

std::optional<ResolvedScalar> ResolveJsonSelector(std::string_view message, const Selector& sel) {
  std::optional<ResolvedScalar> result;
  WithParsedObject(message, [&](element root) {
    result = Resolve(root, sel);
    return true;
  });
  return result;
}

}  // namespace cwlogd::filters::detail
