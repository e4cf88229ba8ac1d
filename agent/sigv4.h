// AWS Signature Version 4 for requests the agent sends, and the SDK-style credential lookup.
// Stateless functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwlogd::agent {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

// As the AWS SDKs look: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN), else
// the profile AWS_PROFILE (default "default") of AWS_SHARED_CREDENTIALS_FILE or
// ~/.aws/credentials. nullopt if neither has a key pair; *where says which source was used.
std::optional<Credentials> LoadCredentials(std::string* where);

// Parses an INI credentials file's profile. Exposed for tests.
std::optional<Credentials> ParseCredentialsFile(std::string_view text, std::string_view profile);

struct SigningRequest {
  std::string method = "POST";
  std::string path = "/";
  std::string query;  // already canonical (sorted, encoded)
  // Headers to sign (lower-case names), host included. Sorted by the signer.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view payload;
  std::string amz_date;  // YYYYMMDDTHHMMSSZ
  std::string region;
  std::string service = "logs";
};

// The Authorization header value for the request.
std::string SignV4(const SigningRequest& request, const Credentials& credentials);

std::string Sha256Hex(std::string_view data);

}  // namespace cwlogd::agent
