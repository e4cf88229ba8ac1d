// libFuzzer target for the filter-pattern language (filters/): the input's first line is
// parsed as a pattern; the rest is matched against it, whole and line by line. Any bytes must
// give an error or an answer, and the answers must agree with each other:
// - a rejected pattern has a message and an offset inside the text;
// - Matches() == Match(); extracted values only on a match, and only for space-delimited;
// - metric-filter resolution matches exactly when the pattern does.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "filters/filter_pattern.h"
#include "filters/metric_filter.h"

namespace filters = cwlogd::filters;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// When the pattern is one plain or simply quoted term, Matches must be plain substring search
// (a differential check of the SIMD search against std::string_view::find).
std::optional<std::string> SingleTerm(std::string_view pattern) {
  if (pattern.size() >= 3 && pattern.front() == '"' && pattern.back() == '"') {
    std::string_view inner = pattern.substr(1, pattern.size() - 2);
    if (inner.find_first_of("\"\\") != std::string_view::npos) return std::nullopt;
    if (inner.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) return std::nullopt;
    return std::string(inner);
  }
  if (pattern.empty()) return std::nullopt;
  for (char c : pattern) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  }
  return std::string(pattern);
}

void MatchOne(const filters::FilterPattern& p, std::string_view message,
              const std::vector<filters::ValueReference>& refs) {
  if (auto term = SingleTerm(p.text())) {
    Check(p.Matches(message) == (message.find(*term) != std::string_view::npos));
  }
  filters::ExtractedValues values{{"stale", "x"}};
  const bool matched = p.Match(message, &values);
  Check(matched == p.Matches(message));
  if (!matched || p.kind() != filters::PatternKind::kSpaceDelimited) Check(values.empty());
  if (matched && p.kind() == filters::PatternKind::kMatchAll) Check(values.empty());
  std::vector<std::optional<filters::ResolvedValue>> resolved;
  Check(filters::MatchAndResolve(p, message, refs, &resolved) == matched);
  if (matched) Check(resolved.size() == refs.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view pattern = input.substr(0, nl);
  const std::string_view rest =
      nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);

  filters::ParseError error;
  auto p = filters::ParseFilterPattern(pattern, &error);
  if (!p) {
    Check(!error.message.empty());
    Check(error.offset <= pattern.size());
    return 0;
  }
  Check(p->text() == pattern);
  Check(p->regex_count() >= 0 && p->regex_count() <= filters::kMaxRegexesPerPattern);

  std::vector<filters::ValueReference> refs;
  for (const char* r : {"$.a", "$.a[0].b", "$.*", "$1", "$a", "1", "const"}) {
    filters::ParseError ref_error;
    if (auto ref = filters::ValueReference::ParseDimensionValue(r, &ref_error)) {
      refs.push_back(*ref);
    }
  }

  MatchOne(*p, rest, refs);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t end = rest.find('\n', start);
    const std::string_view line =
        rest.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    MatchOne(*p, line, refs);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }

  filters::ParseError metric_error;
  if (auto e =
          filters::MetricFilterEvaluator::Create(*p, {"$.a", std::nullopt, {}}, &metric_error)) {
    (void)e->Evaluate(rest);
  }
  return 0;
}
