// SensitiveDataMasker: what each managed data identifier masks, and what it leaves alone.
#include "filters/sensitive_data.h"

#include <string>
#include <vector>

#include "tests/catch2.h"

namespace {

using cwlogd::filters::SensitiveDataMasker;

// `message` as the masker shows it (unchanged when nothing matched).
std::string Shown(const SensitiveDataMasker& masker, const std::string& message) {
  std::string out;
  return masker.Mask(message, &out) ? out : message;
}

TEST_CASE("EmailAddress masks whole addresses only", "[filters][sensitive]") {
  SensitiveDataMasker m({"arn:aws:dataprotection::aws:data-identifier/EmailAddress"});
  CHECK(Shown(m, "to a.b+c@mail.example.org now") == "to ********************** now");
  CHECK(Shown(m, "x@y.io,z@w.de") == "******,******");
  CHECK(Shown(m, "no at sign, or a@b, or @host.com") == "no at sign, or a@b, or @host.com");
}

TEST_CASE("IpAddress masks dotted quads within range", "[filters][sensitive]") {
  SensitiveDataMasker m({"IpAddress"});
  CHECK(Shown(m, "from 10.0.0.1:443 and 255.255.255.255") ==
        "from ********:443 and ***************");
  CHECK(Shown(m, "version 1.2.3, 256.1.1.1, 1.2.3.4.5") == "version 1.2.3, 256.1.1.1, 1.2.3.4.5");
  CHECK(Shown(m, "1.1.1.1 2.2.2.2") == "******* *******");
}

TEST_CASE("AwsSecretKey needs the key's name before it", "[filters][sensitive]") {
  SensitiveDataMasker m({"AwsSecretKey"});
  const std::string key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  CHECK(Shown(m, "aws_secret_access_key=" + key) ==
        "aws_secret_access_key=" + std::string(40, '*'));
  CHECK(Shown(m, "{\"SecretAccessKey\": \"" + key + "\"}") ==
        "{\"SecretAccessKey\": \"" + std::string(40, '*') + "\"}");
  CHECK(Shown(m, "token " + key) == "token " + key);
  CHECK(Shown(m, "aws_secret_access_key=" + key + "X") == "aws_secret_access_key=" + key + "X");
}

TEST_CASE("Unsupported identifiers are reported and ignored", "[filters][sensitive]") {
  std::vector<std::string> unsupported;
  SensitiveDataMasker m({"CreditCardNumber", "EmailAddress"}, &unsupported);
  CHECK(unsupported == std::vector<std::string>{"CreditCardNumber"});
  CHECK_FALSE(m.empty());
  SensitiveDataMasker none({"Name"});
  CHECK(none.empty());
  CHECK(Shown(none, "a@b.com") == "a@b.com");
}

TEST_CASE("Masking is linear on long and hostile messages", "[filters][sensitive]") {
  SensitiveDataMasker m({"EmailAddress", "IpAddress", "AwsSecretKey"});
  std::string hostile(200'000, '@');
  CHECK(Shown(m, hostile) == hostile);
  std::string dots;
  for (int i = 0; i < 20'000; ++i) dots += "1.";
  CHECK(Shown(m, dots) == dots);
}

}  // namespace
