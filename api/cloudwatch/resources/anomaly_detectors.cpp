// PutAnomalyDetector, DescribeAnomalyDetectors, DeleteAnomalyDetector: stored definitions only
// (no model is trained: every detector stays PENDING_TRAINING).
#include <regex>

#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/resources/resource_handlers.h"

namespace cwlogd::api::cloudwatch::resources {
namespace {

using detail::Reader;
using nlohmann::json;
using storage::ResourceKind;
using storage::ResourceRecord;

constexpr std::string_view kDescribeDetectorsToken = "DescribeAnomalyDetectors";

bool ValidStat(const std::string& stat) {
  // The model's AnomalyDetectorMetricStat, trimmed to its common forms.
  static const std::regex kStat(
      R"((SampleCount|Average|Sum|Minimum|Maximum|IQM|(p|tc|tm|ts|wm)(\d{1,2}(\.\d{0,10})?|100))(_E|_L|_H)?)");
  return stat.size() <= 50 && std::regex_match(stat, kStat);
}

json DimensionsJson(const std::vector<storage::MetricDimension>& dims) {
  json out = json::array();
  for (const auto& d : dims) out.push_back({{"Name", d.name}, {"Value", d.value}});
  return out;
}

// The detector's identity (what Put and Delete name it by) and its stored description.
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit members move json, which never throws.
struct Identity {
  std::string key;   // canonical JSON: the record's name
  json description;  // SingleMetricAnomalyDetector or MetricMathAnomalyDetector member + legacy
  std::string type;  // SINGLE_METRIC or METRIC_MATH
};

std::variant<Identity, ApiError> ReadIdentity(const json& request) {
  Reader r;
  const bool legacy = request.contains("Namespace") || request.contains("MetricName") ||
                      request.contains("Dimensions") || request.contains("Stat");
  const json* single = r.Object(request, "", "SingleMetricAnomalyDetector", false);
  const json* math = r.Object(request, "", "MetricMathAnomalyDetector", false);
  if (r.failed()) return r.error();
  if ((legacy ? 1 : 0) + (single ? 1 : 0) + (math ? 1 : 0) != 1) {
    return InvalidParameterCombination(
        "An anomaly detector must be given by exactly one of SingleMetricAnomalyDetector, "
        "MetricMathAnomalyDetector or the Namespace, MetricName, Dimensions and Stat "
        "parameters.");  // [unsure] text
  }
  Identity id;
  if (math != nullptr) {
    const json* queries =
        r.List(*math, "MetricMathAnomalyDetector", "MetricDataQueries", true, 500);
    if (r.failed()) return r.error();
    if (queries->empty()) {
      return MissingParameter(
          "The parameter MetricMathAnomalyDetector.MetricDataQueries is required.");
    }
    for (size_t i = 0; i < queries->size(); ++i) {
      if (!(*queries)[i].is_object()) {
        return InvalidParameterValue("The parameter " + detail::MemberPath("MetricDataQueries", i) +
                                     " must be a structure.");
      }
    }
    id.type = "METRIC_MATH";
    id.description = {{"MetricMathAnomalyDetector", {{"MetricDataQueries", *queries}}}};
    id.key = json{{"math", *queries}}.dump();
    return id;
  }
  const json& src = single != nullptr ? *single : request;
  const std::string path = single != nullptr ? "SingleMetricAnomalyDetector" : "";
  auto ns = r.Namespace(src, path, true);
  auto name = r.String(src, path, "MetricName", true, 1, 255);
  auto dims = r.Dimensions(src, path, 30);
  auto stat = r.String(src, path, "Stat", true, 1, 50);
  auto account = r.String(src, path, "AccountId", false, 1, 255);
  if (r.failed()) return r.error();
  if (!ValidStat(*stat)) {
    return InvalidParameterValue("The parameter " + detail::Join(path, "Stat") +
                                 " must be a valid statistic.");  // [unsure] text
  }
  id.type = "SINGLE_METRIC";
  json smad = {{"Namespace", *ns},
               {"MetricName", *name},
               {"Dimensions", DimensionsJson(*dims)},
               {"Stat", *stat}};
  if (account) smad["AccountId"] = *account;
  // CloudWatch answers both the legacy members and SingleMetricAnomalyDetector.
  id.description = {{"Namespace", *ns},
                    {"MetricName", *name},
                    {"Dimensions", DimensionsJson(*dims)},
                    {"Stat", *stat},
                    {"SingleMetricAnomalyDetector", smad}};
  id.key = json{{"single", {*ns, *name, DimensionsJson(*dims), *stat}}}.dump();
  return id;
}

}  // namespace

ApiResult HandlePutAnomalyDetector(const json& request, Context& ctx) {
  auto parsed = ReadIdentity(request);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  Identity& id = std::get<Identity>(parsed);
  Reader r;
  const json* config = r.Object(request, "", "Configuration", false);
  const json* traits = r.Object(request, "", "MetricCharacteristics", false);
  if (r.failed()) return r.error();
  json description = id.description;
  if (config != nullptr) {
    const json* ranges = r.List(*config, "Configuration", "ExcludedTimeRanges", false, 100);
    auto tz = r.String(*config, "Configuration", "MetricTimezone", false, 0, 50);
    if (r.failed()) return r.error();
    json out_config = json::object();
    if (ranges != nullptr) {
      json out_ranges = json::array();
      for (size_t i = 0; i < ranges->size(); ++i) {
        const std::string p = detail::MemberPath("Configuration.ExcludedTimeRanges", i);
        if (!r.CheckObject((*ranges)[i], p)) return r.error();
        auto start = r.TimestampMillis((*ranges)[i], p, "StartTime", true);
        auto end = r.TimestampMillis((*ranges)[i], p, "EndTime", true);
        if (r.failed()) return r.error();
        if (*start >= *end) {
          return InvalidParameterValue("The parameter " + p +
                                       ".StartTime must be before its EndTime.");
        }
        out_ranges.push_back({{"StartTime", *start / 1000.0}, {"EndTime", *end / 1000.0}});
      }
      out_config["ExcludedTimeRanges"] = std::move(out_ranges);
    }
    if (tz) out_config["MetricTimezone"] = *tz;
    description["Configuration"] = std::move(out_config);
  }
  if (traits != nullptr) {
    auto spikes = r.Bool(*traits, "MetricCharacteristics", "PeriodicSpikes");
    if (r.failed()) return r.error();
    if (spikes) description["MetricCharacteristics"] = {{"PeriodicSpikes", *spikes}};
  }
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s = ctx.resources->Update(ctx.partition, ResourceKind::kCwAnomalyDetector, id.key,
                                            ctx.clock.NowMillis(),
                                            {500, ""},  // [unsure] the account quota of detectors
                                            [&](const ResourceRecord*, ResourceRecord* out) {
                                              out->fields["detector"] = description.dump();
                                              out->fields["type"] = id.type;
                                              return storage::Status::OK();
                                            });
  if (!s.ok()) {
    if (s.code() == storage::Status::Code::kFailedPrecondition) {
      return ApiError{"LimitExceededException",
                      "The maximum number of anomaly detectors has "
                      "been reached.",
                      400};
    }
    return FromStorage(s);
  }
  return json::object();
}

ApiResult HandleDeleteAnomalyDetector(const json& request, Context& ctx) {
  auto parsed = ReadIdentity(request);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s = ctx.resources->Delete(ctx.partition, ResourceKind::kCwAnomalyDetector,
                                            std::get<Identity>(parsed).key);
  if (s.code() == storage::Status::Code::kNotFound) {
    return ResourceNotFound(
        "No anomaly detector found for namespace, metric name, dimensions "
        "and stat.");  // [unsure] text
  }
  if (!s.ok()) return FromStorage(s);
  return json::object();
}

ApiResult HandleDescribeAnomalyDetectors(const json& request, Context& ctx) {
  Reader r;
  auto max = r.Integer(request, "", "MaxResults", false);
  auto token = r.String(request, "", "NextToken", false, 0, SIZE_MAX);
  auto ns = r.String(request, "", "Namespace", false, 1, 255);
  auto name = r.String(request, "", "MetricName", false, 1, 255);
  auto dims = r.Dimensions(request, "", 30);
  const json* types = r.List(request, "", "AnomalyDetectorTypes", false, 2);
  if (r.failed()) return r.error();
  if (auto e = CheckMaxResults(max, kMaxAnomalyDetectorPage)) return *e;
  bool want_single = true;
  bool want_math = true;
  if (types != nullptr && !types->empty()) {
    want_single = want_math = false;
    for (const json& t : *types) {
      if (t == "SINGLE_METRIC") {
        want_single = true;
      } else if (t == "METRIC_MATH") {
        want_math = true;
      } else {
        return InvalidParameterValue(
            "The parameter AnomalyDetectorTypes must be a value in the set [ SINGLE_METRIC, "
            "METRIC_MATH ].");
      }
    }
  }
  if ((ns || name || (dims && !dims->empty())) && want_math && types != nullptr &&
      !types->empty() && !want_single) {
    return InvalidParameterCombination(
        "Namespace, MetricName and Dimensions filter single-metric detectors only.");
  }
  return ListResourcePage(
      ctx, ResourceKind::kCwAnomalyDetector, "", kDescribeDetectorsToken, token,
      max.value_or(kMaxAnomalyDetectorPage), "AnomalyDetectors",
      [&](const ResourceRecord& rec) -> std::optional<json> {
        const std::string type = rec.FieldOrEmpty("type");
        if ((type == "SINGLE_METRIC" && !want_single) || (type == "METRIC_MATH" && !want_math)) {
          return std::nullopt;
        }
        json d = json::parse(rec.FieldOrEmpty("detector"), nullptr, false);
        if (!d.is_object()) return std::nullopt;
        if (ns || name || (dims && !dims->empty())) {
          if (type != "SINGLE_METRIC") return std::nullopt;
          if (ns && d.value("Namespace", "") != *ns) return std::nullopt;
          if (name && d.value("MetricName", "") != *name) return std::nullopt;
          if (dims && !dims->empty()) {
            for (const auto& want : *dims) {
              bool found = false;
              for (const auto& have : d["Dimensions"]) {
                found = found || (have["Name"] == want.name && have["Value"] == want.value);
              }
              if (!found) return std::nullopt;
            }
          }
        }
        d["StateValue"] = "PENDING_TRAINING";
        return d;
      });
}

}  // namespace cwlogd::api::cloudwatch::resources
