// libFuzzer target for composite alarms' AlarmRule (api/cloudwatch/alarms/alarm_rule.h): any bytes
// must parse or be refused with a reason, never crash or recurse without bound; a rule that parses
// names at most 100 children and evaluates (every child in each state) without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "api/cloudwatch/alarms/alarm_rule.h"

namespace al = cwlogd::api::cloudwatch::alarms;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > al::kMaxAlarmRuleLength + 16) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = al::AlarmRule::Parse(text);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    Check(!error->empty());
    return 0;
  }
  const auto& rule = std::get<al::AlarmRule>(parsed);
  Check(rule.Children().size() <= al::kMaxAlarmRuleTerms);
  for (al::AlarmState state :
       {al::AlarmState::kOk, al::AlarmState::kAlarm, al::AlarmState::kInsufficientData}) {
    (void)rule.Evaluate([state](const std::string&) { return state; });
  }
  (void)rule.Evaluate([](const std::string&) { return std::optional<al::AlarmState>(); });
  return 0;
}
