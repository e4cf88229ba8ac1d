// Tokenizer. A `/` starts a regex where an operand is expected and divides after one, so the
// decision depends only on the previous token.
#include "insights/lexer.h"

#include <cctype>

#include "insights/value.h"

namespace cwlogd::insights {

namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '@';
}

bool EndsOperand(TokenKind k) {
  switch (k) {
    case TokenKind::kIdent:
    case TokenKind::kNumber:
    case TokenKind::kString:
    case TokenKind::kRegex:
    case TokenKind::kPeriod:
    case TokenKind::kRParen:
    case TokenKind::kRBracket:
      return true;
    default:
      return false;
  }
}

// Words after which an operand (so a regex) comes, never a division.
bool IsOperatorWord(const Token& t) {
  static constexpr std::string_view kWords[] = {"like",   "and",   "or",     "not",     "in",
                                                "filter", "parse", "fields", "display", "stats",
                                                "sort",   "by",    "as",     "dedup",   "limit"};
  if (t.kind != TokenKind::kIdent || t.quoted) return false;
  for (std::string_view w : kWords) {
    if (EqualsIgnoreCase(t.text, w)) return true;
  }
  return false;
}

// Whether a '/' here starts a regex: where an operand is expected, and after `parse <field>`.
bool RegexAllowed(const std::vector<Token>& tokens) {
  if (tokens.empty()) return true;
  const Token& prev = tokens.back();
  if (!EndsOperand(prev.kind) || IsOperatorWord(prev)) return true;
  if (tokens.size() >= 2 && prev.kind == TokenKind::kIdent) {
    const Token& before = tokens[tokens.size() - 2];
    return before.kind == TokenKind::kIdent && !before.quoted &&
           EqualsIgnoreCase(before.text, "parse");
  }
  return false;
}

bool ParseUnit(std::string_view u, PeriodUnit* unit) {
  struct Entry {
    std::string_view name;
    PeriodUnit unit;
  };
  static constexpr Entry kUnits[] = {
      {"ms", PeriodUnit::kMillis}, {"s", PeriodUnit::kSeconds},  {"m", PeriodUnit::kMinutes},
      {"h", PeriodUnit::kHours},   {"d", PeriodUnit::kDays},     {"w", PeriodUnit::kWeeks},
      {"mo", PeriodUnit::kMonths}, {"q", PeriodUnit::kQuarters}, {"y", PeriodUnit::kYears},
  };
  for (const Entry& e : kUnits) {
    if (u == e.name) {
      *unit = e.unit;
      return true;
    }
  }
  return false;
}

bool Fail(CompileError* error, std::size_t start, std::size_t end, std::string message) {
  error->start = start;
  error->end = end;
  error->message = std::move(message);
  return false;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool Tokenize(std::string_view text, std::vector<Token>* tokens, CompileError* error) {
  tokens->clear();
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto push = [&](TokenKind kind, std::size_t start, std::size_t end) -> Token& {
    Token t;
    t.kind = kind;
    t.start = start;
    t.end = end;
    tokens->push_back(std::move(t));
    return tokens->back();
  };
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '#') {  // a comment runs to the end of the line
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    const std::size_t start = i;
    if (c == '`' || (c == '@' && i + 1 < n && text[i + 1] == '`')) {
      std::string name;
      if (c == '@') {
        name.push_back('@');
        ++i;
      }
      const std::size_t close = text.find('`', i + 1);
      if (close == std::string_view::npos) {
        return Fail(error, start, n, "unterminated backtick name");
      }
      name.append(text.substr(i + 1, close - i - 1));
      if (name.empty() || name == "@") return Fail(error, start, close + 1, "empty field name");
      i = close + 1;
      Token& t = push(TokenKind::kIdent, start, i);
      t.text = std::move(name);
      t.quoted = true;
      continue;
    }
    if (c == '"' || c == '\'') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < n) {
        const char d = text[i];
        if (d == c) {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < n) {
          const char e = text[i + 1];
          if (e == c || e == '\\') {
            value.push_back(e);
          } else if (e == 'n') {
            value.push_back('\n');
          } else if (e == 't') {
            value.push_back('\t');
          } else {  // kept as written, so regex-like escapes in glob strings survive
            value.push_back('\\');
            value.push_back(e);
          }
          i += 2;
          continue;
        }
        value.push_back(d);
        ++i;
      }
      if (!closed) return Fail(error, start, n, "unterminated string");
      Token& t = push(TokenKind::kString, start, i);
      t.text = std::move(value);
      continue;
    }
    if (c == '/' && RegexAllowed(*tokens)) {
      std::string body;
      ++i;
      bool closed = false;
      while (i < n) {
        const char d = text[i];
        if (d == '/') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < n) {
          if (text[i + 1] == '/') {
            body.push_back('/');
          } else {
            body.push_back('\\');
            body.push_back(text[i + 1]);
          }
          i += 2;
          continue;
        }
        body.push_back(d);
        ++i;
      }
      if (!closed) return Fail(error, start, n, "unterminated regular expression");
      Token& t = push(TokenKind::kRegex, start, i);
      t.text = std::move(body);
      continue;
    }
    if (IsNameChar(c)) {
      while (i < n && IsNameChar(text[i])) ++i;
      std::string_view word = text.substr(start, i - start);
      if (c >= '0' && c <= '9') {
        std::size_t digits = 0;
        while (
            digits < word.size() &&
            (std::isdigit(static_cast<unsigned char>(word[digits])) != 0 || word[digits] == '.')) {
          ++digits;
        }
        double x = 0;
        if (digits == word.size() && ParseNumber(word, &x)) {
          Token& t = push(TokenKind::kNumber, start, i);
          t.number = x;
          t.text = std::string(word);
          continue;
        }
        PeriodUnit unit{};
        if (ParseNumber(word.substr(0, digits), &x) && ParseUnit(word.substr(digits), &unit)) {
          Token& t = push(TokenKind::kPeriod, start, i);
          t.number = x;
          t.unit = unit;
          t.text = std::string(word);
          continue;
        }
      }
      Token& t = push(TokenKind::kIdent, start, i);
      t.text = std::string(word);
      continue;
    }
    auto next_is = [&](char d) { return i + 1 < n && text[i + 1] == d; };
    TokenKind kind{};
    std::size_t len = 1;
    switch (c) {
      case '|':
        kind = TokenKind::kPipe;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case '(':
        kind = TokenKind::kLParen;
        break;
      case ')':
        kind = TokenKind::kRParen;
        break;
      case '[':
        kind = TokenKind::kLBracket;
        break;
      case ']':
        kind = TokenKind::kRBracket;
        break;
      case '+':
        kind = TokenKind::kPlus;
        break;
      case '-':
        kind = TokenKind::kMinus;
        break;
      case '*':
        kind = TokenKind::kStar;
        break;
      case '/':
        kind = TokenKind::kSlash;
        break;
      case '^':
        kind = TokenKind::kCaret;
        break;
      case '%':
        kind = TokenKind::kPercent;
        break;
      case '=':
        if (next_is('~')) {
          kind = TokenKind::kMatch;
          len = 2;
        } else {
          kind = TokenKind::kEq;
        }
        break;
      case '!':
        if (!next_is('=')) return Fail(error, start, start + 1, "unexpected character '!'");
        kind = TokenKind::kNe;
        len = 2;
        break;
      case '<':
        kind = next_is('=') ? TokenKind::kLe : TokenKind::kLt;
        len = next_is('=') ? 2 : 1;
        break;
      case '>':
        kind = next_is('=') ? TokenKind::kGe : TokenKind::kGt;
        len = next_is('=') ? 2 : 1;
        break;
      default: {
        // One whole UTF-8 character in the message, not a byte.
        std::size_t end = start + 1;
        while (end < n && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
        return Fail(error, start, end, "unexpected character");
      }
    }
    i += len;
    push(kind, start, i);
  }
  push(TokenKind::kEnd, n, n);
  return true;
}

}  // namespace cwlogd::insights
