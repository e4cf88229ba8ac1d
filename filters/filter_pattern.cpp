// Classifying a pattern, term patterns and standalone regex patterns (docs/filter-patterns.md).
// JSON patterns: json_pattern.cpp; space-delimited: delimited_pattern.cpp.
#include "filters/filter_pattern.h"

#include <re2/re2.h>

#include "filters/detail/compiled_pattern.h"

namespace cwlogd::filters {
namespace detail {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsTermChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::size_t CountCharacters(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

class MatchAllPattern final : public CompiledPattern {
 public:
  explicit MatchAllPattern(std::string text)
      : CompiledPattern(std::move(text), PatternKind::kMatchAll, 0) {}
  bool Match(std::string_view, ExtractedValues* values) const override {
    if (values != nullptr) values->clear();
    return true;
  }
};

// R = required, X = excluded, O = optional (docs/filter-patterns.md, "Term patterns").
class TermPattern final : public CompiledPattern {
 public:
  TermPattern(std::string text, std::vector<Needle> required, std::vector<Needle> excluded,
              std::vector<Needle> optional)
      : CompiledPattern(std::move(text), PatternKind::kTerms, 0),
        required_(std::move(required)),
        excluded_(std::move(excluded)),
        optional_(std::move(optional)) {
    // doc23: `?` terms have no effect once other kinds of terms are present.
    if (!required_.empty() || !excluded_.empty()) optional_.clear();
  }

  bool Match(std::string_view message, ExtractedValues* values) const override {
    if (values != nullptr) values->clear();
    for (const Needle& n : required_) {
      if (!n.FoundIn(message)) return false;
    }
    for (const Needle& n : excluded_) {
      if (n.FoundIn(message)) return false;
    }
    if (optional_.empty()) return true;
    for (const Needle& n : optional_) {
      if (n.FoundIn(message)) return true;
    }
    return false;
  }

  // A matching message inside `bytes` contains every required term and at least one `?`
  // term; excluded terms say nothing about the other messages of the block.
  bool MayMatchWithin(std::string_view bytes) const override {
    return MayMatch([bytes](const Needle& n) { return n.FoundIn(bytes); });
  }

  bool MayMatchIfContains(const TermPredicate& may_contain) const override {
    return MayMatch([&may_contain](const Needle& n) { return may_contain(n.text()); });
  }

 private:
  // True unless `contains` rules out a required term, or every `?` term.
  template <class Contains>
  bool MayMatch(const Contains& contains) const {
    for (const Needle& n : required_) {
      if (!contains(n)) return false;
    }
    if (optional_.empty()) return true;
    for (const Needle& n : optional_) {
      if (contains(n)) return true;
    }
    return false;
  }

  std::vector<Needle> required_;
  std::vector<Needle> excluded_;
  std::vector<Needle> optional_;
};

class RegexPattern final : public CompiledPattern {
 public:
  RegexPattern(std::string text, std::shared_ptr<const re2::RE2> re)
      : CompiledPattern(std::move(text), PatternKind::kRegex, 1), re_(std::move(re)) {}
  bool Match(std::string_view message, ExtractedValues* values) const override {
    if (values != nullptr) values->clear();
    return RegexSearch(*re_, message);
  }

 private:
  std::shared_ptr<const re2::RE2> re_;
};

bool InvalidTerm(ParseError* error, std::size_t offset, std::string_view token) {
  return Fail(error, offset, "Invalid character(s) in term '" + TermForMessage(token) + "'",
              "unquoted terms may contain only letters, digits and '_'; quote other text "
              "(\"...\")");
}

}  // namespace

std::shared_ptr<const CompiledPattern> BuildTermPattern(std::string text, std::string_view body,
                                                        std::size_t base, ParseError* error) {
  std::vector<Needle> required;
  std::vector<Needle> excluded;
  std::vector<Needle> optional;
  std::size_t i = 0;
  while (i < body.size()) {
    if (IsSpace(body[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    auto token_end = [&](std::size_t from) {
      while (from < body.size() && !IsSpace(body[from])) ++from;
      return from;
    };
    char prefix = '\0';
    if (body[i] == '?' || body[i] == '-') prefix = body[i++];
    std::string term;
    if (i < body.size() && body[i] == '"') {
      ++i;
      bool closed = false;
      while (i < body.size()) {
        const char c = body[i];
        if (c == '\\' && i + 1 < body.size() && (body[i + 1] == '"' || body[i + 1] == '\\')) {
          term.push_back(body[i + 1]);
          i += 2;
          continue;
        }
        ++i;
        if (c == '"') {
          closed = true;
          break;
        }
        term.push_back(c);
      }
      if (!closed || (i < body.size() && !IsSpace(body[i]))) {
        const std::size_t end = closed ? token_end(i) : body.size();
        InvalidTerm(error, base + start, body.substr(start, end - start));
        return nullptr;
      }
      // An empty or whitespace-only quoted term (`""`, `" "`) matches every event.
      bool blank = true;
      for (char c : term) blank = blank && IsSpace(c);
      if (blank) continue;
    } else {
      const std::size_t end = token_end(i);
      const std::string_view word = body.substr(i, end - i);
      bool ok = !word.empty();
      for (char c : word) ok = ok && IsTermChar(c);
      if (!ok) {
        InvalidTerm(error, base + start, body.substr(start, end - start));
        return nullptr;
      }
      term = std::string(word);
      i = end;
    }
    (prefix == '?' ? optional : prefix == '-' ? excluded : required).emplace_back(std::move(term));
  }
  if (required.empty() && excluded.empty() && optional.empty()) {
    return std::make_shared<MatchAllPattern>(std::move(text));
  }
  return std::make_shared<TermPattern>(std::move(text), std::move(required), std::move(excluded),
                                       std::move(optional));
}

std::shared_ptr<const CompiledPattern> BuildRegexPattern(std::string text, std::string_view body,
                                                         std::size_t base, ParseError* error) {
  // A standalone regex is the whole pattern: an unescaped '%' inside means regexes mixed
  // with something else, which the docs do not allow.
  for (std::size_t i = 1; i + 1 < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '%') {
      Fail(error, base + i, "Invalid character(s) in term '" + TermForMessage(body) + "'",
           "a regex pattern is a single %...%; it cannot be mixed with other terms");
      return nullptr;
    }
  }
  auto re = CompileRegex(body, base, error);
  if (!re) return nullptr;
  return std::make_shared<RegexPattern>(std::move(text), std::move(re));
}

}  // namespace detail

FilterPattern::FilterPattern(std::shared_ptr<const detail::CompiledPattern> impl)
    : impl_(std::move(impl)) {}

const std::string& FilterPattern::text() const { return impl_->text(); }

PatternKind FilterPattern::kind() const { return impl_->kind(); }

int FilterPattern::regex_count() const { return impl_->regex_count(); }

bool FilterPattern::Matches(std::string_view message) const {
  return impl_->Match(message, nullptr);
}

bool FilterPattern::MayMatchWithin(std::string_view bytes) const {
  return impl_->MayMatchWithin(bytes);
}

bool FilterPattern::MayMatchIfContains(const TermPredicate& may_contain) const {
  return impl_->MayMatchIfContains(may_contain);
}

bool FilterPattern::Match(std::string_view message, ExtractedValues* values) const {
  return impl_->Match(message, values);
}

std::optional<FilterPattern> ParseFilterPattern(std::string_view text, ParseError* error) {
  using detail::Fail;
  using detail::IsSpace;
  if (detail::CountCharacters(text) > kMaxPatternLength) {
    Fail(error, kMaxPatternLength, std::string(detail::kInvalidPattern),
         "a filter pattern has at most 1024 characters");
    return std::nullopt;
  }
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  const std::string_view body = text.substr(begin, end - begin);
  std::string owned(text);
  std::shared_ptr<const detail::CompiledPattern> compiled;
  if (body.empty()) {
    compiled = std::make_shared<detail::MatchAllPattern>(std::move(owned));
  } else if (body.front() == '{') {
    if (body.back() != '}' || body.size() < 2) {
      Fail(error, end - 1, "If a filter pattern starts with '{' it must end with '}'", "");
      return std::nullopt;
    }
    compiled = detail::BuildJsonPattern(std::move(owned), body, begin, error);
  } else if (body.front() == '[') {
    if (body.back() != ']' || body.size() < 2) {
      Fail(error, end - 1, "If a filter pattern starts with '[' it must end with ']'", "");
      return std::nullopt;
    }
    compiled = detail::BuildDelimitedPattern(std::move(owned), body, begin, error);
  } else if (body.front() == '%' && body.size() >= 2 && body.back() == '%') {
    compiled = detail::BuildRegexPattern(std::move(owned), body, begin, error);
  } else {
    compiled = detail::BuildTermPattern(std::move(owned), body, begin, error);
  }
  if (!compiled) return std::nullopt;
  return FilterPattern(std::move(compiled));
}

}  // namespace cwlogd::filters
