// Metric filters (docs/filter-patterns.md, "Metric filters"): from a log event to the metric
// sample it contributes. Plain types only. Everything here is immutable after creation and safe
// to use from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filters/filter_pattern.h"

namespace cwlogd::filters {

namespace detail {
struct Selector;
}

// PutMetricFilter: dimensions are allowed only with JSON and space-delimited patterns.
// Otherwise AWS answers "The specified filter pattern does not support dimensions".
bool PatternSupportsDimensions(PatternKind kind);

// A metricValue or a dimension value: a number ("1", "0.5", "-3"), a JSON reference
// ("$.latency", "$.a[0].b", "$.['k.x']"), a space-delimited field ("$bytes", "$3"), or, for
// dimensions only, a constant string (anything not starting with '$').
class ValueReference {
 public:
  enum class Kind { kNumber, kJsonPath, kField, kString };

  // Parses a metricValue: a number or a `$` reference; nullopt otherwise.
  static std::optional<ValueReference> ParseMetricValue(std::string_view text, ParseError* error);
  // Parses a dimension value: a `$` reference or a constant string.
  static std::optional<ValueReference> ParseDimensionValue(std::string_view text,
                                                           ParseError* error);

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }
  double number() const { return number_; }  // kNumber

  // For filters/ internals.
  const detail::Selector* selector() const { return selector_.get(); }

 private:
  static std::optional<ValueReference> Parse(std::string_view text, bool allow_string,
                                             ParseError* error);
  Kind kind_ = Kind::kNumber;
  std::string text_;
  double number_ = 0;
  std::shared_ptr<const detail::Selector> selector_;
};

// A resolved reference: the value's text, and its number when it reads as one.
struct ResolvedValue {
  std::string text;
  std::optional<double> number;
};

// Matches `message` and, on a match, resolves each reference against it (one JSON parse for
// JSON patterns). values[i] is nullopt when refs[i] does not resolve: missing field, JSON
// null/object/array, or a reference of the wrong kind for the pattern. Constants resolve to
// themselves. Returns whether the event matched; *values is filled only on a match.
bool MatchAndResolve(const FilterPattern& pattern, std::string_view message,
                     const std::vector<ValueReference>& refs,
                     std::vector<std::optional<ResolvedValue>>* values);

// What PutMetricFilter stores in a MetricTransformation, minus names and unit.
struct MetricTransformationSpec {
  std::string metric_value;                                     // "1", "$.latency", "$bytes"
  std::optional<double> default_value;                          // Default: none
  std::vector<std::pair<std::string, std::string>> dimensions;  // name -> value reference
};

// One sample of a metric: the value and the dimension values, in MetricTransformationSpec's order.
struct MetricSample {
  double value = 0;
  std::vector<std::pair<std::string, std::string>> dimensions;
};

class MetricFilterEvaluator {
 public:
  // Validates the transformation against the pattern like PutMetricFilter; on failure
  // error->message is AWS's InvalidParameterException text, e.g.
  // "Invalid metric transformation: dimensions and default value are mutually exclusive
  // properties" or "The specified filter pattern does not support dimensions".
  static std::optional<MetricFilterEvaluator> Create(FilterPattern pattern,
                                                     const MetricTransformationSpec& spec,
                                                     ParseError* error);

  // The sample `message` contributes (docs/filter-patterns.md, "Metric filters"):
  // - a match: metricValue (the constant, or the referenced field's number) with the
  //   dimensions; nothing when the value is missing or not numeric, or a dimension is missing;
  // - no match: defaultValue when set (no dimensions), else nothing.
  std::optional<MetricSample> Evaluate(std::string_view message) const;

  const FilterPattern& pattern() const { return pattern_; }

 private:
  MetricFilterEvaluator(FilterPattern pattern, std::vector<ValueReference> refs,
                        std::vector<std::string> dimension_names,
                        std::optional<double> default_value);

  FilterPattern pattern_;
  std::vector<ValueReference> refs_;  // [0] = metricValue, then one per dimension
  std::vector<std::string> dimension_names_;
  std::optional<double> default_value_;
  // refs_ split by how the pattern resolves them, computed once (see PlanReferences).
  std::vector<const detail::Selector*> json_refs_;
  std::vector<std::string> field_refs_;
  std::vector<int> slots_;  // per ref: index among the resolved values, -1 for a constant
};

}  // namespace cwlogd::filters
