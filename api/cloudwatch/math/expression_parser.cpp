// Grammar (loosest first):
//   or   := and (("OR" | "||") and)*
//   and  := cmp (("AND" | "&&") cmp)*
//   cmp  := add (("==" | "!=" | "<" | "<=" | ">" | ">=") add)?
//   add  := mul (("+" | "-") mul)*
//   mul  := un  (("*" | "/") un)*
//   un   := "-" un | pow
//   pow  := prim ("^" un)?            (right-associative)
//   prim := number | string | id | WORD | WORD "(" args ")" | "[" args "]" | "(" or ")"
#include "api/cloudwatch/math/expression_parser.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace cwlogd::api::cloudwatch::math {
namespace {

struct Token {
  enum class Type { kEnd, kNumber, kString, kWord, kOp };
  Type type = Type::kEnd;
  std::string text;
  double number = 0;
  size_t offset = 0;
};

class Parser {
 public:
  Parser(std::string_view text, ParseError* error) : text_(text), error_(error) {}

  std::optional<Node> Parse() {
    if (text_.size() > kMaxExpressionLength) {
      return Fail(0, "The expression is longer than " + std::to_string(kMaxExpressionLength) +
                         " characters.");
    }
    if (!Next()) return std::nullopt;
    if (tok_.type == Token::Type::kEnd) return Fail(0, "The expression is empty.");
    auto n = Or(0);
    if (!n) return std::nullopt;
    if (tok_.type != Token::Type::kEnd) {
      return Fail(tok_.offset, "Unexpected '" + tok_.text + "'.");
    }
    return n;
  }

 private:
  std::optional<Node> Fail(size_t offset, std::string message) {
    if (error_ != nullptr && !failed_) {
      error_->offset = offset;
      error_->message = std::move(message);
    }
    failed_ = true;
    return std::nullopt;
  }

  bool Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    tok_ = Token{};
    tok_.offset = pos_;
    if (pos_ >= text_.size()) return true;
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      size_t end = pos_;
      while (end < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[end])) || text_[end] == '.')) {
        ++end;
      }
      if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
        size_t e = end + 1;
        if (e < text_.size() && (text_[e] == '+' || text_[e] == '-')) ++e;
        if (e < text_.size() && std::isdigit(static_cast<unsigned char>(text_[e]))) {
          end = e;
          while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
        }
      }
      std::string s(text_.substr(pos_, end - pos_));
      char* stop = nullptr;
      tok_.number = std::strtod(s.c_str(), &stop);
      if (stop != s.c_str() + s.size() || !std::isfinite(tok_.number)) {
        Fail(pos_, "Invalid number '" + s + "'.");
        return false;
      }
      tok_.type = Token::Type::kNumber;
      tok_.text = std::move(s);
      pos_ = end;
      return true;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = pos_;
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) {
        ++end;
      }
      tok_.type = Token::Type::kWord;
      tok_.text = std::string(text_.substr(pos_, end - pos_));
      pos_ = end;
      return true;
    }
    if (c == '\'' || c == '"') {
      std::string s;
      size_t i = pos_ + 1;
      for (; i < text_.size() && text_[i] != c; ++i) {
        if (text_[i] == '\\' && i + 1 < text_.size()) ++i;
        s.push_back(text_[i]);
      }
      if (i >= text_.size()) {
        Fail(pos_, "Unterminated string.");
        return false;
      }
      tok_.type = Token::Type::kString;
      tok_.text = std::move(s);
      pos_ = i + 1;
      return true;
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "&&", "||"};
    for (auto op : kTwo) {
      if (text_.substr(pos_, 2) == op) {
        tok_.type = Token::Type::kOp;
        tok_.text = std::string(op);
        pos_ += 2;
        return true;
      }
    }
    if (std::string_view("+-*/^<>()[],").find(c) != std::string_view::npos) {
      tok_.type = Token::Type::kOp;
      tok_.text = std::string(1, c);
      ++pos_;
      return true;
    }
    Fail(pos_, std::string("Unexpected character '") + c + "'.");
    return false;
  }

  bool IsOp(std::string_view op) const { return tok_.type == Token::Type::kOp && tok_.text == op; }
  bool IsWord(std::string_view w) const {
    return tok_.type == Token::Type::kWord && tok_.text == w;
  }

  std::optional<Node> Make(Node n) {
    if (++nodes_ > kMaxExpressionNodes) return Fail(n.offset, "The expression is too complex.");
    return n;
  }

  std::optional<Node> Binary(std::string op, size_t offset, Node a, Node b) {
    Node n;
    n.kind = Node::Kind::kBinary;
    n.text = std::move(op);
    n.offset = offset;
    n.children.push_back(std::move(a));
    n.children.push_back(std::move(b));
    return Make(std::move(n));
  }

  bool Deep(int depth) {
    if (depth > kMaxExpressionDepth) {
      Fail(tok_.offset, "The expression is nested too deeply.");
      return true;
    }
    return false;
  }

  std::optional<Node> Or(int depth) {
    auto left = And(depth);
    while (left && (IsWord("OR") || IsOp("||"))) {
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto right = And(depth);
      if (!right) return std::nullopt;
      left = Binary("OR", at, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> And(int depth) {
    auto left = Cmp(depth);
    while (left && (IsWord("AND") || IsOp("&&"))) {
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto right = Cmp(depth);
      if (!right) return std::nullopt;
      left = Binary("AND", at, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> Cmp(int depth) {
    auto left = Add(depth);
    if (left && tok_.type == Token::Type::kOp &&
        (tok_.text == "==" || tok_.text == "!=" || tok_.text == "<" || tok_.text == "<=" ||
         tok_.text == ">" || tok_.text == ">=")) {
      std::string op = tok_.text;
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto right = Add(depth);
      if (!right) return std::nullopt;
      return Binary(std::move(op), at, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> Add(int depth) {
    auto left = Mul(depth);
    while (left && (IsOp("+") || IsOp("-"))) {
      std::string op = tok_.text;
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto right = Mul(depth);
      if (!right) return std::nullopt;
      left = Binary(std::move(op), at, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> Mul(int depth) {
    auto left = Unary(depth);
    while (left && (IsOp("*") || IsOp("/"))) {
      std::string op = tok_.text;
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto right = Unary(depth);
      if (!right) return std::nullopt;
      left = Binary(std::move(op), at, std::move(*left), std::move(*right));
    }
    return left;
  }

  std::optional<Node> Unary(int depth) {
    if (Deep(depth)) return std::nullopt;
    if (IsOp("-")) {
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto operand = Unary(depth + 1);
      if (!operand) return std::nullopt;
      Node n;
      n.kind = Node::Kind::kUnary;
      n.text = "-";
      n.offset = at;
      n.children.push_back(std::move(*operand));
      return Make(std::move(n));
    }
    auto base = Primary(depth);
    if (base && IsOp("^")) {
      size_t at = tok_.offset;
      if (!Next()) return std::nullopt;
      auto exponent = Unary(depth + 1);
      if (!exponent) return std::nullopt;
      return Binary("^", at, std::move(*base), std::move(*exponent));
    }
    return base;
  }

  // Arguments up to `close`; the opening bracket is already consumed.
  bool Args(Node* n, std::string_view close, int depth) {
    if (IsOp(close)) return Next();
    while (true) {
      auto arg = Or(depth + 1);
      if (!arg) return false;
      n->children.push_back(std::move(*arg));
      if (IsOp(",")) {
        if (!Next()) return false;
        continue;
      }
      if (IsOp(close)) return Next();
      Fail(tok_.offset, tok_.type == Token::Type::kEnd ? "Missing '" + std::string(close) + "'."
                                                       : "Unexpected '" + tok_.text + "'.");
      return false;
    }
  }

  std::optional<Node> Primary(int depth) {
    Node n;
    n.offset = tok_.offset;
    switch (tok_.type) {
      case Token::Type::kEnd:
        return Fail(tok_.offset, "Unexpected end of expression.");
      case Token::Type::kNumber:
        n.kind = Node::Kind::kNumber;
        n.number = tok_.number;
        if (!Next()) return std::nullopt;
        return Make(std::move(n));
      case Token::Type::kString:
        n.kind = Node::Kind::kString;
        n.text = tok_.text;
        if (!Next()) return std::nullopt;
        return Make(std::move(n));
      case Token::Type::kWord: {
        n.text = tok_.text;
        if (!Next()) return std::nullopt;
        if (IsOp("(")) {
          n.kind = Node::Kind::kCall;
          if (!Next() || !Args(&n, ")", depth)) return std::nullopt;
          return Make(std::move(n));
        }
        if (n.text == "AND" || n.text == "OR") {
          return Fail(n.offset, "Unexpected '" + n.text + "'.");
        }
        const char c0 = n.text[0];
        n.kind = (c0 >= 'a' && c0 <= 'z') ? Node::Kind::kId : Node::Kind::kKeyword;
        return Make(std::move(n));
      }
      case Token::Type::kOp:
        if (IsOp("(")) {
          if (!Next()) return std::nullopt;
          auto inner = Or(depth + 1);
          if (!inner) return std::nullopt;
          if (!IsOp(")")) {
            return Fail(tok_.offset, tok_.type == Token::Type::kEnd
                                         ? "Missing ')'."
                                         : "Unexpected '" + tok_.text + "'.");
          }
          if (!Next()) return std::nullopt;
          return inner;
        }
        if (IsOp("[")) {
          n.kind = Node::Kind::kArray;
          if (!Next() || !Args(&n, "]", depth)) return std::nullopt;
          return Make(std::move(n));
        }
        return Fail(tok_.offset, "Unexpected '" + tok_.text + "'.");
    }
    return Fail(tok_.offset, "Unexpected token.");
  }

  std::string_view text_;
  ParseError* error_;
  size_t pos_ = 0;
  Token tok_;
  size_t nodes_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<Node> ParseExpression(std::string_view text, ParseError* error) {
  Parser p(text, error);
  return p.Parse();
}

void CollectIds(const Node& node, std::vector<std::string>* ids) {
  if (node.kind == Node::Kind::kId) ids->push_back(node.text);
  for (const auto& c : node.children) CollectIds(c, ids);
}

}  // namespace cwlogd::api::cloudwatch::math
