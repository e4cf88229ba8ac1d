// PutMetricFilter: validate the filter and its one transformation, compile the pattern (the
// same compile the ingest path caches), store it (creating or replacing).
#include <cmath>
#include <string>

#include "api/cloudwatch/detail/reader.h"
#include "api/handlers/metric_filter_handlers.h"
#include "api/metric_filter_eval.h"
#include "api/request_reader.h"
#include "storage/metric_store.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;

const StringRule kMetricValueRule{0, 100, "", nullptr, false};
const StringRule kFieldSelectionRule{0, 2000, "", nullptr, false};
const StringRule kDimensionKeyRule{0, 255, "", nullptr, false};
const StringRule kDimensionValueRule{0, 255, "", nullptr, false};

std::string JavaString(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// MetricTransformation(metricName=m, metricNamespace=n, metricValue=1, defaultValue=null,
// unit=null, dimensions=null): Coral's toString, used in the list-length message.
std::string DescribeTransformation(const json& t) {
  auto get = [&](const char* k) { return JavaString(t.value(k, json())); };
  return "MetricTransformation(metricName=" + get("metricName") +
         ", metricNamespace=" + get("metricNamespace") + ", metricValue=" + get("metricValue") +
         ", defaultValue=" + get("defaultValue") + ", unit=" + get("unit") +
         ", dimensions=" + get("dimensions") + ")";
}

}  // namespace

ApiResult HandlePutMetricFilter(const json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, true);
  auto name = in.String("filterName", kFilterNameRule, true);
  auto pattern = in.String("filterPattern", kFilterPatternRule, true);
  const json* transformations =
      in.StructureList("metricTransformations", ListRule{1, 1}, &DescribeTransformation, true);
  auto apply_on_transformed = in.Bool("applyOnTransformedLogs");
  auto field_selection = in.String("fieldSelectionCriteria", kFieldSelectionRule);
  auto emit_system = in.StringList("emitSystemFieldDimensions", ListRule{},
                                   StringRule{0, 255, "", nullptr, false});
  storage::MetricFilterDefinition def;
  if (transformations != nullptr && transformations->size() == 1 &&
      (*transformations)[0].is_object()) {
    RequestReader t((*transformations)[0]);
    // Paths as Coral prints them for list members.
    const std::string base = "metricTransformations.1.member.";
    auto metric_name =
        in.NestedString((*transformations)[0], base, "metricName", kMetricNameRule, true);
    auto metric_namespace =
        in.NestedString((*transformations)[0], base, "metricNamespace", kMetricNamespaceRule, true);
    auto metric_value =
        in.NestedString((*transformations)[0], base, "metricValue", kMetricValueRule, true);
    const json& obj = (*transformations)[0];
    if (auto it = obj.find("defaultValue"); it != obj.end() && !it->is_null()) {
      if (!it->is_number() || !std::isfinite(it->get<double>())) {
        in.SerializationError("Expected a double for defaultValue");
      } else {
        def.default_value = it->get<double>();
      }
    }
    if (auto it = obj.find("unit"); it != obj.end() && !it->is_null()) {
      std::string message;
      auto unit = JsonToString(*it, &message);
      if (!unit) {
        in.SerializationError(message);
      } else if (!cloudwatch::detail::IsStandardUnit(*unit)) {
        in.AddViolation(base + "unit", *unit,
                        "Member must satisfy enum value set: [Seconds, Microseconds, "
                        "Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, Bits, "
                        "Kilobits, Megabits, Gigabits, Terabits, Percent, Count, Bytes/Second, "
                        "Kilobytes/Second, Megabytes/Second, Gigabytes/Second, "
                        "Terabytes/Second, Bits/Second, Kilobits/Second, Megabits/Second, "
                        "Gigabits/Second, Terabits/Second, Count/Second, None]");
      } else {
        def.unit = *unit;
      }
    }
    if (auto it = obj.find("dimensions"); it != obj.end() && !it->is_null()) {
      if (!it->is_object()) {
        in.SerializationError("Expected map for dimensions");
      } else {
        if (it->size() > 3) {
          in.AddViolation(base + "dimensions", it->dump(),
                          "Member must have length less than or equal to 3");
        }
        for (const auto& [k, v] : it->items()) {
          std::string message;
          auto value = JsonToString(v, &message);
          if (!value) {
            in.SerializationError(message);
            break;
          }
          in.CheckString(base + "dimensions", k, kDimensionKeyRule);
          in.CheckString(base + "dimensions", *value, kDimensionValueRule);
          def.dimensions[k] = *value;
        }
      }
    }
    if (metric_name) def.metric_name = *metric_name;
    if (metric_namespace) def.metric_namespace = *metric_namespace;
    if (metric_value) def.metric_value = *metric_value;
  }
  if (in.failed()) return in.error();

  storage::MetricStore* metrics = ctx.store.metric_store();
  if (metrics == nullptr) {
    return ApiError::ServiceUnavailable("Metric filters are not available on this store.");
  }
  def.log_group = *group;
  def.filter_name = *name;
  def.filter_pattern = *pattern;
  def.creation_time_ms = ctx.clock.NowMillis();
  def.apply_on_transformed_logs = apply_on_transformed.value_or(false);
  def.field_selection_criteria = field_selection;
  if (emit_system) def.emit_system_field_dimensions = *emit_system;

  // Group first (AWS reports a missing group before a bad pattern), then pattern and
  // transformation, then the store (which re-checks the group atomically).
  if (auto g = ctx.store.GetLogGroup(ctx.partition, def.log_group); !g.ok()) {
    return FromStorage(g.status());
  }
  std::string error;
  auto compiled = CompileMetricFilter(def, &error);
  if (!compiled) return ApiError::InvalidParameter(error);
  if (compiled->pattern().regex_count() > 0) {
    // The regex quota (docs/filter-patterns.md): other filters of the group whose pattern has a
    // %regex%. The filter this call replaces does not count. Checked here rather than inside the
    // store's atomic write, so two concurrent puts of new regex filters can both pass it.
    int32_t others = 0;
    storage::MetricFilterQuery query;
    query.log_group = def.log_group;
    auto count = [&](const storage::MetricFilterDefinition& existing) {
      if (existing.filter_name == def.filter_name) return true;
      auto other = ctx.metric_filter_cache.Get(existing);
      if (other != nullptr && other->evaluator.pattern().regex_count() > 0) ++others;
      return true;
    };
    storage::Status listed = metrics->ListMetricFilters(ctx.partition, query, count);
    if (!listed.ok()) return FromStorage(listed);
    if (others >= kMaxRegexFiltersPerGroup) {
      // AWS documents the quota but not its error; the code is AWS's usual one for quotas and
      // the message is our own wording.
      return ApiError::LimitExceeded(
          "A log group can have at most 5 metric and subscription filters whose filter pattern "
          "contains a regular expression.");
    }
  }

  storage::Status s = metrics->PutMetricFilter(ctx.partition, def, kMaxMetricFiltersPerGroup);
  if (s.code() == storage::Status::Code::kFailedPrecondition) return ApiError::LimitExceeded();
  if (!s.ok()) return FromStorage(s);
  return json::object();
}

}  // namespace cwlogd::api
