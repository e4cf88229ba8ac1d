// The --credentials-file format: ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID], '#' comments.
#include "server/auth/credentials.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>  // getpid

#include "tests/catch2.h"

namespace auth = cwlogd::server::auth;

TEST_CASE("Credentials file lines give key -> secret and account", "[security][credentials]") {
  std::string error;
  auto store = auth::CredentialStore::Parse(
      "# local keys\n"
      "\n"
      "AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY 123456789012\n"
      "   test\ttest   # a trailing comment\n"
      "a b 123456789012 extra\n",
      &error);
  CHECK_FALSE(store.has_value());
  CHECK(error == "line 5: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID], got 4 field(s)");

  store = auth::CredentialStore::Parse(
      "# local keys\r\n"
      "AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY 123456789012\r\n"
      "   test\ttest # comment\n"
      "111122223333 s3cr3t\n"
      "  # indented comment",
      &error);
  REQUIRE(store.has_value());
  CHECK(store->size() == 3);
  const auth::Credential* c = store->Find("AKIDEXAMPLE");
  REQUIRE(c != nullptr);
  CHECK(c->secret_access_key == "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  CHECK(c->account_id == "123456789012");
  CHECK(store->Find("test")->account_id == "000000000000");
  CHECK(store->Find("111122223333")->account_id == "111122223333");
  CHECK(store->Find("unknown") == nullptr);
  CHECK(store->Find("") == nullptr);
}

TEST_CASE("Credentials file errors name the line and never the secret", "[security][credentials]") {
  std::string error;
  CHECK_FALSE(auth::CredentialStore::Parse("onlyone\n", &error));
  CHECK(error == "line 1: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [ACCOUNT_ID], got 1 field(s)");
  CHECK_FALSE(auth::CredentialStore::Parse("a topsecret 12345\n", &error));
  CHECK(error == "line 1: account id must be exactly 12 digits");
  CHECK_FALSE(auth::CredentialStore::Parse("a s1\nb s2\na topsecret\n", &error));
  CHECK(error == "line 3: duplicate access key id a");
  CHECK_FALSE(auth::CredentialStore::Parse("a top\xc3\xa9secret\n", &error));
  CHECK(error == "line 1: access key id and secret must be printable ASCII");
  CHECK(error.find("secret\xc3") == std::string::npos);
  CHECK(auth::CredentialStore::Parse("", &error)->size() == 0);
}

TEST_CASE("Credentials file is read from disk", "[security][credentials]") {
  auto path = std::filesystem::temp_directory_path() /
              ("cwlogd-creds-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    out << "AKID SECRET 123456789012\n";
  }
  std::string error;
  auto store = auth::CredentialStore::Load(path.string(), &error);
  std::filesystem::remove(path);
  REQUIRE(store.has_value());
  CHECK(store->Find("AKID")->secret_access_key == "SECRET");
  CHECK_FALSE(auth::CredentialStore::Load(path.string(), &error));
  CHECK(error == "cannot read credentials file " + path.string());
}
