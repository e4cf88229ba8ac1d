#include "api/cloudwatch/alarms/alarm_rule.h"

#include <algorithm>
#include <cctype>

namespace cwlogd::api::cloudwatch::alarms {

namespace {
// Leaves (TRUE, FALSE, state functions) per rule: bounds the tree, hence the evaluation's
// recursion, whatever the 10240 characters hold.
constexpr size_t kMaxAlarmRuleLeaves = 1024;

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
}  // namespace

// Recursive descent over the text; every error is a sentence ending the parse.
class AlarmRuleParser {
 public:
  explicit AlarmRuleParser(std::string_view text) : text_(text) {}

  std::variant<AlarmRule, std::string> Run() {
    if (text_.size() > kMaxAlarmRuleLength) return std::string("The alarm rule is too long.");
    int32_t root = Or(0);
    if (root >= 0) {
      SkipSpace();
      if (pos_ < text_.size()) Fail("Unexpected '" + std::string(1, text_[pos_]) + "'");
    }
    if (!error_.empty()) return "Error in alarm rule: " + error_ + ".";
    rule_.root_ = root;
    return std::move(rule_);
  }

 private:
  using Node = AlarmRule::Node;
  using Kind = AlarmRule::Kind;

  int32_t Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message) + " at position " + std::to_string(pos_ + 1);
    return -1;
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0)
      ++pos_;
  }
  // The next word (letters, digits, _) without consuming it.
  std::string_view PeekWord() {
    SkipSpace();
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }
  bool Accept(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  int32_t Add(Node node) {
    rule_.nodes_.push_back(node);
    return static_cast<int32_t>(rule_.nodes_.size() - 1);
  }

  int32_t Or(int depth) {
    int32_t left = And(depth);
    while (left >= 0 && PeekWord() == "OR") {
      pos_ += 2;
      int32_t right = And(depth);
      if (right < 0) return -1;
      left = Add(Node{.kind = Kind::kOr, .left = left, .right = right});
    }
    return left;
  }
  int32_t And(int depth) {
    int32_t left = Unary(depth);
    while (left >= 0 && PeekWord() == "AND") {
      pos_ += 3;
      int32_t right = Unary(depth);
      if (right < 0) return -1;
      left = Add(Node{.kind = Kind::kAnd, .left = left, .right = right});
    }
    return left;
  }
  int32_t Unary(int depth) {
    if (depth >= kMaxAlarmRuleDepth) return Fail("Nesting too deep");
    if (PeekWord() == "NOT") {
      pos_ += 3;
      int32_t operand = Unary(depth + 1);
      if (operand < 0) return -1;
      return Add(Node{.kind = Kind::kNot, .left = operand});
    }
    return Primary(depth);
  }
  int32_t Primary(int depth) {
    if (Accept('(')) {
      int32_t inner = Or(depth + 1);
      if (inner < 0) return -1;
      if (!Accept(')')) return Fail("Expected ')'");
      return inner;
    }
    std::string_view word = PeekWord();
    if (word.empty()) {
      return pos_ < text_.size() ? Fail("Unexpected '" + std::string(1, text_[pos_]) + "'")
                                 : Fail("Unexpected end of rule");
    }
    if (++leaves_ > kMaxAlarmRuleLeaves) return Fail("Too many terms");
    if (word == "TRUE" || word == "FALSE") {
      pos_ += word.size();
      return Add(Node{.kind = word == "TRUE" ? Kind::kTrue : Kind::kFalse});
    }
    std::optional<AlarmState> state = ParseState(word);
    if (!state) return Fail("Unknown keyword '" + std::string(word) + "'");
    pos_ += word.size();
    if (!Accept('(')) return Fail("Expected '('");
    std::optional<std::string> name = AlarmName();
    if (!name) return -1;
    if (!Accept(')')) return Fail("Expected ')'");
    auto& children = rule_.children_;
    auto found = std::find(children.begin(), children.end(), *name);
    if (found == children.end()) {
      if (children.size() >= kMaxAlarmRuleTerms) return Fail("More than 100 alarms in the rule");
      children.push_back(std::move(*name));
      found = children.end() - 1;
    }
    return Add(Node{.kind = Kind::kStateIs,
                    .state = *state,
                    .child = static_cast<int32_t>(found - children.begin())});
  }
  // "quoted name" (no escapes: alarm names hold no double quote worth escaping) or a bare name
  // up to ')' with the surrounding spaces trimmed.
  std::optional<std::string> AlarmName() {
    SkipSpace();
    std::string name;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      size_t close = text_.find('"', pos_ + 1);
      if (close == std::string_view::npos) {
        Fail("Unterminated quoted alarm name");
        return std::nullopt;
      }
      name = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
    } else {
      size_t close = text_.find(')', pos_);
      if (close == std::string_view::npos) close = text_.size();
      std::string_view bare = text_.substr(pos_, close - pos_);
      while (!bare.empty() && std::isspace(static_cast<unsigned char>(bare.back())) != 0) {
        bare.remove_suffix(1);
      }
      name = std::string(bare);
      pos_ = close;
    }
    if (name.empty()) {
      Fail("Expected an alarm name or ARN");
      return std::nullopt;
    }
    return name;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t leaves_ = 0;
  std::string error_;
  AlarmRule rule_;
};

std::variant<AlarmRule, std::string> AlarmRule::Parse(std::string_view text) {
  return AlarmRuleParser(text).Run();
}

bool AlarmRule::Evaluate(const StateLookup& state_of) const {
  std::vector<std::optional<AlarmState>> states;
  states.reserve(children_.size());
  for (const std::string& child : children_) states.push_back(state_of(child));
  return root_ >= 0 && EvaluateNode(root_, states);
}

bool AlarmRule::EvaluateNode(int32_t index,
                             const std::vector<std::optional<AlarmState>>& states) const {
  const Node& node = nodes_[static_cast<size_t>(index)];
  switch (node.kind) {
    case Kind::kTrue:
      return true;
    case Kind::kFalse:
      return false;
    case Kind::kStateIs: {
      const std::optional<AlarmState>& s = states[static_cast<size_t>(node.child)];
      return s && *s == node.state;
    }
    case Kind::kNot:
      return !EvaluateNode(node.left, states);
    case Kind::kAnd:
      return EvaluateNode(node.left, states) && EvaluateNode(node.right, states);
    case Kind::kOr:
      return EvaluateNode(node.left, states) || EvaluateNode(node.right, states);
  }
  return false;
}

}  // namespace cwlogd::api::cloudwatch::alarms
