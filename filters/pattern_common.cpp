// Pieces shared by the pattern kinds: substring search, numbers, value conditions, the lexer,
// and the translation of the AWS regex dialect to RE2.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include <re2/re2.h>

#include "filters/detail/compiled_pattern.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cwlogd::filters::detail {

// ---------------------------------------------------------------------------------------------
// Needle

Needle::Needle(std::string text) : text_(std::move(text)) {}

bool Needle::FoundIn(std::string_view hay) const {
  const std::size_t k = text_.size();
  const std::size_t n = hay.size();
  if (k == 0) return true;
  if (n < k) return false;
  const char* h = hay.data();
  const char* nd = text_.data();
  if (k == 1) return std::memchr(h, nd[0], n) != nullptr;
  std::size_t i = 0;
#if defined(__SSE2__)
  // Compare the needle's first and last bytes against 16 candidate positions at once; only
  // positions where both agree are checked in full. Rare terms cost ~2 loads per 16 bytes.
  const __m128i first = _mm_set1_epi8(nd[0]);
  const __m128i last = _mm_set1_epi8(nd[k - 1]);
  for (; i + k - 1 + 16 <= n; i += 16) {
    const __m128i block_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i));
    const __m128i block_last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + k - 1));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpeq_epi8(block_first, first), _mm_cmpeq_epi8(block_last, last))));
    while (mask != 0) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
      if (std::memcmp(h + i + bit + 1, nd + 1, k - 2) == 0) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; i + k <= n; ++i) {
    const void* p = std::memchr(h + i, nd[0], n - k + 1 - i);
    if (p == nullptr) return false;
    i = static_cast<std::size_t>(static_cast<const char*>(p) - h);
    if (h[i + k - 1] == nd[k - 1] && std::memcmp(h + i + 1, nd + 1, k - 2) == 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Numbers

std::optional<double> ParseNumber(std::string_view t) {
  if (t.empty() || t.size() > 400) return std::nullopt;
  std::size_t i = 0;
  if (t[i] == '+' || t[i] == '-') ++i;
  std::size_t digits = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  // from_chars rejects a leading '+', and "1." / ".5" are fine for it.
  const char* begin = t.data() + (t[0] == '+' ? 1 : 0);
  double value = 0;
  auto [ptr, ec] = std::from_chars(begin, t.data() + t.size(), value);
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow: keep the sign and magnitude class instead of rejecting.
    const bool negative = t[0] == '-';
    const bool tiny = t.find_first_of("eE") != std::string_view::npos &&
                      t.find('-', t.find_first_of("eE")) != std::string_view::npos;
    if (tiny) return negative ? -0.0 : 0.0;
    return negative ? -HUGE_VAL : HUGE_VAL;
  }
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return value;
}

std::string NumberText(double value) {
  std::array<char, 64> buf{};
  auto [ptr, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  if (ec != std::errc()) return "0";
  return std::string(buf.data(), ptr);
}

// ---------------------------------------------------------------------------------------------
// Conditions

namespace {

bool WildcardEquals(const ValueSpec& v, std::string_view text) {
  const std::string_view lit = v.text;
  if (v.wildcard_prefix && v.wildcard_suffix) {
    return lit.empty() || text.find(lit) != std::string_view::npos;
  }
  if (v.wildcard_prefix) {
    return text.size() >= lit.size() && text.substr(text.size() - lit.size()) == lit;
  }
  if (v.wildcard_suffix) return text.substr(0, lit.size()) == lit;
  return text == lit;
}

bool CompareNumbers(CmpOp op, double a, double b) {
  switch (op) {
    case CmpOp::kEq:
      return a == b;
    case CmpOp::kNe:
      return a != b;
    case CmpOp::kLt:
      return a < b;
    case CmpOp::kLe:
      return a <= b;
    case CmpOp::kGt:
      return a > b;
    case CmpOp::kGe:
      return a >= b;
  }
  return false;
}

}  // namespace

bool EvalCondition(const Condition& cond, std::string_view text, std::optional<double> number) {
  const ValueSpec& v = cond.value;
  switch (v.type) {
    case ValueSpec::Type::kRegex: {
      const bool found = RegexSearch(*v.regex, text);
      return cond.op == CmpOp::kEq ? found : !found;
    }
    case ValueSpec::Type::kNumber:
      if (number) return CompareNumbers(cond.op, *number, v.number);
      if (cond.op == CmpOp::kEq) return text == v.text;
      if (cond.op == CmpOp::kNe) return text != v.text;
      return false;
    case ValueSpec::Type::kString: {
      const bool eq = WildcardEquals(v, text);
      return cond.op == CmpOp::kEq ? eq : (cond.op == CmpOp::kNe ? !eq : false);
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Lexer

bool Cursor::Consume(std::string_view token) {
  if (Rest().substr(0, token.size()) != token) return false;
  pos_ += token.size();
  return true;
}

void Cursor::SkipSpace() {
  while (!AtEnd()) {
    const char c = Peek();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') break;
    ++pos_;
  }
}

bool Fail(ParseError* error, std::size_t offset, std::string message, std::string detail) {
  if (error != nullptr) {
    error->offset = offset;
    error->message = std::move(message);
    error->detail = std::move(detail);
  }
  return false;
}

std::string TermForMessage(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char ch : token) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else if (c >= 0xC0) {
      out.push_back('?');  // lead byte: one '?' per non-ASCII character
    } else if (out.empty() || out.back() != '?') {
      out.push_back('?');  // stray continuation byte (invalid UTF-8)
    }
  }
  return out;
}

namespace {

bool IsUnquotedValueChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("_.*+-:@/#;'~^?", c) != nullptr && c != '\0';
}

// Finds the `%` closing a regex that opens at `open`; backslash escapes the next character.
std::optional<std::size_t> FindRegexEnd(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '%') {
      return i;
    }
  }
  return std::nullopt;
}

void SetWildcards(ValueSpec* v, std::string raw) {
  std::size_t begin = 0;
  std::size_t end = raw.size();
  while (begin < end && raw[begin] == '*') ++begin, v->wildcard_prefix = true;
  while (end > begin && raw[end - 1] == '*') --end, v->wildcard_suffix = true;
  v->text = raw.substr(begin, end - begin);
}

}  // namespace

bool ParseCondition(Cursor& cur, Condition* out, int* regex_count, ParseError* error) {
  cur.SkipSpace();
  const std::size_t op_offset = cur.offset();
  if (cur.Consume("!=")) {
    out->op = CmpOp::kNe;
  } else if (cur.Consume("<=")) {
    out->op = CmpOp::kLe;
  } else if (cur.Consume(">=")) {
    out->op = CmpOp::kGe;
  } else if (cur.Consume("=")) {
    out->op = CmpOp::kEq;
  } else if (cur.Consume("<")) {
    out->op = CmpOp::kLt;
  } else if (cur.Consume(">")) {
    out->op = CmpOp::kGt;
  } else {
    return Fail(error, op_offset, std::string(kInvalidPattern),
                "expected a comparison operator (=, !=, <, <=, >, >=)");
  }
  cur.SkipSpace();
  const std::size_t value_offset = cur.offset();
  const bool relational = out->op != CmpOp::kEq && out->op != CmpOp::kNe;
  ValueSpec& v = out->value;
  if (cur.Peek() == '"') {
    std::string raw;
    cur.Advance();
    bool closed = false;
    while (!cur.AtEnd()) {
      const char c = cur.Peek();
      if (c == '\\' && (cur.Peek(1) == '"' || cur.Peek(1) == '\\')) {
        raw.push_back(cur.Peek(1));
        cur.Advance(2);
        continue;
      }
      cur.Advance();
      if (c == '"') {
        closed = true;
        break;
      }
      raw.push_back(c);
    }
    if (!closed) {
      return Fail(error, value_offset, std::string(kInvalidPattern), "unterminated quoted value");
    }
    if (relational) {
      return Fail(error, value_offset, std::string(kInvalidPattern),
                  "<, <=, > and >= need a numeric value");
    }
    v.type = ValueSpec::Type::kString;
    SetWildcards(&v, std::move(raw));
    return true;
  }
  if (cur.Peek() == '%') {
    const std::string_view rest = cur.Rest();
    const auto end = FindRegexEnd(rest, 0);
    if (!end) {
      return Fail(error, value_offset, std::string(kInvalidPattern), "unterminated %regex%");
    }
    const std::string_view token = rest.substr(0, *end + 1);
    if (relational) {
      return Fail(error, value_offset, std::string(kInvalidPattern),
                  "a %regex% value needs = or !=");
    }
    auto re = CompileRegex(token, value_offset, error);
    if (!re) return false;
    cur.Advance(token.size());
    v.type = ValueSpec::Type::kRegex;
    v.text = std::string(token);
    v.regex = std::move(re);
    ++*regex_count;
    return true;
  }
  const std::size_t start = cur.pos();
  while (!cur.AtEnd() && IsUnquotedValueChar(cur.Peek())) cur.Advance();
  const std::string_view raw = cur.Slice(start, cur.pos());
  if (raw.empty()) {
    return Fail(error, value_offset, std::string(kInvalidPattern), "expected a value");
  }
  if (auto num = ParseNumber(raw)) {
    v.type = ValueSpec::Type::kNumber;
    v.number = *num;
    v.text = std::string(raw);
    return true;
  }
  if (relational) {
    return Fail(error, value_offset, std::string(kInvalidPattern),
                "<, <=, > and >= need a numeric value");
  }
  v.type = ValueSpec::Type::kString;
  SetWildcards(&v, std::string(raw));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Selectors: $.a.b, $.a[0], $.a[*], $.*, $.['key.with.dots'], $['k']

namespace {
bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '@' || c == '$';
}
}  // namespace

bool ParseSelector(Cursor& cur, Selector* out, ParseError* error) {
  const std::size_t start = cur.pos();
  const std::size_t start_offset = cur.offset();
  if (!cur.Consume("$")) {
    return Fail(error, start_offset, std::string(kInvalidPattern), "expected a selector ($...)");
  }
  auto fail = [&](std::string detail) {
    return Fail(error, cur.offset(), std::string(kInvalidPattern), std::move(detail));
  };
  while (!cur.AtEnd()) {
    JsonStep step;
    if (cur.Peek() == '.' && cur.Peek(1) == '*') {
      cur.Advance(2);
      step.type = JsonStep::Type::kWildcard;
    } else if (cur.Peek() == '.' && cur.Peek(1) != '[') {
      cur.Advance();
      const std::size_t key_start = cur.pos();
      while (!cur.AtEnd() && IsKeyChar(cur.Peek())) cur.Advance();
      if (cur.pos() == key_start) return fail("expected a property name after '.'");
      step.type = JsonStep::Type::kKey;
      step.key = std::string(cur.Slice(key_start, cur.pos()));
    } else if (cur.Peek() == '[' || (cur.Peek() == '.' && cur.Peek(1) == '[')) {
      if (cur.Peek() == '.') cur.Advance();
      cur.Advance();  // '['
      if (cur.Consume("*")) {
        step.type = JsonStep::Type::kWildcard;
      } else if (cur.Peek() == '\'' || cur.Peek() == '"') {
        const char quote = cur.Peek();
        cur.Advance();
        const std::size_t key_start = cur.pos();
        while (!cur.AtEnd() && cur.Peek() != quote) cur.Advance();
        if (cur.AtEnd()) return fail("unterminated quoted property name");
        step.type = JsonStep::Type::kKey;
        step.key = std::string(cur.Slice(key_start, cur.pos()));
        cur.Advance();
      } else {
        const std::size_t digits_start = cur.pos();
        while (!cur.AtEnd() && cur.Peek() >= '0' && cur.Peek() <= '9') cur.Advance();
        const std::string_view digits = cur.Slice(digits_start, cur.pos());
        if (digits.empty() || digits.size() > 18) return fail("expected an array index");
        step.type = JsonStep::Type::kIndex;
        std::from_chars(digits.data(), digits.data() + digits.size(), step.index);
      }
      if (!cur.Consume("]")) return fail("expected ']'");
    } else {
      break;
    }
    if (step.type == JsonStep::Type::kWildcard) ++out->wildcards;
    out->steps.push_back(std::move(step));
  }
  out->text = std::string(cur.Slice(start, cur.pos()));
  if (out->wildcards > 1) {
    return Fail(error, start_offset, std::string(kInvalidPattern),
                "at most one wildcard per selector");
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Regex: the AWS dialect (doc23) checked character by character and rewritten for RE2.

namespace {

bool IsRegexLiteral(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  // Documented symbols, plus space (the docs' own example uses one).
  return c != '\0' && std::strchr(":_#=@/;,- ", c) != nullptr;
}

bool IsRegexOperator(char c) { return c != '\0' && std::strchr("^$?*+{}|[].\\", c) != nullptr; }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Appends `c` as a literal for RE2: word characters and space as they are, punctuation escaped
// (RE2 takes `\` + any ASCII punctuation as that character).
void AppendLiteral(std::string* out, char c) {
  if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ' ') out->push_back('\\');
  out->push_back(c);
}

// Appends the RE2 form of the escape at body[i] == '\\'; returns false if it is not allowed.
bool TranslateEscape(std::string_view body, std::size_t& i, std::string* out) {
  if (i + 1 >= body.size()) return false;
  const char c = body[i + 1];
  if (std::strchr("dDsSwW", c) != nullptr) {
    out->push_back('\\');
    out->push_back(c);
    i += 2;
    return true;
  }
  if (c == 'x') {
    if (i + 3 >= body.size() || !IsHex(body[i + 2]) || !IsHex(body[i + 3])) return false;
    out->append("\\x{");
    out->push_back(body[i + 2]);
    out->push_back(body[i + 3]);
    out->push_back('}');
    i += 4;
    return true;
  }
  // `\` + an operator character (or `%`, or a documented symbol) is that character.
  if (IsRegexOperator(c) || c == '%' ||
      (IsRegexLiteral(c) && !std::isalnum(static_cast<unsigned char>(c)))) {
    AppendLiteral(out, c);
    i += 2;
    return true;
  }
  return false;
}

enum class RegexProblem { kNone, kCharacter, kSyntax, kTooBig };

// RE2 expands x{m,n} into n copies of x, and compiling a thousand such copies a few dozen times
// takes seconds: bound the sum of the repetition counts of one regex (ours; AWS documents none).
constexpr long kMaxRepetitionBudget = 1000;

RegexProblem TranslateRegex(std::string_view body, std::string* out) {
  long repetitions = 0;
  std::size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c == '\\') {
      if (!TranslateEscape(body, i, out)) return RegexProblem::kCharacter;
      continue;
    }
    if (c == '[') {
      out->push_back('[');
      ++i;
      if (i < body.size() && body[i] == '^') {
        out->push_back('^');
        ++i;
      }
      std::size_t members = 0;
      bool closed = false;
      while (i < body.size()) {
        const char d = body[i];
        if (d == ']' && members > 0) {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\') {
          if (!TranslateEscape(body, i, out)) return RegexProblem::kCharacter;
        } else if (d == '-') {
          out->push_back('-');
          ++i;
        } else if (std::isalnum(static_cast<unsigned char>(d))) {
          out->push_back(d);
          ++i;
        } else if (IsRegexLiteral(d) || IsRegexOperator(d)) {
          AppendLiteral(out, d);
          ++i;
        } else {
          return RegexProblem::kCharacter;
        }
        ++members;
      }
      if (!closed) return RegexProblem::kSyntax;
      out->push_back(']');
      continue;
    }
    if (c == '{') {
      // {m,n} with either bound optional; RE2 has no {,n}, so write {0,n}.
      std::size_t j = i + 1;
      std::string lo;
      std::string hi;
      while (j < body.size() && std::isdigit(static_cast<unsigned char>(body[j]))) lo += body[j++];
      bool comma = false;
      if (j < body.size() && body[j] == ',') {
        comma = true;
        ++j;
        while (j < body.size() && std::isdigit(static_cast<unsigned char>(body[j]))) {
          hi += body[j++];
        }
      }
      if (j >= body.size() || body[j] != '}' || (lo.empty() && hi.empty()) || lo.size() > 4 ||
          hi.size() > 4) {
        return RegexProblem::kSyntax;
      }
      repetitions += std::max(lo.empty() ? 0L : std::stol(lo), hi.empty() ? 0L : std::stol(hi));
      if (repetitions > kMaxRepetitionBudget) return RegexProblem::kTooBig;
      out->push_back('{');
      out->append(lo.empty() ? "0" : lo);
      if (comma) {
        out->push_back(',');
        out->append(hi);
      }
      out->push_back('}');
      i = j + 1;
      continue;
    }
    if (c == '}' || c == ']') {
      AppendLiteral(out, c);
      ++i;
      continue;
    }
    if (IsRegexOperator(c)) {
      out->push_back(c);
      ++i;
      continue;
    }
    if (IsRegexLiteral(c)) {
      AppendLiteral(out, c);
      ++i;
      continue;
    }
    return RegexProblem::kCharacter;
  }
  return RegexProblem::kNone;
}

}  // namespace

std::shared_ptr<const re2::RE2> CompileRegex(std::string_view token, std::size_t offset,
                                             ParseError* error) {
  if (token.size() < 2 || token.front() != '%' || token.back() != '%') {
    Fail(error, offset, std::string(kInvalidPattern), "a regex is written %...%");
    return nullptr;
  }
  const std::string_view body = token.substr(1, token.size() - 2);
  std::string translated;
  switch (TranslateRegex(body, &translated)) {
    case RegexProblem::kNone:
      break;
    case RegexProblem::kCharacter:
      Fail(error, offset, "Invalid character(s) in term '" + TermForMessage(token) + "'",
           "regex contains a character or escape outside the documented set "
           "(letters, digits, : _ # = @ / ; , - space, operators ^ $ ? * + {} | [] . and "
           "escapes \\d \\D \\s \\S \\w \\W \\xhh)");
      return nullptr;
    case RegexProblem::kSyntax:
      Fail(error, offset, std::string(kInvalidPattern), "malformed regex ([...] or {m,n})");
      return nullptr;
    case RegexProblem::kTooBig:
      Fail(error, offset, std::string(kInvalidPattern),
           "the {m,n} repetition counts of a regex add up to more than 1000");
      return nullptr;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  options.set_case_sensitive(true);
  // 1 MiB refuses huge programs quickly and still leaves the DFA room for real patterns.
  options.set_max_mem(1 << 20);
  auto re = std::make_shared<re2::RE2>(translated, options);
  if (!re->ok()) {
    Fail(error, offset, std::string(kInvalidPattern), "invalid regex: " + re->error());
    return nullptr;
  }
  return re;
}

bool RegexSearch(const re2::RE2& re, std::string_view text) {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

// ---------------------------------------------------------------------------------------------

bool CompiledPattern::MatchAndResolve(std::string_view message,
                                      const std::vector<const Selector*>& json_refs,
                                      const std::vector<std::string>& field_refs,
                                      std::vector<std::optional<ResolvedScalar>>* out) const {
  out->assign(json_refs.size() + field_refs.size(), std::nullopt);
  return Match(message, nullptr);
}

}  // namespace cwlogd::filters::detail
