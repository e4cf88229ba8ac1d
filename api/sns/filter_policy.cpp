#include "api/sns/filter_policy.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include <arpa/inet.h>

namespace cwlogd::api::sns {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 16;  // nested MessageBody keys and $or levels

bool IsScalar(const json& v) {
  return v.is_string() || v.is_number() || v.is_boolean() || v.is_null();
}

// SNS compares numbers with five digits after the decimal point.
bool SameNumber(double a, double b) { return std::fabs(a - b) < 5e-6; }

bool ParseIpv4(std::string_view text, uint32_t* out) {
  const std::string s(text);
  in_addr addr{};
  if (inet_pton(AF_INET, s.c_str(), &addr) != 1) return false;
  *out = ntohl(addr.s_addr);
  return true;
}

// "a.b.c.d/n" -> (network, mask).
bool ParseCidr(std::string_view text, uint32_t* network, uint32_t* mask) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  uint32_t ip = 0;
  if (!ParseIpv4(text.substr(0, slash), &ip)) return false;
  const std::string_view bits_text = text.substr(slash + 1);
  if (bits_text.empty() || bits_text.size() > 2) return false;
  int bits = 0;
  for (char c : bits_text) {
    if (c < '0' || c > '9') return false;
    bits = bits * 10 + (c - '0');
  }
  if (bits > 32) return false;
  *mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  *network = ip & *mask;
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool ScalarEquals(const json& condition, const json& value) {
  if (condition.is_number() && value.is_number()) {
    return SameNumber(condition.get<double>(), value.get<double>());
  }
  if (condition.is_string() && value.is_string()) return condition == value;
  if (condition.is_boolean() && value.is_boolean()) return condition == value;
  return condition.is_null() && value.is_null();
}

bool NumericMatches(const json& ops, double v) {
  for (size_t i = 0; i + 1 < ops.size(); i += 2) {
    const std::string op = ops[i].get<std::string>();
    const double n = ops[i + 1].get<double>();
    const bool ok = op == "="    ? SameNumber(v, n)
                    : op == "<"  ? v < n && !SameNumber(v, n)
                    : op == "<=" ? v < n || SameNumber(v, n)
                    : op == ">"  ? v > n && !SameNumber(v, n)
                                 : v > n || SameNumber(v, n);
    if (!ok) return false;
  }
  return true;
}

// One condition (already validated) against one present scalar value.
bool ConditionMatches(const json& condition, const json& value) {
  if (!condition.is_object()) return ScalarEquals(condition, value);
  const auto first = condition.begin();
  const std::string& op = first.key();
  const json& arg = first.value();
  if (op == "exists") return arg.get<bool>();
  if (op == "prefix")
    return value.is_string() &&
           value.get_ref<const std::string&>().starts_with(arg.get_ref<const std::string&>());
  if (op == "suffix")
    return value.is_string() &&
           value.get_ref<const std::string&>().ends_with(arg.get_ref<const std::string&>());
  if (op == "equals-ignore-case") {
    return value.is_string() &&
           EqualsIgnoreCase(value.get_ref<const std::string&>(), arg.get_ref<const std::string&>());
  }
  if (op == "numeric") return value.is_number() && NumericMatches(arg, value.get<double>());
  if (op == "cidr") {
    uint32_t network = 0;
    uint32_t mask = 0;
    uint32_t ip = 0;
    return value.is_string() && ParseCidr(arg.get_ref<const std::string&>(), &network, &mask) &&
           ParseIpv4(value.get_ref<const std::string&>(), &ip) && (ip & mask) == network;
  }
  if (op == "anything-but") {
    if (arg.is_array()) {
      for (const auto& excluded : arg) {
        if (ScalarEquals(excluded, value)) return false;
      }
      return true;
    }
    if (arg.is_object()) return !ConditionMatches(arg, value);
    return !ScalarEquals(arg, value);
  }
  return false;
}

// A key's conditions against its values (absent = no values; an array attribute = several).
bool ConditionsMatch(const json& conditions, const std::vector<json>& values, bool present) {
  for (const auto& condition : conditions) {
    if (condition.is_object() && condition.begin().key() == "exists") {
      if (condition.begin().value().get<bool>() == present) return true;
      continue;
    }
    for (const auto& v : values) {
      if (ConditionMatches(condition, v)) return true;
    }
  }
  return false;
}

// The values an attribute offers to conditions: a String is a string, a Number a number, a
// String.Array each element of its JSON array; Binary offers none.
std::vector<json> AttributeValues(const json& attribute) {
  std::vector<json> out;
  if (!attribute.is_object()) return out;
  const std::string type = attribute.value("Type", "");
  const std::string value = attribute.value("Value", "");
  if (type.starts_with("String.Array")) {
    json parsed = json::parse(value, nullptr, false);
    if (parsed.is_array()) {
      for (auto& e : parsed) {
        if (IsScalar(e)) out.push_back(std::move(e));
      }
    }
  } else if (type.starts_with("Number")) {
    json parsed = json::parse(value, nullptr, false);
    if (parsed.is_number()) out.push_back(std::move(parsed));
  } else if (type.starts_with("String")) {
    out.emplace_back(value);
  }
  return out;
}

bool MatchAttributes(const json& policy, const json& attributes, int depth) {
  if (depth > kMaxDepth) return false;
  for (const auto& [key, conditions] : policy.items()) {
    if (key == "$or") {
      bool any = false;
      for (const auto& alternative : conditions) {
        if (MatchAttributes(alternative, attributes, depth + 1)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
      continue;
    }
    if (!conditions.is_array()) return false;
    auto it = attributes.is_object() ? attributes.find(key) : attributes.end();
    const bool present = attributes.is_object() && it != attributes.end();
    const std::vector<json> values = present ? AttributeValues(*it) : std::vector<json>{};
    if (!ConditionsMatch(conditions, values, present)) return false;
  }
  return true;
}

bool MatchBody(const json& policy, const json& body, int depth) {
  if (depth > kMaxDepth) return false;
  for (const auto& [key, spec] : policy.items()) {
    if (key == "$or") {
      bool any = false;
      for (const auto& alternative : spec) {
        if (MatchBody(alternative, body, depth + 1)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
      continue;
    }
    auto it = body.is_object() ? body.find(key) : body.end();
    const bool present = body.is_object() && it != body.end();
    if (spec.is_object()) {
      // A nested key: the body's value is an object, or an array of objects (any may match).
      if (!present) {
        if (!MatchBody(spec, json(nullptr), depth + 1)) return false;
        continue;
      }
      bool any = false;
      if (it->is_array()) {
        for (const auto& element : *it) any = any || MatchBody(spec, element, depth + 1);
      } else {
        any = MatchBody(spec, *it, depth + 1);
      }
      if (!any) return false;
      continue;
    }
    if (!spec.is_array()) return false;
    std::vector<json> values;
    if (present) {
      if (it->is_array()) {
        for (const auto& e : *it) {
          if (IsScalar(e)) values.push_back(e);
        }
      } else if (IsScalar(*it)) {
        values.push_back(*it);
      }
    }
    if (!ConditionsMatch(spec, values, present)) return false;
  }
  return true;
}

// Validation: AWS's texts as SNS answers them [unsure where marked in docs/sns.md].
class Checker {
 public:
  explicit Checker(FilterPolicyScope scope) : scope_(scope) {}

  std::optional<std::string> Check(const json& policy) {
    long combinations = 1;
    int keys = 0;
    if (auto e = CheckObject(policy, 0, &combinations, &keys)) return e;
    if (keys > kMaxFilterPolicyKeys) {
      return "Filter policy can not have more than " + std::to_string(kMaxFilterPolicyKeys) +
             " keys";
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> CheckObject(const json& policy, int depth, long* combinations,
                                         int* keys) {
    if (depth > kMaxDepth) return "Filter policy is too complex";
    for (const auto& [key, spec] : policy.items()) {
      if (key == "$or") {
        if (!spec.is_array() || spec.size() < 2) {
          return "$or must be an array of at least two objects";  // [unsure]
        }
        long alternatives = 0;
        int most_keys = 0;
        for (const auto& alternative : spec) {
          if (!alternative.is_object()) return "$or must be an array of at least two objects";
          long c = 1;
          int k = 0;
          if (auto e = CheckObject(alternative, depth + 1, &c, &k)) return e;
          alternatives += c;
          most_keys = std::max(most_keys, k);
          if (alternatives > kMaxFilterPolicyCombinations) return "Filter policy is too complex";
        }
        *combinations *= alternatives;
        *keys += most_keys;
      } else if (spec.is_object() && scope_ == FilterPolicyScope::kMessageBody) {
        if (auto e = CheckObject(spec, depth + 1, combinations, keys)) return e;
      } else if (spec.is_array()) {
        if (spec.empty()) return "Empty arrays are not allowed";  // [unsure]
        for (const auto& condition : spec) {
          if (auto e = CheckCondition(condition)) return e;
        }
        *combinations *= static_cast<long>(spec.size());
        ++*keys;
      } else {
        return "\"" + key + "\" must be an object or an array";
      }
      if (*combinations > kMaxFilterPolicyCombinations) return "Filter policy is too complex";
    }
    return std::nullopt;
  }

  static std::optional<std::string> CheckCondition(const json& condition) {
    if (IsScalar(condition)) return std::nullopt;
    if (!condition.is_object() || condition.size() != 1) {
      return "Match value must be String, number, true, false, or null";
    }
    const auto first = condition.begin();
    const std::string& op = first.key();
    const json& arg = first.value();
    if (op == "exists") {
      if (!arg.is_boolean()) return "exists match pattern must be either true or false.";
    } else if (op == "prefix" || op == "suffix" || op == "equals-ignore-case") {
      if (!arg.is_string()) return op + " match pattern must be a string";
    } else if (op == "cidr") {
      uint32_t network = 0;
      uint32_t mask = 0;
      if (!arg.is_string() || !ParseCidr(arg.get_ref<const std::string&>(), &network, &mask)) {
        return "Malformed CIDR, one '/' required";  // [unsure]
      }
    } else if (op == "numeric") {
      return CheckNumeric(arg);
    } else if (op == "anything-but") {
      if (arg.is_array()) {
        for (const auto& v : arg) {
          if (!v.is_string() && !v.is_number()) {
            return "Inside anything but list, start|null|boolean is not supported.";
          }
        }
      } else if (arg.is_object()) {
        if (arg.size() != 1 || (!arg.contains("prefix") && !arg.contains("suffix")) ||
            !arg.begin()->is_string()) {
          return "Unsupported anything-but pattern: " + arg.dump();  // [unsure]
        }
      } else if (!arg.is_string() && !arg.is_number()) {
        return "Inside anything-but list, start|null|boolean is not supported.";
      }
    } else {
      return "Unrecognized match type " + op;
    }
    return std::nullopt;
  }

  static std::optional<std::string> CheckNumeric(const json& ops) {
    if (!ops.is_array() || ops.empty() || ops.size() % 2 != 0 || ops.size() > 4) {
      return "Value of numeric must be an array.";
    }
    for (size_t i = 0; i < ops.size(); i += 2) {
      if (!ops[i].is_string()) return "Unrecognized numeric range operator: " + ops[i].dump();
      const std::string op = ops[i].get<std::string>();
      if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
        return "Unrecognized numeric range operator: " + op;
      }
      if (!ops[i + 1].is_number()) return "Value of " + op + " must be numeric";
      const double n = ops[i + 1].get<double>();
      if (!std::isfinite(n) || std::fabs(n) > 1e9) {
        return "Value of " + op + " must be numeric";  // SNS's range is -1e9..1e9
      }
      if (op == "=" && ops.size() != 2) return "Bad numeric range operator: =";  // [unsure]
    }
    return std::nullopt;
  }

  FilterPolicyScope scope_;
};

}  // namespace

std::optional<std::string> CheckFilterPolicy(std::string_view policy_text,
                                             FilterPolicyScope scope) {
  if (policy_text.empty()) return std::nullopt;
  if (policy_text.size() > kMaxFilterPolicyBytes) return "Filter policy is too complex";
  json policy = json::parse(policy_text, nullptr, false);
  if (policy.is_discarded() || !policy.is_object()) return "failed to parse JSON.";
  return Checker(scope).Check(policy);
}

bool FilterPolicyMatches(std::string_view policy_text, FilterPolicyScope scope,
                         const json& message_attributes, std::string_view body) {
  if (policy_text.empty() || CheckFilterPolicy(policy_text, scope)) return true;
  const json policy = json::parse(policy_text, nullptr, false);
  if (scope == FilterPolicyScope::kMessageAttributes) {
    return MatchAttributes(policy, message_attributes, 0);
  }
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return false;
  return MatchBody(policy, parsed, 0);
}

}  // namespace cwlogd::api::sns
