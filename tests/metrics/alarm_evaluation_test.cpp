// The pure alarm evaluation (api/cloudwatch/alarms/alarm_evaluation.h): AWS's documented table of
// M-out-of-N results for each TreatMissingData value, and the reason texts.
#include "api/cloudwatch/alarms/alarm_evaluation.h"

#include <string>
#include <vector>

#include "tests/catch2.h"

namespace al = cwlogd::api::cloudwatch::alarms;
using al::AlarmState;
using al::MissingData;

namespace {

// 2026-12-02T10:31:00Z.
constexpr int64_t kNewest = 1796207460000;

// `pattern` oldest -> newest as in AWS's table ("0 - X - X"): X breaches (value 5), 0 does not
// (value 0), - is missing. Threshold 1, GreaterThanOrEqualToThreshold, period 60 s.
std::vector<al::Slot> Slots(const std::string& pattern) {
  std::vector<al::Slot> oldest_first;
  for (char c : pattern) {
    if (c == ' ') continue;
    al::Slot s;
    if (c == 'X') s.value = 5.0;
    if (c == '0') s.value = 0.0;
    if (s.value) s.sample_count = 1;
    oldest_first.push_back(s);
  }
  std::vector<al::Slot> newest_first(oldest_first.rbegin(), oldest_first.rend());
  for (size_t i = 0; i < newest_first.size(); ++i) {
    newest_first[i].start_ms = kNewest - static_cast<int64_t>(i) * 60'000;
  }
  return newest_first;
}

// "OK", "ALARM", "INSUFFICIENT_DATA", or "keep".
std::string Outcome(int n, int m, const std::string& pattern, MissingData missing) {
  al::EvaluationConfig c;
  c.evaluation_periods = n;
  c.datapoints_to_alarm = m;
  c.datapoints_to_alarm_given = true;
  c.threshold = 1;
  c.missing_data = missing;
  auto out = al::Evaluate(c, Slots(pattern));
  return out.state ? std::string(al::StateName(*out.state)) : "keep";
}

void Row(int n, int m, const std::string& pattern, const std::string& missing,
         const std::string& ignore, const std::string& breaching,
         const std::string& not_breaching) {
  INFO(n << "/" << m << " " << pattern);
  CHECK(Outcome(n, m, pattern, MissingData::kMissing) == missing);
  CHECK(Outcome(n, m, pattern, MissingData::kIgnore) == ignore);
  CHECK(Outcome(n, m, pattern, MissingData::kBreaching) == breaching);
  CHECK(Outcome(n, m, pattern, MissingData::kNotBreaching) == not_breaching);
}

}  // namespace

TEST_CASE("alarm evaluation follows AWS's M-of-N table", "[alarms]") {
  REQUIRE(al::EvaluationRange(3) == 5);
  Row(3, 3, "0 - X - X", "OK", "OK", "OK", "OK");
  Row(3, 3, "0 - - - -", "OK", "OK", "OK", "OK");
  Row(3, 3, "- - - - -", "INSUFFICIENT_DATA", "keep", "ALARM", "OK");
  Row(3, 3, "0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM");
  Row(3, 3, "- - X - -", "ALARM", "keep", "ALARM", "OK");
  Row(3, 2, "0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM");
  Row(3, 2, "0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM");
  Row(3, 2, "0 - X - -", "OK", "OK", "ALARM", "OK");
  Row(3, 2, "- - - - 0", "OK", "OK", "ALARM", "OK");
  Row(3, 2, "- - - X -", "ALARM", "keep", "ALARM", "OK");
  // The premature-alarm rule needs the breach to be at least M periods old.
  CHECK(Outcome(5, 3, "- - - - X", MissingData::kMissing) == "OK");
  CHECK(Outcome(5, 3, "- - - X -", MissingData::kMissing) == "OK");
}

TEST_CASE("alarm reasons use AWS's texts", "[alarms]") {
  al::EvaluationConfig c;
  c.threshold = 1;
  c.datapoints_to_alarm_given = true;
  auto slots = Slots("- - 3");
  slots[0].value = 3.0;
  auto out = al::Evaluate(c, slots);
  REQUIRE(out.state == AlarmState::kAlarm);
  CHECK(out.reason ==
        "Threshold Crossed: 1 out of the last 1 datapoints [3.0 (02/12/26 10:31:00)] was greater "
        "than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).");

  c.datapoints_to_alarm_given = false;
  c.comparison = al::Comparison::kGreater;
  c.threshold = 21;
  slots[0].value = 21.5;
  CHECK(al::Evaluate(c, slots).reason ==
        "Threshold Crossed: 1 datapoint [21.5 (02/12/26 10:31:00)] was greater than the "
        "threshold (21.0).");
  slots[0].value = 0.0;
  CHECK(al::Evaluate(c, slots).reason ==
        "Threshold Crossed: 1 datapoint [0.0 (02/12/26 10:31:00)] was not greater than the "
        "threshold (21.0).");

  al::EvaluationConfig three;
  three.evaluation_periods = 3;
  three.datapoints_to_alarm = 3;
  three.comparison = al::Comparison::kGreater;
  three.threshold = 0;
  auto points = Slots("X X X");
  points[0].value = 2.0;
  points[1].value = 3.0;
  points[2].value = 1.0;
  CHECK(al::Evaluate(three, points).reason ==
        "Threshold Crossed: 3 datapoints [2.0 (02/12/26 10:31:00), 3.0 (02/12/26 10:30:00), 1.0 "
        "(02/12/26 10:29:00)] were greater than the threshold (0.0).");

  al::EvaluationConfig twenty;
  twenty.evaluation_periods = 20;
  twenty.datapoints_to_alarm = 1;
  twenty.datapoints_to_alarm_given = true;
  twenty.threshold = 1;
  twenty.missing_data = MissingData::kNotBreaching;
  auto sparse = Slots(std::string(25, '-'));
  sparse[0].value = 613.0;
  CHECK(al::Evaluate(twenty, sparse).reason ==
        "Threshold Crossed: 1 out of the last 20 datapoints [613.0 (02/12/26 10:31:00)] was "
        "greater than or equal to the threshold (1.0) and 19 missing datapoints were treated as "
        "[NonBreaching] (minimum 1 datapoint for OK -> ALARM transition).");

  al::EvaluationConfig two;
  two.evaluation_periods = 2;
  two.datapoints_to_alarm = 2;
  two.missing_data = MissingData::kBreaching;
  CHECK(al::Evaluate(two, Slots("- - - -")).reason ==
        "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints "
        "were treated as [Breaching].");
  two.missing_data = MissingData::kMissing;
  CHECK(al::Evaluate(two, Slots("- - - -")).reason ==
        "Insufficient Data: 2 datapoints were unknown.");
}

TEST_CASE("values print as Java's Double.toString", "[alarms]") {
  CHECK(al::JavaDouble(3) == "3.0");
  CHECK(al::JavaDouble(0.0666851903306472) == "0.0666851903306472");
  CHECK(al::JavaDouble(1234) == "1234.0");
  CHECK(al::JavaDouble(1e7) == "1.0E7");
  CHECK(al::JavaDouble(1.5e-4) == "1.5E-4");
  CHECK(al::JavaDouble(-2.5) == "-2.5");
  CHECK(al::AwsTimestamp(1667906765399) == "2022-11-08T11:26:05.399+0000");
}

TEST_CASE("StateReasonData lists the evaluated datapoints", "[alarms]") {
  al::EvaluationConfig c;
  c.threshold = 0;
  auto slots = Slots("- 0 X");
  slots[0].value = 20000.0;
  slots[0].sample_count = 2;
  auto out = al::Evaluate(c, slots);
  auto data = al::StateReasonData(c, slots, out, 1667906765399, std::string("Seconds"),
                                  std::string("Average"), 60);
  CHECK(
      data.dump() ==
      R"({"version":"1.0","queryDate":"2022-11-08T11:26:05.399+0000","startDate":"2026-12-02T10:31:00.000+0000","unit":"Seconds","statistic":"Average","period":60,"recentDatapoints":[20000.0],"threshold":0.0,"evaluatedDatapoints":[{"timestamp":"2026-12-02T10:31:00.000+0000","sampleCount":2.0,"value":20000.0}]})");
}
