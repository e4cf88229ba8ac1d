#include "server/auth/credentials.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace cwlogd::server::auth {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsTwelveDigits(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    if (i == start) break;
    // A field starting with '#' starts a comment that runs to the end of the line.
    if (line[start] == '#') break;
    fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

// Access key ids and secrets are printable ASCII without spaces; anything else is a typo
// (or a file in the wrong encoding) that would otherwise surface as baffling signature errors.
bool IsPrintableToken(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return !s.empty();
}

}  // namespace

std::string CredentialStore::DefaultAccountFor(std::string_view access_key_id) {
  return IsTwelveDigits(access_key_id) ? std::string(access_key_id) : "000000000000";
}

std::optional<CredentialStore> CredentialStore::Parse(std::string_view text, std::string* error) {
  CredentialStore store;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    auto fail = [&](const std::string& reason) {
      if (error) *error = "line " + std::to_string(line_no) + ": " + reason;
      return std::nullopt;
    };
    if (fields.size() < 2 || fields.size() > 3) {
      return fail("expected ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID], got " +
                  std::to_string(fields.size()) + " field(s)");
    }
    if (!IsPrintableToken(fields[0]) || !IsPrintableToken(fields[1])) {
      return fail("access key id and secret must be printable ASCII");
    }
    std::string account =
        fields.size() == 3 ? std::string(fields[2]) : DefaultAccountFor(fields[0]);
    if (!IsTwelveDigits(account)) return fail("account id must be exactly 12 digits");
    if (store.keys_.contains(std::string(fields[0]))) {
      return fail("duplicate access key id " + std::string(fields[0]));
    }
    store.Add(std::string(fields[0]), std::string(fields[1]), std::move(account));
  }
  return store;
}

std::optional<CredentialStore> CredentialStore::Load(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot read credentials file " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    if (error) *error = "cannot read credentials file " + path;
    return std::nullopt;
  }
  std::string detail;
  auto store = Parse(text.str(), &detail);
  if (!store && error) *error = path + ": " + detail;
  return store;
}

const Credential* CredentialStore::Find(std::string_view access_key_id) const {
  auto it = keys_.find(std::string(access_key_id));
  return it == keys_.end() ? nullptr : &it->second;
}

void CredentialStore::Add(std::string access_key_id, std::string secret_access_key,
                          std::string account_id) {
  keys_[std::move(access_key_id)] = Credential{std::move(secret_access_key), std::move(account_id)};
}

}  // namespace cwlogd::server::auth
