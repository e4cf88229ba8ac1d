// INTERIM matcher: plain and quoted terms only. Replaced by the full language (issue 3).
#include "filters/filter_pattern.h"

#include <cctype>

namespace cwlogd::filters {
namespace detail {
class CompiledPattern {
 public:
  std::vector<std::string> terms;
};
}  // namespace detail

FilterPattern::FilterPattern(std::shared_ptr<const detail::CompiledPattern> impl)
    : impl_(std::move(impl)) {}

PatternKind FilterPattern::kind() const {
  return impl_->terms.empty() ? PatternKind::kMatchAll : PatternKind::kTerms;
}

bool FilterPattern::Matches(std::string_view message) const { return Match(message, nullptr); }

bool FilterPattern::Match(std::string_view message, ExtractedValues* values) const {
  if (values) values->clear();
  for (const auto& t : impl_->terms) {
    if (message.find(t) == std::string_view::npos) return false;
  }
  return true;
}

std::optional<FilterPattern> ParseFilterPattern(std::string_view text, ParseError* error) {
  auto compiled = std::make_shared<detail::CompiledPattern>();
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) { ++i; continue; }
    std::string term;
    size_t start = i;
    if (text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        term += text[i++];
      }
      if (i >= text.size()) {
        if (error) *error = {start, "Invalid filter pattern"};
        return std::nullopt;
      }
      ++i;
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) term += text[i++];
      for (char c : term) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
          if (error) *error = {start, "Invalid character(s) in term '" + term + "'"};
          return std::nullopt;
        }
      }
    }
    compiled->terms.push_back(std::move(term));
  }
  return FilterPattern(std::move(compiled));
}

}  // namespace cwlogd::filters
