#include "filters/sensitive_data.h"

#include <algorithm>
#include <utility>

#include <re2/re2.h>

namespace cwlogd::filters {
namespace {

constexpr std::string_view kArnPrefix = "arn:aws:dataprotection::aws:data-identifier/";

struct Identifier {
  std::string_view name;
  std::string_view pattern;
};

// Our expressions: AWS does not publish its own (docs/data-protection.md says what each
// matches). Bounded by non-word characters so that a match is a whole token.
constexpr Identifier kIdentifiers[] = {
    // local@domain.tld: RFC 5322's common dot-atom subset.
    {"EmailAddress",
     R"((?:^|[^A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))"},
    // Dotted-quad IPv4, each part 0-255, not part of a longer dotted number (1.2.3.4.5).
    {"IpAddress",
     R"((?:^|[^0-9.])((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))(?:$|[^0-9.]|\.$|\.[^0-9]))"},
    // A 40-character secret access key after a key name that says what it is.
    {"AwsSecretKey",
     R"((?i:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+]))"},
};

}  // namespace

SensitiveDataMasker::SensitiveDataMasker(const std::vector<std::string>& identifiers,
                                         std::vector<std::string>* unsupported) {
  for (const auto& full : identifiers) {
    std::string_view name = full;
    if (name.starts_with(kArnPrefix)) name.remove_prefix(kArnPrefix.size());
    auto it = std::find_if(std::begin(kIdentifiers), std::end(kIdentifiers),
                           [&](const Identifier& id) { return id.name == name; });
    if (it == std::end(kIdentifiers)) {
      if (unsupported != nullptr) unsupported->push_back(full);
      continue;
    }
    // RE2 takes a std::string: Debian 13's RE2 takes absl::string_view, not std::string_view.
    patterns_.push_back(std::make_unique<re2::RE2>(std::string(it->pattern)));
  }
}

SensitiveDataMasker::~SensitiveDataMasker() = default;
SensitiveDataMasker::SensitiveDataMasker(SensitiveDataMasker&&) noexcept = default;
SensitiveDataMasker& SensitiveDataMasker::operator=(SensitiveDataMasker&&) noexcept = default;

const std::vector<std::string_view>& SensitiveDataMasker::SupportedIdentifiers() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> out;
    for (const auto& id : kIdentifiers) out.push_back(id.name);
    return out;
  }();
  return names;
}

bool SensitiveDataMasker::Mask(std::string_view message, std::string* out) const {
  // Spans [begin, end) of the sensitive text: capture group 1 of each match.
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& re : patterns_) {
    const re2::StringPiece text(message.data(), message.size());
    re2::StringPiece groups[2];
    size_t pos = 0;
    // The boundary characters around a token belong to the match, not the token: the next
    // search starts right after the token, so a boundary can serve two neighbours.
    while (pos < message.size() &&
           re->Match(text, pos, message.size(), re2::RE2::UNANCHORED, groups, 2)) {
      if (groups[1].data() == nullptr || groups[1].empty()) break;
      const size_t begin = static_cast<size_t>(groups[1].data() - message.data());
      const size_t end = begin + groups[1].size();
      spans.emplace_back(begin, end);
      pos = end;
    }
  }
  if (spans.empty()) return false;
  std::string masked(message);
  for (const auto& [begin, end] : spans) {
    std::fill(masked.begin() + static_cast<std::ptrdiff_t>(begin),
              masked.begin() + static_cast<std::ptrdiff_t>(end), '*');
  }
  *out = std::move(masked);
  return true;
}

}  // namespace cwlogd::filters
