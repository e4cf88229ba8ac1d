// SNS subscription filter policies (docs/sns.md, "Filter policies"): which published messages a
// subscription receives. A policy is a JSON object of keys, each an array of conditions (any may
// match) or, with FilterPolicyScope MessageBody, a nested object; every key must match, and
// "$or" takes alternative sub-policies. Conditions: exact strings, numbers, true/false/null,
// {"prefix"}, {"suffix"}, {"equals-ignore-case"}, {"anything-but"} (a value, a list, or a
// prefix/suffix), {"numeric": [op, n, op, n]}, {"exists"} and {"cidr"} (IPv4).
// Pure functions of their inputs; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cwlogd::api::sns {

inline constexpr size_t kMaxFilterPolicyBytes = size_t{256} * 1024;
inline constexpr int kMaxFilterPolicyKeys = 5;
inline constexpr long kMaxFilterPolicyCombinations = 150;

enum class FilterPolicyScope { kMessageAttributes, kMessageBody };

// "MessageBody" -> kMessageBody; anything else (the default "MessageAttributes", or unset) ->
// kMessageAttributes.
inline FilterPolicyScope ParseFilterPolicyScope(std::string_view scope) {
  return scope == "MessageBody" ? FilterPolicyScope::kMessageBody
                                : FilterPolicyScope::kMessageAttributes;
}

// Why `policy_text` is no valid policy (the text after "Invalid parameter: FilterPolicy: "), or
// nullopt when it is one. An empty text is valid (no filtering).
std::optional<std::string> CheckFilterPolicy(std::string_view policy_text, FilterPolicyScope scope);

// True when a message with these attributes (the notification's MessageAttributes JSON:
// {"name": {"Type": "String", "Value": "x"}}) and this body passes `policy_text`. An empty or
// invalid policy passes everything (an invalid one cannot be stored).
bool FilterPolicyMatches(std::string_view policy_text, FilterPolicyScope scope,
                         const nlohmann::json& message_attributes, std::string_view body);

}  // namespace cwlogd::api::sns
