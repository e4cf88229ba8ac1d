// CredentialStore: access key id -> (secret access key, account id), loaded once from the
// credentials file given with --credentials-file. Immutable after loading; thread-safe to read.
//
// File format (docs/security.md): one credential per line,
//     ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID]
// fields separated by spaces or tabs; '#' at the start of a field starts a comment running to
// the end of the line; blank and comment-only lines are ignored. ACCOUNT_ID is 12 digits; when
// omitted it is the access key id if that is 12 digits, else 000000000000 (the same rule as the
// any-credentials mode).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cwlogd::server::auth {

struct Credential {
  std::string secret_access_key;
  std::string account_id;
};

class CredentialStore {
 public:
  CredentialStore() = default;

  // Parses the text of a credentials file. On a bad line returns nullopt and sets *error to
  // "line N: <reason>" (never containing a secret).
  static std::optional<CredentialStore> Parse(std::string_view text, std::string* error);
  // Reads and parses `path`; *error also covers "cannot read".
  static std::optional<CredentialStore> Load(const std::string& path, std::string* error);

  // nullptr when the key is unknown. The pointer lives as long as the store.
  const Credential* Find(std::string_view access_key_id) const;
  size_t size() const { return keys_.size(); }

  // Adds or replaces a key (tests, fuzzers). Not thread-safe against readers.
  void Add(std::string access_key_id, std::string secret_access_key, std::string account_id);

  // The account used when none is configured: the key id if it is 12 digits, else 000000000000.
  static std::string DefaultAccountFor(std::string_view access_key_id);

 private:
  std::unordered_map<std::string, Credential> keys_;
};

}  // namespace cwlogd::server::auth
