#include "api/cloudwatch/alarms/alarm_evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace cwlogd::api::cloudwatch::alarms {
namespace {

bool Breaches(const EvaluationConfig& c, double v) {
  switch (c.comparison) {
    case Comparison::kGreaterOrEqual:
      return v >= c.threshold;
    case Comparison::kGreater:
      return v > c.threshold;
    case Comparison::kLess:
      return v < c.threshold;
    case Comparison::kLessOrEqual:
      return v <= c.threshold;
  }
  return false;
}

std::string_view Phrase(Comparison c) {
  switch (c) {
    case Comparison::kGreaterOrEqual:
      return "greater than or equal to";
    case Comparison::kGreater:
      return "greater than";
    case Comparison::kLess:
      return "less than";
    case Comparison::kLessOrEqual:
      return "less than or equal to";
  }
  return "";
}

std::tm UtcTm(int64_t ms) {
  int64_t secs = ms / 1000;
  if (ms % 1000 < 0) --secs;
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

// "(02/12/26 10:31:00)": dd/MM/yy HH:mm:ss, UTC.
std::string ShortDate(int64_t ms) {
  const std::tm tm = UtcTm(ms);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%y %H:%M:%S", &tm);
  return buf;
}

std::string Plural(size_t n, std::string_view word) {
  std::string out = std::to_string(n) + " " + std::string(word);
  if (n != 1) out += 's';
  return out;
}

std::string_view WasWere(size_t n) { return n == 1 ? "was" : "were"; }

}  // namespace

std::string_view StateName(AlarmState s) {
  switch (s) {
    case AlarmState::kOk:
      return "OK";
    case AlarmState::kAlarm:
      return "ALARM";
    case AlarmState::kInsufficientData:
      return "INSUFFICIENT_DATA";
  }
  return "";
}

std::optional<AlarmState> ParseState(std::string_view name) {
  if (name == "OK") return AlarmState::kOk;
  if (name == "ALARM") return AlarmState::kAlarm;
  if (name == "INSUFFICIENT_DATA") return AlarmState::kInsufficientData;
  return std::nullopt;
}

std::optional<Comparison> ParseComparison(std::string_view name) {
  if (name == "GreaterThanOrEqualToThreshold") return Comparison::kGreaterOrEqual;
  if (name == "GreaterThanThreshold") return Comparison::kGreater;
  if (name == "LessThanThreshold") return Comparison::kLess;
  if (name == "LessThanOrEqualToThreshold") return Comparison::kLessOrEqual;
  return std::nullopt;
}

std::optional<MissingData> ParseMissingData(std::string_view name) {
  if (name == "missing") return MissingData::kMissing;
  if (name == "ignore") return MissingData::kIgnore;
  if (name == "breaching") return MissingData::kBreaching;
  if (name == "notBreaching") return MissingData::kNotBreaching;
  return std::nullopt;
}

int EvaluationRange(int evaluation_periods) {
  return evaluation_periods + std::max(evaluation_periods / 3, 2);
}

std::string JavaDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string s(buf, end);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, end);  // "1e+07", "1.5e-04"
  const size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  int exponent = std::stoi(s.substr(e + 1));
  return mantissa + "E" + std::to_string(exponent);
}

std::string AwsTimestamp(int64_t ms) {
  const std::tm tm = UtcTm(ms);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  int64_t millis = ms % 1000;
  if (millis < 0) millis += 1000;
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%03d+0000", static_cast<int>(millis));
  return std::string(buf) + frac;
}

EvaluationOutcome Evaluate(const EvaluationConfig& c, std::span<const Slot> slots) {
  const auto n = static_cast<size_t>(std::max(c.evaluation_periods, 1));
  const auto m = static_cast<size_t>(std::clamp(c.datapoints_to_alarm, 1, static_cast<int>(n)));
  EvaluationOutcome out;

  std::vector<size_t> real;  // newest first, at most N
  for (size_t i = 0; i < slots.size() && real.size() < n; ++i) {
    if (slots[i].value) real.push_back(i);
  }
  size_t real_breaching = 0;
  for (size_t i : real) real_breaching += Breaches(c, *slots[i].value) ? 1 : 0;

  if (real.empty()) {
    const std::string fill =
        c.missing_data == MissingData::kBreaching ? "Breaching" : "NonBreaching";
    switch (c.missing_data) {
      case MissingData::kIgnore:
        return out;  // keep the current state
      case MissingData::kMissing:
        out.state = AlarmState::kInsufficientData;
        out.reason = "Insufficient Data: " + Plural(n, "datapoint") + " " +
                     std::string(WasWere(n)) + " unknown.";
        return out;
      case MissingData::kBreaching:
      case MissingData::kNotBreaching:
        out.state =
            c.missing_data == MissingData::kBreaching ? AlarmState::kAlarm : AlarmState::kOk;
        for (size_t i = 0; i < std::min(n, slots.size()); ++i) out.evaluated.push_back(i);
        out.reason = "Threshold Crossed: no datapoints were received for " + Plural(n, "period") +
                     " and " + Plural(n, "missing datapoint") + " " + std::string(WasWere(n)) +
                     " treated as [" + fill + "].";
        return out;
    }
  }

  // Missing slots filled by TreatMissingData: the newest missing ones, as few as needed.
  size_t fills = 0;
  std::vector<size_t> evaluated = real;
  const bool filling = real.size() < n && (c.missing_data == MissingData::kBreaching ||
                                           c.missing_data == MissingData::kNotBreaching);
  if (filling) {
    fills = n - real.size();
    size_t added = 0;
    for (size_t i = 0; i < slots.size() && added < fills; ++i) {
      if (!slots[i].value) {
        evaluated.push_back(i);
        ++added;
      }
    }
    std::sort(evaluated.begin(), evaluated.end());
  }
  size_t breaching = real_breaching;
  if (filling && c.missing_data == MissingData::kBreaching) breaching += fills;

  std::optional<AlarmState> state = breaching >= m ? AlarmState::kAlarm : AlarmState::kOk;
  if (real.size() < n && !filling && breaching < m && real_breaching == real.size()) {
    // Every datapoint present breaches, but fewer than M of them. With `missing`, AWS alarms
    // early when the oldest breach in the last N periods is at least M periods old (nothing
    // newer disagrees); with `ignore` the state is kept.
    if (c.missing_data == MissingData::kIgnore) return out;
    size_t oldest = 0;
    for (size_t i : real) {
      if (i < n) oldest = std::max(oldest, i + 1);  // periods old, newest = 1
    }
    if (oldest >= m) state = AlarmState::kAlarm;
  }
  out.state = state;
  out.evaluated = evaluated;

  // The reason lists the real datapoints on the side of the decision, newest first.
  const bool alarm = *state == AlarmState::kAlarm;
  std::string list;
  size_t listed = 0;
  for (size_t i : real) {
    if (Breaches(c, *slots[i].value) != alarm) continue;
    if (listed++ > 0) list += ", ";
    list += JavaDouble(*slots[i].value) + " (" + ShortDate(slots[i].start_ms) + ")";
  }
  std::string tail = " " + std::string(WasWere(listed)) + (alarm ? " " : " not ") +
                     std::string(Phrase(c.comparison)) + " the threshold (" +
                     JavaDouble(c.threshold) + ")";
  if (filling) {
    tail += " and " + Plural(fills, "missing datapoint") + " " + std::string(WasWere(fills)) +
            " treated as [" +
            (c.missing_data == MissingData::kBreaching ? "Breaching" : "NonBreaching") + "]";
  }
  if (c.datapoints_to_alarm_given) {
    const size_t minimum = alarm ? m : n - m + 1;
    out.reason = "Threshold Crossed: " + std::to_string(listed) + " out of the last " +
                 std::to_string(n) + " datapoints [" + list + "]" + tail + " (minimum " +
                 Plural(minimum, "datapoint") + " for " + (alarm ? "OK -> ALARM" : "ALARM -> OK") +
                 " transition).";
  } else {
    out.reason =
        "Threshold Crossed: " + Plural(listed, "datapoint") + " [" + list + "]" + tail + ".";
  }
  return out;
}

nlohmann::ordered_json StateReasonData(const EvaluationConfig& config, std::span<const Slot> slots,
                                       const EvaluationOutcome& outcome, int64_t query_ms,
                                       const std::optional<std::string>& unit,
                                       const std::optional<std::string>& statistic,
                                       int64_t period_seconds, bool sample_counts) {
  nlohmann::ordered_json data;
  data["version"] = "1.0";
  data["queryDate"] = AwsTimestamp(query_ms);
  if (!outcome.evaluated.empty()) {
    data["startDate"] = AwsTimestamp(slots[outcome.evaluated.back()].start_ms);
  }
  if (unit) data["unit"] = *unit;
  if (statistic) data["statistic"] = *statistic;
  data["period"] = period_seconds;
  nlohmann::ordered_json recent = nlohmann::ordered_json::array();
  for (size_t i : outcome.evaluated) {
    if (slots[i].value) recent.push_back(*slots[i].value);
  }
  data["recentDatapoints"] = std::move(recent);
  data["threshold"] = config.threshold;
  nlohmann::ordered_json evaluated = nlohmann::ordered_json::array();
  for (size_t i : outcome.evaluated) {
    nlohmann::ordered_json point;
    point["timestamp"] = AwsTimestamp(slots[i].start_ms);
    if (slots[i].value) {
      if (sample_counts) point["sampleCount"] = slots[i].sample_count;
      point["value"] = *slots[i].value;
    }
    evaluated.push_back(std::move(point));
  }
  data["evaluatedDatapoints"] = std::move(evaluated);
  return data;
}

}  // namespace cwlogd::api::cloudwatch::alarms
