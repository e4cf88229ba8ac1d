// The pure part of metric-alarm evaluation (docs/alarms.md): the datapoints of the evaluation
// range + the alarm's configuration -> the new state and the reason texts AWS writes. No I/O, no
// clock; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cwlogd::api::cloudwatch::alarms {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
enum class Comparison { kGreaterOrEqual, kGreater, kLess, kLessOrEqual };
enum class MissingData { kMissing, kIgnore, kBreaching, kNotBreaching };

std::string_view StateName(AlarmState s);  // "OK", "ALARM", "INSUFFICIENT_DATA"
std::optional<AlarmState> ParseState(std::string_view name);
std::optional<Comparison> ParseComparison(std::string_view name);
std::optional<MissingData> ParseMissingData(std::string_view name);

struct EvaluationConfig {
  int evaluation_periods = 1;   // N
  int datapoints_to_alarm = 1;  // M (N when not given)
  bool datapoints_to_alarm_given = false;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  MissingData missing_data = MissingData::kMissing;
};

// One period of the evaluation range.
struct Slot {
  int64_t start_ms = 0;
  std::optional<double> value;  // the statistic; nullopt = missing
  double sample_count = 0;
};

// How many periods each evaluation reads: more than N, so gaps can be skipped (AWS documents
// 5 for N = 3 and publishes no formula).
int EvaluationRange(int evaluation_periods);

struct EvaluationOutcome {
  std::optional<AlarmState> state;  // nullopt: keep the current state (TreatMissingData=ignore)
  std::string reason;
  // Indices into the slots (newest first) the decision used: real datapoints and the missing
  // slots filled by TreatMissingData.
  std::vector<size_t> evaluated;
};

// `slots` newest first (at most EvaluationRange(N) of them).
EvaluationOutcome Evaluate(const EvaluationConfig& config, std::span<const Slot> slots);

// Java's Double.toString, as AWS prints values in reasons: 3.0, 0.25, 1.0E7, 1.0E-4.
std::string JavaDouble(double v);
// "2022-11-08T11:26:05.399+0000".
std::string AwsTimestamp(int64_t ms);

// StateReasonData of a metric alarm (keys in AWS's order; `unit`/`statistic` only when set).
// `sample_counts` false (metric-math alarms, whose datapoints have none): evaluatedDatapoints
// carry timestamp and value only [unsure].
nlohmann::ordered_json StateReasonData(const EvaluationConfig& config, std::span<const Slot> slots,
                                       const EvaluationOutcome& outcome, int64_t query_ms,
                                       const std::optional<std::string>& unit,
                                       const std::optional<std::string>& statistic,
                                       int64_t period_seconds, bool sample_counts = true);

}  // namespace cwlogd::api::cloudwatch::alarms
