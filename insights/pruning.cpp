// Literal extraction for pruning. Conservative: when in doubt, no literal (a block is never
// skipped wrongly; it is only read for nothing).
#include "insights/pruning.h"

#include <cctype>

#include "insights/commands.h"

namespace cwlogd::insights {

namespace {

bool IsMessage(const Expr& e) { return e.kind == ExprKind::kField && e.text == "@message"; }

void Collect(const Expr& e, std::vector<std::string>* out) {
  if (e.kind != ExprKind::kBinary) return;
  if (e.op == Op::kAnd) {
    Collect(*e.args[0], out);
    Collect(*e.args[1], out);
    return;
  }
  if (!IsMessage(*e.args[0])) return;
  const Expr& right = *e.args[1];
  std::string literal;
  if (e.op == Op::kLike || e.op == Op::kMatch) {
    literal = right.regex ? RegexRequiredLiteral(right.text) : right.text;
  } else if (e.op == Op::kEq && right.kind == ExprKind::kString) {
    literal = right.text;
  }
  if (literal.size() >= kMinPruneLiteral) out->push_back(std::move(literal));
}

// Escapes of one literal character: \. \/ \- ... (punctuation); letters and digits after a
// backslash are classes or special (\d, \b, \x41), so they end the run.
bool EscapedLiteral(char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::string RegexRequiredLiteral(std::string_view re) {
  // Alternation anywhere, or flags, make every run optional as far as this scan can tell.
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
      continue;
    }
    if (re[i] == '|') return {};
    if (re[i] == '(' && i + 1 < re.size() && re[i + 1] == '?') {
      // (?P<name>..) and (?:..) are groups; anything else ((?i), (?s)...) changes matching.
      const bool group =
          re.substr(i, 4) == "(?P<" || re.substr(i, 3) == "(?:" ||
          (re.substr(i, 3) == "(?<" && i + 3 < re.size() && re[i + 3] != '=' && re[i + 3] != '!');
      if (!group) return {};
    }
  }
  std::string best;
  std::string run;
  int depth = 0;
  auto end_run = [&]() {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (std::size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    const char next = i + 1 < re.size() ? re[i + 1] : '\0';
    const bool quantified_optional = next == '*' || next == '?' || next == '{';
    const bool quantified_plus = next == '+';
    char literal = 0;
    bool is_literal = false;
    if (c == '\\') {
      if (i + 1 >= re.size()) break;
      const char e = re[i + 1];
      ++i;
      const char after = i + 1 < re.size() ? re[i + 1] : '\0';
      if (depth == 0 && EscapedLiteral(e)) {
        if (after == '*' || after == '?' || after == '{') {
          end_run();
          continue;
        }
        run.push_back(e);
        if (after == '+') end_run();
        continue;
      }
      end_run();
      continue;
    }
    switch (c) {
      case '(':
        ++depth;
        end_run();
        continue;
      case ')':
        if (depth > 0) --depth;
        end_run();
        continue;
      case '[': {
        end_run();
        // Skip the class: ']' first (or after '^') is a member.
        std::size_t j = i + 1;
        if (j < re.size() && re[j] == '^') ++j;
        if (j < re.size() && re[j] == ']') ++j;
        for (; j < re.size() && re[j] != ']'; ++j) {
          if (re[j] == '\\') ++j;
        }
        i = j;
        continue;
      }
      case '{':
        end_run();
        while (i < re.size() && re[i] != '}') ++i;
        continue;
      case '.':
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
      case '}':
        end_run();
        continue;
      default:
        literal = c;
        is_literal = depth == 0;
    }
    if (!is_literal) {
      end_run();
      continue;
    }
    if (quantified_optional) {
      end_run();
      continue;
    }
    run.push_back(literal);
    if (quantified_plus) end_run();
  }
  end_run();
  return best;
}

std::vector<std::string> RequiredLiterals(const Plan& plan) {
  std::vector<std::string> out;
  for (const Command* cmd : plan.record_stage) {
    if (cmd->kind == CommandKind::kFilter) Collect(*cmd->condition, &out);
  }
  return out;
}

}  // namespace cwlogd::insights
