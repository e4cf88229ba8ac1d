// libFuzzer target for SNS filter policies (api/sns/filter_policy.h). The input is split at the
// first NUL into a policy and a message: the policy is validated in both scopes and, valid or
// not, matched against the message as attributes and as a body, never crashing or recursing
// without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/sns/filter_policy.h"

namespace sns = cwlogd::api::sns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view policy = input.substr(0, nul);
  const std::string_view message = nul == std::string_view::npos ? "" : input.substr(nul + 1);
  for (auto scope :
       {sns::FilterPolicyScope::kMessageAttributes, sns::FilterPolicyScope::kMessageBody}) {
    (void)sns::CheckFilterPolicy(policy, scope);
    nlohmann::json attributes = nlohmann::json::parse(message, nullptr, false);
    if (attributes.is_discarded()) attributes = nlohmann::json::object();
    (void)sns::FilterPolicyMatches(policy, scope, attributes, message);
  }
  return 0;
}
