// Small text helpers every stage of the request pipeline shares (router, the CloudWatch route,
// the Authorization parsers, SigV4): trimming, ASCII case-insensitive comparison, and the
// path and query of a request target. Header-only and Beast-free, so cwlogd_sigv4 uses it too.
// All functions are pure: they return views into their argument.
#pragma once

#include <cstddef>
#include <string_view>

namespace cwlogd::server {

// HTTP's optional whitespace (RFC 9110 OWS): space and horizontal tab.
constexpr bool IsOptionalWhitespace(char c) { return c == ' ' || c == '\t'; }

// Any ASCII whitespace, as std::isspace in the C locale: space, \t, \n, \v, \f, \r.
constexpr bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Strips OWS (space, tab) from both ends: header values.
constexpr std::string_view TrimOptionalWhitespace(std::string_view s) {
  while (!s.empty() && IsOptionalWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOptionalWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

// Strips every ASCII whitespace character from both ends (bodies, SigV4 canonical values).
constexpr std::string_view TrimAsciiWhitespace(std::string_view s) {
  while (!s.empty() && IsAsciiWhitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiWhitespace(s.back())) s.remove_suffix(1);
  return s;
}

constexpr char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (LowerAscii(s[i]) != LowerAscii(prefix[i])) return false;
  }
  return true;
}

constexpr bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

// "/a/b?x=1" -> "/a/b"
constexpr std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// "/a/b?x=1" -> "x=1"; empty without a '?'.
constexpr std::string_view QueryOf(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace cwlogd::server
