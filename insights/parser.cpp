// Recursive descent with one token of lookahead. Every recursion goes through Enter(), which
// bounds the depth, so no input can exhaust the stack.
#include "insights/parser.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace cwlogd::insights {

namespace {

// Commands of the AWS language that this engine does not run: a compile error, never skipped.
constexpr std::string_view kUnsupportedCommands[] = {
    "pattern", "anomaly", "diff", "unmask", "filterIndex", "unnest", "lookup", "join", "SOURCE",
};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, CompileError* error)
      : text_(text), tokens_(std::move(tokens)), error_(error) {}

  bool Parse(QueryAst* ast) {
    if (!SkipSourcePrefix()) return false;
    if (Peek().kind == TokenKind::kEnd) return true;
    while (true) {
      Command cmd;
      if (!ParseCommand(&cmd)) return false;
      ast->commands.push_back(std::move(cmd));
      if (Peek().kind == TokenKind::kEnd) return true;
      if (Peek().kind != TokenKind::kPipe)
        return Fail(Peek(), "expected '|' or the end of the query");
      Next();
    }
  }

 private:
  const Token& Peek(std::size_t ahead = 0) const {
    const std::size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool Fail(const Token& t, std::string message) {
    error_->start = t.start;
    error_->end = t.end;
    if (t.kind == TokenKind::kEnd) {
      message += " (at the end of the query)";
    } else {
      message += ", found '" + std::string(text_.substr(t.start, t.end - t.start)) + "'";
    }
    error_->message = std::move(message);
    return false;
  }
  static bool IsWord(const Token& t, std::string_view word) {
    return t.kind == TokenKind::kIdent && !t.quoted && EqualsIgnoreCase(t.text, word);
  }
  static bool IsReserved(const Token& t) {
    static constexpr std::string_view kReserved[] = {"and", "or", "not", "like", "in",
                                                     "as",  "by", "asc", "desc"};
    for (std::string_view w : kReserved) {
      if (IsWord(t, w)) return true;
    }
    return false;
  }

  // The rewritten prefix AWS shows in DescribeQueries: SOURCE "g" ["g2"...] START=n END=n |
  bool SkipSourcePrefix() {
    if (!IsWord(Peek(), "SOURCE")) return true;
    if (Peek(1).kind != TokenKind::kString) {
      return Fail(
          Peek(),
          "SOURCE is only accepted as the prefix SOURCE \"<log group>\" START=<ms> END=<ms> |");
    }
    Next();
    while (Peek().kind == TokenKind::kString) Next();
    for (std::string_view key : {"START", "END"}) {
      if (!IsWord(Peek(), key)) return Fail(Peek(), "expected " + std::string(key) + "=<ms>");
      Next();
      if (Peek().kind != TokenKind::kEq) return Fail(Peek(), "expected '='");
      Next();
      if (Peek().kind != TokenKind::kNumber) return Fail(Peek(), "expected a number");
      Next();
    }
    if (Peek().kind == TokenKind::kEnd) return true;
    if (Peek().kind != TokenKind::kPipe)
      return Fail(Peek(), "expected '|' after the SOURCE prefix");
    Next();
    return true;
  }

  bool ParseCommand(Command* cmd) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdent || t.quoted) return Fail(t, "expected a command");
    cmd->start = t.start;
    cmd->end = t.end;
    struct Entry {
      std::string_view name;
      CommandKind kind;
    };
    static constexpr Entry kCommands[] = {
        {"fields", CommandKind::kFields}, {"display", CommandKind::kDisplay},
        {"filter", CommandKind::kFilter}, {"stats", CommandKind::kStats},
        {"sort", CommandKind::kSort},     {"limit", CommandKind::kLimit},
        {"parse", CommandKind::kParse},   {"dedup", CommandKind::kDedup},
    };
    for (const Entry& e : kCommands) {
      if (IsWord(t, e.name)) {
        cmd->kind = e.kind;
        Next();
        bool ok = false;
        switch (e.kind) {
          case CommandKind::kFields:
            ok = ParseNamedList(&cmd->items, /*names_only=*/false);
            break;
          case CommandKind::kDisplay:
          case CommandKind::kDedup:
            ok = ParseNamedList(&cmd->items, /*names_only=*/true);
            break;
          case CommandKind::kFilter:
            ok = (cmd->condition = ParseExpr()) != nullptr;
            break;
          case CommandKind::kStats:
            ok = ParseStats(cmd);
            break;
          case CommandKind::kSort:
            ok = ParseSort(cmd);
            break;
          case CommandKind::kLimit:
            ok = ParseLimit(cmd);
            break;
          case CommandKind::kParse:
            ok = ParseParse(cmd);
            break;
        }
        if (ok) cmd->end = tokens_[pos_ > 0 ? pos_ - 1 : 0].end;
        return ok;
      }
    }
    for (std::string_view name : kUnsupportedCommands) {
      if (IsWord(t, name)) {
        return Fail(t, "the command '" + t.text + "' is not supported by this server");
      }
    }
    return Fail(t, "unknown command");
  }

  bool ParseName(NamedExpr* item) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdent || IsReserved(t)) return Fail(t, "expected a field name");
    if (Peek(1).kind == TokenKind::kLParen) return Fail(t, "expected a field name, not a function");
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kField;
    e->text = t.text;
    e->start = t.start;
    e->end = t.end;
    item->name = t.text;
    item->name_start = t.start;
    item->name_end = t.end;
    item->expr = std::move(e);
    Next();
    return true;
  }

  bool ParseAlias(NamedExpr* item) {
    if (IsWord(Peek(), "as")) {
      Next();
      const Token& n = Peek();
      if (n.kind != TokenKind::kIdent || IsReserved(n))
        return Fail(n, "expected a name after 'as'");
      item->name = n.text;
      item->aliased = true;
      item->name_start = n.start;
      item->name_end = n.end;
      Next();
      return true;
    }
    const Expr& e = *item->expr;
    item->name =
        e.kind == ExprKind::kField ? e.text : std::string(text_.substr(e.start, e.end - e.start));
    item->name_start = e.start;
    item->name_end = e.end;
    return true;
  }

  bool ParseNamedList(std::vector<NamedExpr>* items, bool names_only) {
    while (true) {
      NamedExpr item;
      if (names_only) {
        if (!ParseName(&item)) return false;
      } else {
        item.expr = ParseExpr();
        if (!item.expr || !ParseAlias(&item)) return false;
      }
      items->push_back(std::move(item));
      if (Peek().kind != TokenKind::kComma) return true;
      Next();
    }
  }

  bool ParseStats(Command* cmd) {
    if (!ParseNamedList(&cmd->items, false)) return false;
    if (!IsWord(Peek(), "by")) return true;
    Next();
    return ParseNamedList(&cmd->group_by, false);
  }

  bool ParseSort(Command* cmd) {
    while (true) {
      SortKey key;
      key.expr = ParseExpr();
      if (!key.expr) return false;
      if (IsWord(Peek(), "desc")) {
        key.desc = true;
        Next();
      } else if (IsWord(Peek(), "asc")) {
        Next();
      }
      cmd->sort_keys.push_back(std::move(key));
      if (Peek().kind != TokenKind::kComma) return true;
      Next();
    }
  }

  bool ParseLimit(Command* cmd) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kNumber || t.number != std::floor(t.number) || t.number < 1 ||
        t.number > 10000) {
      return Fail(t, "limit takes a whole number from 1 to 10000");
    }
    cmd->limit = static_cast<int64_t>(t.number);
    Next();
    return true;
  }

  bool ParseParse(Command* cmd) {
    if (Peek().kind != TokenKind::kString && Peek().kind != TokenKind::kRegex) {
      NamedExpr src;
      if (!ParseName(&src)) return false;
      cmd->source = std::move(src.expr);
    } else {
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kField;
      e->text = "@message";
      e->start = Peek().start;
      e->end = Peek().start;
      cmd->source = std::move(e);
    }
    const Token& p = Peek();
    if (p.kind != TokenKind::kString && p.kind != TokenKind::kRegex) {
      return Fail(p, "parse expects a \"glob\" string or a /regex/");
    }
    cmd->regex_pattern = p.kind == TokenKind::kRegex;
    cmd->pattern = p.text;
    cmd->pattern_start = p.start;
    cmd->pattern_end = p.end;
    Next();
    if (cmd->regex_pattern) {
      if (IsWord(Peek(), "as"))
        return Fail(Peek(), "a regex parse names its fields with (?<name>...) groups, not 'as'");
      return true;
    }
    if (!IsWord(Peek(), "as"))
      return Fail(Peek(), "expected 'as' and the names of the glob's fields");
    Next();
    while (true) {
      NamedExpr item;
      if (!ParseName(&item)) return false;
      cmd->items.push_back(std::move(item));
      if (Peek().kind != TokenKind::kComma) return true;
      Next();
    }
  }

  // ---- expressions ----

  struct DepthGuard {
    explicit DepthGuard(int* d) : depth(d) { ++*depth; }
    ~DepthGuard() { --*depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int* depth;
  };

  bool TooDeep() {
    if (depth_ <= kMaxExpressionDepth) return false;
    Fail(Peek(), "the expression is nested too deeply (at most " +
                     std::to_string(kMaxExpressionDepth) + " levels)");
    return true;
  }

  // Sets e's height from its children; a tree taller than kMaxExpressionHeight is an error
  // (evaluation recurses over it, and long `or` chains would build one without nesting).
  std::unique_ptr<Expr> Grown(std::unique_ptr<Expr> e) {
    int h = 0;
    for (const auto& a : e->args) h = std::max(h, a->height);
    e->height = h + 1;
    if (e->height > kMaxExpressionHeight) {
      error_->start = e->start;
      error_->end = e->end;
      error_->message = "the expression is too long or nested too deeply (at most " +
                        std::to_string(kMaxExpressionHeight) + " levels of operators)";
      return nullptr;
    }
    return e;
  }

  std::unique_ptr<Expr> MakeBinary(Op op, std::unique_ptr<Expr> l, std::unique_ptr<Expr> r) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::kBinary;
    e->op = op;
    e->start = l->start;
    e->end = r->end;
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return Grown(std::move(e));
  }

  std::unique_ptr<Expr> ParseExpr() {
    DepthGuard g(&depth_);
    if (TooDeep()) return nullptr;
    auto left = ParseAnd();
    while (left && IsWord(Peek(), "or")) {
      Next();
      auto right = ParseAnd();
      if (!right) return nullptr;
      left = MakeBinary(Op::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> ParseAnd() {
    auto left = ParseNot();
    while (left && IsWord(Peek(), "and")) {
      Next();
      auto right = ParseNot();
      if (!right) return nullptr;
      left = MakeBinary(Op::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> ParseNot() {
    if (IsWord(Peek(), "not") && !(IsWord(Peek(1), "like") || IsWord(Peek(1), "in"))) {
      DepthGuard g(&depth_);
      if (TooDeep()) return nullptr;
      const std::size_t start = Next().start;
      auto operand = ParseNot();
      if (!operand) return nullptr;
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = Op::kNot;
      e->start = start;
      e->end = operand->end;
      e->args.push_back(std::move(operand));
      return Grown(std::move(e));
    }
    return ParseComparison();
  }

  std::unique_ptr<Expr> ParseComparison() {
    auto left = ParseAdditive();
    if (!left) return nullptr;
    const Token& t = Peek();
    Op op = Op::kNone;
    switch (t.kind) {
      case TokenKind::kEq:
        op = Op::kEq;
        break;
      case TokenKind::kNe:
        op = Op::kNe;
        break;
      case TokenKind::kLt:
        op = Op::kLt;
        break;
      case TokenKind::kLe:
        op = Op::kLe;
        break;
      case TokenKind::kGt:
        op = Op::kGt;
        break;
      case TokenKind::kGe:
        op = Op::kGe;
        break;
      case TokenKind::kMatch:
        op = Op::kMatch;
        break;
      default:
        if (IsWord(t, "like")) {
          op = Op::kLike;
        } else if (IsWord(t, "in")) {
          op = Op::kIn;
        } else if (IsWord(t, "not") && (IsWord(Peek(1), "like") || IsWord(Peek(1), "in"))) {
          op = IsWord(Peek(1), "like") ? Op::kNotLike : Op::kNotIn;
          Next();
        }
    }
    if (op == Op::kNone) return left;
    Next();
    std::unique_ptr<Expr> right;
    if (op == Op::kIn || op == Op::kNotIn) {
      right = ParseList();
    } else if (op == Op::kLike || op == Op::kNotLike || op == Op::kMatch) {
      const Token& r = Peek();
      if (r.kind != TokenKind::kString && r.kind != TokenKind::kRegex) {
        Fail(r, "expected a \"string\" or a /regex/");
        return nullptr;
      }
      right = ParsePrimary();
    } else {
      right = ParseAdditive();
    }
    if (!right) return nullptr;
    return MakeBinary(op, std::move(left), std::move(right));
  }

  std::unique_ptr<Expr> ParseList() {
    const Token& open = Peek();
    if (open.kind != TokenKind::kLBracket) {
      Fail(open, "expected '[' and a list of values");
      return nullptr;
    }
    auto list = std::make_unique<Expr>();
    list->kind = ExprKind::kList;
    list->start = open.start;
    Next();
    if (Peek().kind != TokenKind::kRBracket) {
      while (true) {
        auto item = ParseAdditive();
        if (!item) return nullptr;
        list->args.push_back(std::move(item));
        if (Peek().kind != TokenKind::kComma) break;
        Next();
      }
    }
    if (Peek().kind != TokenKind::kRBracket) {
      Fail(Peek(), "expected ']'");
      return nullptr;
    }
    list->end = Next().end;
    return Grown(std::move(list));
  }

  std::unique_ptr<Expr> ParseAdditive() {
    auto left = ParseMultiplicative();
    while (left && (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus)) {
      const Op op = Next().kind == TokenKind::kPlus ? Op::kAdd : Op::kSub;
      auto right = ParseMultiplicative();
      if (!right) return nullptr;
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> ParseMultiplicative() {
    auto left = ParseUnary();
    while (left && (Peek().kind == TokenKind::kStar || Peek().kind == TokenKind::kSlash ||
                    Peek().kind == TokenKind::kPercent)) {
      const TokenKind k = Next().kind;
      const Op op =
          k == TokenKind::kStar ? Op::kMul : (k == TokenKind::kSlash ? Op::kDiv : Op::kMod);
      auto right = ParseUnary();
      if (!right) return nullptr;
      left = MakeBinary(op, std::move(left), std::move(right));
    }
    return left;
  }

  std::unique_ptr<Expr> ParseUnary() {
    if (Peek().kind == TokenKind::kMinus) {
      DepthGuard g(&depth_);
      if (TooDeep()) return nullptr;
      const std::size_t start = Next().start;
      auto operand = ParseUnary();
      if (!operand) return nullptr;
      auto e = std::make_unique<Expr>();
      e->kind = ExprKind::kUnary;
      e->op = Op::kNeg;
      e->start = start;
      e->end = operand->end;
      e->args.push_back(std::move(operand));
      return Grown(std::move(e));
    }
    auto base = ParsePrimary();
    if (base && Peek().kind == TokenKind::kCaret) {
      DepthGuard g(&depth_);
      if (TooDeep()) return nullptr;
      Next();
      auto exponent = ParseUnary();  // right-associative: 2 ^ 3 ^ 2 = 2 ^ 9
      if (!exponent) return nullptr;
      return MakeBinary(Op::kPow, std::move(base), std::move(exponent));
    }
    return base;
  }

  std::unique_ptr<Expr> ParsePrimary() {
    const Token& t = Peek();
    auto e = std::make_unique<Expr>();
    e->start = t.start;
    e->end = t.end;
    switch (t.kind) {
      case TokenKind::kNumber:
        e->kind = ExprKind::kNumber;
        e->number = t.number;
        Next();
        return e;
      case TokenKind::kString:
        e->kind = ExprKind::kString;
        e->text = t.text;
        Next();
        return e;
      case TokenKind::kRegex:
        e->kind = ExprKind::kRegex;
        e->text = t.text;
        Next();
        return e;
      case TokenKind::kPeriod:
        e->kind = ExprKind::kPeriod;
        e->number = t.number;
        e->unit = t.unit;
        Next();
        return e;
      case TokenKind::kLParen: {
        Next();
        auto inner = ParseExpr();
        if (!inner) return nullptr;
        if (Peek().kind != TokenKind::kRParen) {
          Fail(Peek(), "expected ')'");
          return nullptr;
        }
        inner->start = t.start;  // the parentheses belong to the text of the expression
        inner->end = Next().end;
        return inner;
      }
      case TokenKind::kIdent: {
        if (IsReserved(t)) {
          Fail(t, "expected a value or a field name");
          return nullptr;
        }
        e->text = t.text;
        Next();
        if (Peek().kind != TokenKind::kLParen || t.quoted) {
          e->kind = ExprKind::kField;
          return e;
        }
        e->kind = ExprKind::kCall;
        Next();
        if (Peek().kind == TokenKind::kStar && Peek(1).kind == TokenKind::kRParen) {
          auto star = std::make_unique<Expr>();
          star->kind = ExprKind::kStar;
          star->start = Peek().start;
          star->end = Next().end;
          e->args.push_back(std::move(star));
        } else if (Peek().kind != TokenKind::kRParen) {
          while (true) {
            auto arg = ParseExpr();
            if (!arg) return nullptr;
            e->args.push_back(std::move(arg));
            if (Peek().kind != TokenKind::kComma) break;
            Next();
          }
        }
        if (Peek().kind != TokenKind::kRParen) {
          Fail(Peek(), "expected ',' or ')'");
          return nullptr;
        }
        e->end = Next().end;
        return Grown(std::move(e));
      }
      default:
        Fail(t, "expected a value, a field name or '('");
        return nullptr;
    }
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  CompileError* error_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

bool ParseQuery(std::string_view text, QueryAst* ast, CompileError* error) {
  std::vector<Token> tokens;
  if (!Tokenize(text, &tokens, error)) return false;
  Parser parser(text, std::move(tokens), error);
  return parser.Parse(ast);
}

}  // namespace cwlogd::insights
