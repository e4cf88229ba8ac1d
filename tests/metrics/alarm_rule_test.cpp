// The composite alarms' AlarmRule (api/cloudwatch/alarms/alarm_rule.h): grammar, precedence,
// children, evaluation against states, and the caps that keep hostile input cheap.
#include "api/cloudwatch/alarms/alarm_rule.h"

#include <map>
#include <string>

#include "tests/catch2.h"

namespace al = cwlogd::api::cloudwatch::alarms;
using al::AlarmRule;
using al::AlarmState;

namespace {

AlarmRule MustParse(const std::string& text) {
  auto parsed = AlarmRule::Parse(text);
  if (auto* error = std::get_if<std::string>(&parsed)) FAIL(text << ": " << *error);
  return std::get<AlarmRule>(std::move(parsed));
}

std::string ErrorOf(const std::string& text) {
  auto parsed = AlarmRule::Parse(text);
  auto* error = std::get_if<std::string>(&parsed);
  return error ? *error : std::string();
}

bool Eval(const std::string& text, const std::map<std::string, AlarmState>& states) {
  return MustParse(text).Evaluate([&](const std::string& name) -> std::optional<AlarmState> {
    auto it = states.find(name);
    if (it == states.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace

TEST_CASE("alarm rule: constants and state functions") {
  CHECK(Eval("TRUE", {}));
  CHECK_FALSE(Eval("FALSE", {}));
  CHECK(Eval("ALARM(cpu)", {{"cpu", AlarmState::kAlarm}}));
  CHECK_FALSE(Eval("ALARM(cpu)", {{"cpu", AlarmState::kOk}}));
  CHECK(Eval("OK(\"cpu\")", {{"cpu", AlarmState::kOk}}));
  CHECK(Eval("INSUFFICIENT_DATA( cpu )", {{"cpu", AlarmState::kInsufficientData}}));
  // A child that no longer exists is in no state.
  CHECK_FALSE(Eval("ALARM(gone) OR OK(gone) OR INSUFFICIENT_DATA(gone)", {}));
}

TEST_CASE("alarm rule: names bare, quoted, ARNs with colons and spaces") {
  AlarmRule rule = MustParse(
      "ALARM(\"arn:aws:cloudwatch:us-east-1:123456789012:alarm:My Alarm\") AND OK(disk (x)");
  CHECK(rule.Children() ==
        std::vector<std::string>{"arn:aws:cloudwatch:us-east-1:123456789012:alarm:My Alarm",
                                 "disk (x"});
  CHECK(MustParse("ALARM(a) OR ALARM(a) OR OK(b)").Children() ==
        std::vector<std::string>{"a", "b"});
  CHECK(MustParse("ALARM(\"with ) paren\")").Children() ==
        std::vector<std::string>{"with ) paren"});
}

TEST_CASE("alarm rule: NOT binds tighter than AND, AND tighter than OR") {
  const std::map<std::string, AlarmState> s = {
      {"a", AlarmState::kAlarm}, {"b", AlarmState::kOk}, {"c", AlarmState::kAlarm}};
  CHECK(Eval("ALARM(b) AND ALARM(a) OR ALARM(c)", s));  // (F and T) or T
  CHECK_FALSE(Eval("ALARM(b) AND (ALARM(a) OR ALARM(c))", s));
  CHECK(Eval("NOT ALARM(b) AND ALARM(a)", s));
  CHECK_FALSE(Eval("NOT (ALARM(a) AND ALARM(c))", s));
  CHECK(Eval("(ALARM(a) AND NOT NOT ALARM(c)) AND (OK(b) OR FALSE)", s));
}

TEST_CASE("alarm rule: syntax errors are sentences, never crashes") {
  CHECK(ErrorOf("") == "Error in alarm rule: Unexpected end of rule at position 1.");
  CHECK(ErrorOf("ALARM()") == "Error in alarm rule: Expected an alarm name or ARN at position 7.");
  CHECK(ErrorOf("ALARM(a") == "Error in alarm rule: Expected ')' at position 8.");
  CHECK(ErrorOf("ALARM(\"a)") ==
        "Error in alarm rule: Unterminated quoted alarm name at position 7.");
  CHECK(ErrorOf("alarm(a)") == "Error in alarm rule: Unknown keyword 'alarm' at position 1.");
  CHECK(ErrorOf("ALARM(a) XOR OK(b)") == "Error in alarm rule: Unexpected 'X' at position 10.");
  CHECK(ErrorOf("ALARM(a) AND") == "Error in alarm rule: Unexpected end of rule at position 13.");
  CHECK(ErrorOf("(TRUE") == "Error in alarm rule: Expected ')' at position 6.");
  CHECK(ErrorOf("TRUE)") == "Error in alarm rule: Unexpected ')' at position 5.");
  CHECK_FALSE(ErrorOf("TRUE AND $").empty());
}

TEST_CASE("alarm rule: length, depth and children are capped") {
  CHECK(ErrorOf(std::string(10241, ' ')) == "The alarm rule is too long.");
  CHECK(ErrorOf(std::string(5000, '(') + "TRUE" + std::string(5000, ')')) ==
        "Error in alarm rule: Nesting too deep at position 65.");
  std::string nots;
  for (int i = 0; i < 2000; ++i) nots += "NOT ";
  CHECK_FALSE(ErrorOf(nots + "TRUE").empty());
  std::string many = "ALARM(a0)";
  for (int i = 1; i < 100; ++i) many += " OR ALARM(a" + std::to_string(i) + ")";
  CHECK(MustParse(many).Children().size() == 100);
  CHECK(ErrorOf(many + " OR ALARM(a100)").find("More than 100 alarms") != std::string::npos);
  // 2000 leaves of one child: within the length, over the leaf cap.
  std::string long_chain = "TRUE";
  for (int i = 0; i < 1100; ++i) long_chain += " OR TRUE";
  CHECK(ErrorOf(long_chain).find("Too many terms") != std::string::npos);
}
