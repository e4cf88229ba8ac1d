// PutMetricData: validate every datum, merge the samples per (metric, bucket, unit), one write.
// Buckets are minutes, or seconds for StorageResolution 1; each keeps the values' distribution.
#include <cmath>

#include "api/cloudwatch/detail/aggregation.h"
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch {
namespace {

using detail::Join;
using detail::MemberPath;
using detail::Reader;
using nlohmann::json;

std::string NumberText(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return json(v).dump();
}

// CloudWatch rejects NaN, +-Infinity, and magnitudes above 2^360 or (non-zero) below 2^-260.
bool AcceptableValue(double v) {
  if (!std::isfinite(v)) return false;
  const double a = std::fabs(v);
  return a == 0 || (a <= std::ldexp(1.0, 360) && a >= std::ldexp(1.0, -260));
}

bool CheckValue(Reader& r, double v, const std::string& path) {
  if (AcceptableValue(v)) return true;
  r.Fail(InvalidParameterValue("The value " + NumberText(v) + " for parameter " + path +
                               " is invalid."));
  return false;
}

void ReadDatum(Reader& r, const json& datum, const std::string& path, const std::string& ns,
               int64_t now_ms, detail::DeltaAccumulator& acc) {
  if (!r.CheckObject(datum, path)) return;
  auto name = r.String(datum, path, "MetricName", true, 1, 255);
  auto dimensions = r.Dimensions(datum, path, kMaxDimensions);
  auto timestamp = r.TimestampMillis(datum, path, "Timestamp", false);
  auto value = r.Double(datum, path, "Value", false);
  const json* stats = r.Object(datum, path, "StatisticValues", false);
  const json* values = r.List(datum, path, "Values", false, kMaxValuesPerDatum);
  const json* counts = r.List(datum, path, "Counts", false, kMaxValuesPerDatum);
  auto unit = r.Unit(datum, path);
  auto resolution = r.Integer(datum, path, "StorageResolution", false);
  if (r.failed()) return;

  if (resolution && *resolution != 1 && *resolution != 60) {
    r.Fail(InvalidParameterValue("The value " + std::to_string(*resolution) + " for parameter " +
                                 Join(path, "StorageResolution") +
                                 " is invalid. Valid values are 1 and 60."));
    return;
  }
  const int64_t ts = timestamp.value_or(now_ms);
  if (ts < now_ms - kMaxDatumAgeMs) {
    r.Fail(InvalidParameterValue("The parameter " + Join(path, "Timestamp") +
                                 " must specify a time no more than two weeks in the past."));
    return;
  }
  if (ts > now_ms + kMaxDatumFutureMs) {
    r.Fail(InvalidParameterValue("The parameter " + Join(path, "Timestamp") +
                                 " must specify a time no more than two hours in the future."));
    return;
  }
  const int given = (value ? 1 : 0) + (stats ? 1 : 0) + (values ? 1 : 0);
  if (given > 1) {
    const std::string first = value ? "Value" : "StatisticValues";
    const std::string second = values ? "Values" : "StatisticValues";
    r.Fail(InvalidParameterCombination("The parameters " + Join(path, first) + " and " +
                                       Join(path, second) +
                                       " are mutually exclusive and you have specified both."));
    return;
  }
  if (counts && !values) {
    r.Fail(InvalidParameterCombination("The parameter " + Join(path, "Counts") +
                                       " requires the parameter " + Join(path, "Values") + "."));
    return;
  }
  if (given == 0) {
    r.Fail(MissingParameter("At least one of the parameters " + Join(path, "Value") + ", " +
                            Join(path, "StatisticValues") + " or " + Join(path, "Values") +
                            " must be specified."));
    return;
  }

  storage::MetricId metric{ns, *name, std::move(*dimensions)};
  const std::string unit_name = unit.value_or("None");
  const bool high_res = resolution && *resolution == 1;  // kept in per-second buckets
  if (value) {
    if (!CheckValue(r, *value, Join(path, "Value"))) return;
    acc.AddSample(metric, ts, unit_name, *value, 1, high_res);
    return;
  }
  if (stats) {
    const std::string sp = Join(path, "StatisticValues");
    auto count = r.Double(*stats, sp, "SampleCount", true);
    auto sum = r.Double(*stats, sp, "Sum", true);
    auto min = r.Double(*stats, sp, "Minimum", true);
    auto max = r.Double(*stats, sp, "Maximum", true);
    if (r.failed()) return;
    if (!CheckValue(r, *count, Join(sp, "SampleCount")) || !CheckValue(r, *sum, Join(sp, "Sum")) ||
        !CheckValue(r, *min, Join(sp, "Minimum")) || !CheckValue(r, *max, Join(sp, "Maximum"))) {
      return;
    }
    if (*count <= 0) {
      r.Fail(InvalidParameterValue("The parameter " + Join(sp, "SampleCount") +
                                   " must be greater than 0."));
      return;
    }
    if (*min > *max) {
      r.Fail(InvalidParameterValue("The parameter " + Join(sp, "Minimum") +
                                   " must not be greater than " + Join(sp, "Maximum") + "."));
      return;
    }
    storage::MetricAggregate set;
    set.AddStatisticSet(*count, *sum, *min, *max);
    acc.Add(metric, ts, unit_name, set, high_res);
    return;
  }
  // Values (+ Counts): each value occurred `count` times (default 1).
  if (counts && counts->size() != values->size()) {
    r.Fail(InvalidParameterValue("The parameters " + Join(path, "Values") + " and " +
                                 Join(path, "Counts") + " must be of the same size."));
    return;
  }
  const std::string vp = Join(path, "Values");
  const std::string cp = Join(path, "Counts");
  for (size_t i = 0; i < values->size(); ++i) {
    const json& v = (*values)[i];
    if (!v.is_number()) {
      r.Fail(InvalidParameterValue("The parameter " + MemberPath(vp, i) + " must be a number."));
      return;
    }
    double count = 1;
    if (counts) {
      const json& c = (*counts)[i];
      if (!c.is_number() || !std::isfinite(c.get<double>()) || c.get<double>() < 0) {
        r.Fail(InvalidParameterValue("The parameter " + MemberPath(cp, i) +
                                     " must be a non-negative number."));
        return;
      }
      count = c.get<double>();
    }
    if (!CheckValue(r, v.get<double>(), MemberPath(vp, i))) return;
    if (count > 0) acc.AddSample(metric, ts, unit_name, v.get<double>(), count, high_res);
  }
}

}  // namespace

ApiResult HandlePutMetricData(const json& request, Context& ctx) {
  Reader r;
  auto ns = r.Namespace(request, "", true);
  const json* data = r.List(request, "", "MetricData", false, kMaxMetricDataPerPut);
  const json* entity_data = r.List(request, "", "EntityMetricData", false, kMaxMetricDataPerPut);
  (void)r.Bool(request, "", "StrictEntityValidation");
  if (r.failed()) return r.error();
  if (ns->rfind("AWS/", 0) == 0) {
    return InvalidParameterValue("The value " + *ns + " for parameter Namespace is invalid.");
  }
  if (data == nullptr && entity_data == nullptr) {
    return MissingParameter("The parameter MetricData is required.");
  }
  const int64_t now_ms = ctx.clock.NowMillis();
  detail::DeltaAccumulator acc;
  size_t total = 0;
  if (data != nullptr) {
    for (size_t i = 0; i < data->size() && !r.failed(); ++i) {
      ReadDatum(r, (*data)[i], MemberPath("MetricData", i), *ns, now_ms, acc);
    }
    total += data->size();
  }
  if (entity_data != nullptr) {
    for (size_t i = 0; i < entity_data->size() && !r.failed(); ++i) {
      const std::string ep = MemberPath("EntityMetricData", i);
      if (!r.CheckObject((*entity_data)[i], ep)) break;
      // The entity only links the metric to a resource in AWS's console; the data is stored.
      const json* inner = r.List((*entity_data)[i], ep, "MetricData", false, kMaxMetricDataPerPut);
      if (inner == nullptr) continue;
      for (size_t k = 0; k < inner->size() && !r.failed(); ++k) {
        ReadDatum(r, (*inner)[k], MemberPath(Join(ep, "MetricData"), k), *ns, now_ms, acc);
      }
      total += inner->size();
    }
  }
  if (r.failed()) return r.error();
  if (total > kMaxMetricDataPerPut) {
    return InvalidParameterValue("The collection MetricData must not have a size greater than " +
                                 std::to_string(kMaxMetricDataPerPut) + ".");
  }
  if (acc.empty()) return json::object();
  const auto deltas = acc.Take();
  if (storage::Status s = ctx.metrics.PutMetricData(ctx.partition, deltas, now_ms); !s.ok()) {
    return InternalServiceFault("Failed to store metric data.");
  }
  return json::object();
}

}  // namespace cwlogd::api::cloudwatch
