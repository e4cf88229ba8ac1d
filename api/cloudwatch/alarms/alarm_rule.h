// The AlarmRule of a composite alarm (docs/alarms.md): parse once, evaluate against the children's
// current states. Grammar: TRUE, FALSE, ALARM(x), OK(x), INSUFFICIENT_DATA(x) where x is an alarm
// name or ARN, bare or in double quotes; NOT, AND, OR (that precedence) and parentheses. Pure, no
// I/O; input size, nesting depth and the number of terms are capped so no input can exhaust the
// stack or the CPU.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/cloudwatch/alarms/alarm_evaluation.h"

namespace cwlogd::api::cloudwatch::alarms {

inline constexpr size_t kMaxAlarmRuleLength = 10240;  // the model's max
inline constexpr int kMaxAlarmRuleDepth = 64;         // parentheses and NOT nested
inline constexpr size_t kMaxAlarmRuleTerms = 100;     // AWS: at most 100 children per rule

class AlarmRule {
 public:
  // The rule, or the reason it is not one (a sentence for the ValidationError).
  static std::variant<AlarmRule, std::string> Parse(std::string_view text);

  // The alarm names/ARNs the rule names, in order of first appearance, without duplicates.
  const std::vector<std::string>& Children() const { return children_; }

  // `state_of(child)` is the child's current state, nullopt when it no longer exists (then every
  // state function of it is false).
  using StateLookup = std::function<std::optional<AlarmState>(const std::string&)>;
  bool Evaluate(const StateLookup& state_of) const;

 private:
  enum class Kind : uint8_t { kTrue, kFalse, kStateIs, kNot, kAnd, kOr };
  struct Node {
    Kind kind = Kind::kFalse;
    AlarmState state = AlarmState::kAlarm;  // kStateIs
    int32_t child = -1;                     // kStateIs: index into children_
    int32_t left = -1;                      // kNot, kAnd, kOr
    int32_t right = -1;                     // kAnd, kOr
  };
  friend class AlarmRuleParser;
  bool EvaluateNode(int32_t index, const std::vector<std::optional<AlarmState>>& states) const;

  std::vector<Node> nodes_;
  int32_t root_ = -1;
  std::vector<std::string> children_;
};

}  // namespace cwlogd::api::cloudwatch::alarms
