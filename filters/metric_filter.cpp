// Metric-filter evaluation: references ($.path, $field, $3), dimensions, default values.
#include "filters/metric_filter.h"

#include "filters/detail/compiled_pattern.h"

namespace cwlogd::filters {

using detail::Fail;

namespace {
constexpr std::size_t kMaxDimensions = 3;

bool IsFieldNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-';
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
        Fail(error, cur.offset(), "Invalid metric transformation: invalid field reference '" +
                                      std::string(text) + "'",
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
    Fail(error, 0, "Invalid metric transformation: invalid field reference '" +
                       std::string(text) + "'",
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

bool MatchAndResolve(const FilterPattern& pattern, std::string_view message,
                     const std::vector<ValueReference>& refs,
                     std::vector<std::optional<ResolvedValue>>* values) {
  std::vector<const detail::Selector*> json_refs;
  std::vector<std::string_view> field_refs;
  for (const ValueReference& r : refs) {
    if (r.kind() == ValueReference::Kind::kJsonPath) json_refs.push_back(r.selector());
    if (r.kind() == ValueReference::Kind::kField) field_refs.push_back(r.text());
  }
  std::vector<std::optional<detail::ResolvedScalar>> resolved;
  if (!pattern.impl().MatchAndResolve(message, json_refs, field_refs, &resolved)) return false;
  values->assign(refs.size(), std::nullopt);
  std::size_t next_json = 0;
  std::size_t next_field = json_refs.size();
  for (std::size_t i = 0; i < refs.size(); ++i) {
    const ValueReference& r = refs[i];
    std::optional<detail::ResolvedScalar>* from = nullptr;
    switch (r.kind()) {
      case ValueReference::Kind::kNumber:
        (*values)[i] = ResolvedValue{r.text(), r.number()};
        continue;
      case ValueReference::Kind::kString:
        (*values)[i] = ResolvedValue{r.text(), std::nullopt};
        continue;
      case ValueReference::Kind::kJsonPath:
        from = &resolved[next_json++];
        break;
      case ValueReference::Kind::kField:
        from = &resolved[next_field++];
        break;
    }
    if (from != nullptr && from->has_value()) {
      (*values)[i] = ResolvedValue{std::move((*from)->text), (*from)->number};
    }
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
    Fail(error, 0, "Invalid metric transformation: a metric filter has at most 3 dimensions",
         "");
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

std::optional<MetricSample> MetricFilterEvaluator::Evaluate(std::string_view message) const {
  std::vector<std::optional<ResolvedValue>> values;
  if (!MatchAndResolve(pattern_, message, refs_, &values)) {
    if (!default_value_) return std::nullopt;
    return MetricSample{*default_value_, {}};
  }
  if (!values[0] || !values[0]->number) return std::nullopt;
  MetricSample sample;
  sample.value = *values[0]->number;
  for (std::size_t i = 0; i < dimension_names_.size(); ++i) {
    const auto& v = values[i + 1];
    if (!v) return std::nullopt;
    sample.dimensions.emplace_back(dimension_names_[i], v->text);
  }
  return sample;
}

}  // namespace cwlogd::filters
