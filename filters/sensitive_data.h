// Masking of sensitive data in log events: the managed data identifiers of CloudWatch Logs data
// protection policies that cwlogd implements (EmailAddress, IpAddress, AwsSecretKey), each a
// regular expression; a match is replaced by as many '*' as it has bytes (the identifiers match
// ASCII only). Thread-safe once built (RE2 is).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace cwlogd::filters {

class SensitiveDataMasker {
 public:
  // The identifiers named by their ARNs
  // (`arn:aws:dataprotection::aws:data-identifier/EmailAddress`) or bare names; those this
  // masker does not implement are listed in *unsupported (optional) and ignored.
  explicit SensitiveDataMasker(const std::vector<std::string>& identifiers,
                               std::vector<std::string>* unsupported = nullptr);
  ~SensitiveDataMasker();
  SensitiveDataMasker(SensitiveDataMasker&&) noexcept;
  SensitiveDataMasker& operator=(SensitiveDataMasker&&) noexcept;

  // True when no identifier is implemented: Mask never changes anything.
  bool empty() const { return patterns_.empty(); }
  // `message` with every match of every identifier masked, in *out; false (and *out untouched)
  // when nothing matched.
  bool Mask(std::string_view message, std::string* out) const;

  // The identifier names this masker implements.
  static const std::vector<std::string_view>& SupportedIdentifiers();

 private:
  std::vector<std::unique_ptr<re2::RE2>> patterns_;
};

}  // namespace cwlogd::filters
