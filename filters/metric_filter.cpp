// Metric-filter evaluation: references ($.path, $field, $3), dimensions, default values.
#include "filters/metric_filter.h"

#include "filters/detail/compiled_pattern.h"

namespace cwlogd::filters {

using detail::Fail;

namespace {
constexpr std::size_t kMaxDimensions = 3;

bool IsFieldNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
}  // namespace

bool PatternSupportsDimensions(PatternKind kind) {
  return kind == PatternKind::kJson || kind == PatternKind::kSpaceDelimited;
}

std::optional<ValueReference> ValueReference::ParseMetricValue(std::string_view text,
                                                               ParseError* error) {
  return Parse(text, false, error);
}

std::optional<ValueReference> ValueReference::ParseDimensionValue(std::string_view text,
                                                                  ParseError* error) {
  return Parse(text, true, error);
}

std::optional<ValueReference> ValueReference::Parse(std::string_view text, bool allow_string,
                                                    ParseError* error) {
  ValueReference ref;
  ref.text_ = std::string(text);
  if (!text.empty() && text[0] == '$') {
    if (text.size() >= 2 && (text[1] == '.' || text[1] == '[')) {
      detail::Cursor cur(text, 0);
      auto sel = std::make_shared<detail::Selector>();
      if (!detail::ParseSelector(cur, sel.get(), error) || !cur.AtEnd() || sel->steps.empty()) {
        Fail(error, cur.offset(),
             "Invalid metric transformation: invalid field reference '" + std::string(text) + "'",
             "expected a JSON selector such as $.latency");
        return std::nullopt;
      }
      ref.kind_ = Kind::kJsonPath;
      ref.selector_ = std::move(sel);
      return ref;
    }
    bool ok = text.size() >= 2;
    for (std::size_t i = 1; i < text.size(); ++i) ok = ok && IsFieldNameChar(text[i]);
    if (ok) {
      ref.kind_ = Kind::kField;
      return ref;
    }
    Fail(error, 0,
         "Invalid metric transformation: invalid field reference '" + std::string(text) + "'",
         "expected $name, $position or $.json.path");
    return std::nullopt;
  }
  if (auto n = detail::ParseNumber(text)) {
    ref.kind_ = Kind::kNumber;
    ref.number_ = *n;
    return ref;
  }
  if (allow_string && !text.empty()) {
    ref.kind_ = Kind::kString;
    return ref;
  }
  Fail(error, 0, "Invalid metric transformation: invalid metric value '" + std::string(text) + "'",
       "a metric value is a number or a field reference ($.latency, $bytes)");
  return std::nullopt;
}

namespace {

// Where each of `refs` is resolved. The pattern resolves JSON selectors first, then fields:
// slots[i] is refs[i]'s index in what CompiledPattern::MatchAndResolve fills, or -1 for a
// constant (number or string), which resolves to itself.
struct ReferencePlan {
  std::vector<const detail::Selector*> json_refs;
  std::vector<std::string> field_refs;
  std::vector<int> slots;
};

ReferencePlan PlanReferences(const std::vector<ValueReference>& refs) {
  ReferencePlan plan;
  for (const ValueReference& r : refs) {
    if (r.kind() == ValueReference::Kind::kJsonPath) plan.json_refs.push_back(r.selector());
    if (r.kind() == ValueReference::Kind::kField) plan.field_refs.push_back(r.text());
  }
  int next_json = 0;
  int next_field = static_cast<int>(plan.json_refs.size());
  for (const ValueReference& r : refs) {
    switch (r.kind()) {
      case ValueReference::Kind::kJsonPath:
        plan.slots.push_back(next_json++);
        break;
      case ValueReference::Kind::kField:
        plan.slots.push_back(next_field++);
        break;
      case ValueReference::Kind::kNumber:
      case ValueReference::Kind::kString:
        plan.slots.push_back(-1);
        break;
    }
  }
  return plan;
}

}  // namespace

bool MatchAndResolve(const FilterPattern& pattern, std::string_view message,
                     const std::vector<ValueReference>& refs,
                     std::vector<std::optional<ResolvedValue>>* values) {
  const ReferencePlan plan = PlanReferences(refs);
  std::vector<std::optional<detail::ResolvedScalar>> resolved;
  if (!pattern.impl().MatchAndResolve(message, plan.json_refs, plan.field_refs, &resolved)) {
    return false;
  }
  values->assign(refs.size(), std::nullopt);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const ValueReference& r = refs[i];
    if (plan.slots[i] < 0) {
      (*values)[i] = ResolvedValue{r.text(), r.kind() == ValueReference::Kind::kNumber
                                                 ? std::optional<double>(r.number())
                                                 : std::nullopt};
      continue;
    }
    auto& from = resolved[static_cast<std::size_t>(plan.slots[i])];
    if (from) (*values)[i] = ResolvedValue{std::move(from->text), from->number};
  }
  return true;
}

std::optional<MetricFilterEvaluator> MetricFilterEvaluator::Create(
    FilterPattern pattern, const MetricTransformationSpec& spec, ParseError* error) {
  if (!spec.dimensions.empty() && spec.default_value.has_value()) {
    Fail(error, 0,
         "Invalid metric transformation: dimensions and default value are mutually exclusive "
         "properties",
         "");
    return std::nullopt;
  }
  if (!spec.dimensions.empty() && !PatternSupportsDimensions(pattern.kind())) {
    Fail(error, 0, "The specified filter pattern does not support dimensions", "");
    return std::nullopt;
  }
  if (spec.dimensions.size() > kMaxDimensions) {
    Fail(error, 0, "Invalid metric transformation: a metric filter has at most 3 dimensions", "");
    return std::nullopt;
  }
  std::vector<ValueReference> refs;
  auto value = ValueReference::ParseMetricValue(spec.metric_value, error);
  if (!value) return std::nullopt;
  refs.push_back(std::move(*value));
  std::vector<std::string> names;
  for (const auto& [name, reference] : spec.dimensions) {
    auto dim = ValueReference::ParseDimensionValue(reference, error);
    if (!dim) return std::nullopt;
    refs.push_back(std::move(*dim));
    names.push_back(name);
  }
  return MetricFilterEvaluator(std::move(pattern), std::move(refs), std::move(names),
                               spec.default_value);
}

MetricFilterEvaluator::MetricFilterEvaluator(FilterPattern pattern,
                                             std::vector<ValueReference> refs,
                                             std::vector<std::string> dimension_names,
                                             std::optional<double> default_value)
    : pattern_(std::move(pattern)),
      refs_(std::move(refs)),
      dimension_names_(std::move(dimension_names)),
      default_value_(default_value) {
  ReferencePlan plan = PlanReferences(refs_);
  json_refs_ = std::move(plan.json_refs);
  field_refs_ = std::move(plan.field_refs);
  slots_ = std::move(plan.slots);
}

std::optional<MetricSample> MetricFilterEvaluator::Evaluate(std::string_view message) const {
  // Runs for every ingested event and filter: the resolved values live in a per-thread buffer
  // whose strings keep their capacity, so a steady stream of events allocates nothing here.
  thread_local std::vector<std::optional<detail::ResolvedScalar>> resolved;
  if (!pattern_.impl().MatchAndResolve(message, json_refs_, field_refs_, &resolved)) {
    if (!default_value_) return std::nullopt;
    return MetricSample{*default_value_, {}};
  }
  MetricSample sample;
  if (slots_[0] < 0) {
    sample.value = refs_[0].number();
  } else {
    const auto& value = resolved[static_cast<std::size_t>(slots_[0])];
    if (!value || !value->number) return std::nullopt;
    sample.value = *value->number;
  }
  if (dimension_names_.empty()) return sample;
  sample.dimensions.reserve(dimension_names_.size());
  for (std::size_t i = 0; i < dimension_names_.size(); ++i) {
    const int slot = slots_[i + 1];
    if (slot < 0) {
      sample.dimensions.emplace_back(dimension_names_[i], refs_[i + 1].text());
      continue;
    }
    const auto& value = resolved[static_cast<std::size_t>(slot)];
    if (!value) return std::nullopt;
    sample.dimensions.emplace_back(dimension_names_[i], value->text);
  }
  return sample;
}

}  // namespace cwlogd::filters
