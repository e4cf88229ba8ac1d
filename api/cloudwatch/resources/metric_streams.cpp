// Metric streams (PutMetricStream, GetMetricStream, ListMetricStreams, DeleteMetricStream,
// StartMetricStreams, StopMetricStreams) and the account's OTel enrichment switch. Stored
// definitions: nothing is delivered to Firehose.
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/resources/resource_handlers.h"

namespace cwlogd::api::cloudwatch::resources {
namespace {

using detail::Reader;
using nlohmann::json;
using storage::ResourceKind;
using storage::ResourceRecord;

constexpr std::string_view kListStreamsToken = "ListMetricStreams";
constexpr std::string_view kOTelName = "state";

std::string StreamArn(const storage::Partition& p, std::string_view name) {
  return "arn:aws:cloudwatch:" + p.region + ":" + p.account + ":metric-stream/" + std::string(name);
}

// Include/ExcludeFilters: a list of {Namespace, MetricNames}; nullopt with the error recorded.
std::optional<json> ReadFilters(Reader& r, const json& request, std::string_view member) {
  const json* list = r.List(request, "", member, false, 1000);
  if (r.failed()) return std::nullopt;
  json out = json::array();
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string p = detail::MemberPath(member, i);
    if (!r.CheckObject((*list)[i], p)) return std::nullopt;
    auto ns = r.Namespace((*list)[i], p, false);
    const json* names = r.List((*list)[i], p, "MetricNames", false, 999);
    if (r.failed()) return std::nullopt;
    json f = json::object();
    if (ns) f["Namespace"] = *ns;
    json metric_names = json::array();
    if (names != nullptr) {
      for (const json& n : *names) {
        if (!n.is_string() || n.get_ref<const std::string&>().empty() ||
            n.get_ref<const std::string&>().size() > 255) {
          r.Fail(InvalidParameterValue("The parameter " + p +
                                       ".MetricNames must hold names of 1 to 255 characters."));
          return std::nullopt;
        }
        metric_names.push_back(n);
      }
    }
    if (!metric_names.empty() && !ns) {
      r.Fail(
          InvalidParameterCombination("The parameter " + p + ".MetricNames needs its Namespace."));
      return std::nullopt;
    }
    f["MetricNames"] = std::move(metric_names);
    out.push_back(std::move(f));
  }
  return out;
}

bool LooksLikeArn(const std::string& s) { return s.rfind("arn:", 0) == 0 && s.size() <= 1024; }

json Describe(const storage::Partition& p, const ResourceRecord& rec, bool full) {
  json d = full ? json::parse(rec.FieldOrEmpty("definition"), nullptr, false) : json::object();
  if (!d.is_object()) d = json::object();
  d["Arn"] = StreamArn(p, rec.name);
  d["Name"] = rec.name;
  d["State"] = rec.FieldOrEmpty("state");
  d["CreationDate"] = static_cast<double>(rec.creation_time_ms) / 1000.0;
  d["LastUpdateDate"] = static_cast<double>(rec.last_updated_ms) / 1000.0;
  d["FirehoseArn"] = rec.FieldOrEmpty("firehose");
  d["OutputFormat"] = rec.FieldOrEmpty("format");
  return d;
}

ApiResult SetStreamsState(const json& request, Context& ctx, std::string_view state) {
  Reader r;
  const json* names = r.List(request, "", "Names", true, kMaxNamesPerCall);
  if (r.failed()) return r.error();
  for (size_t i = 0; i < names->size(); ++i) {
    if (!(*names)[i].is_string()) {
      return InvalidParameterValue("The parameter " + detail::MemberPath("Names", i) +
                                   " must be a string.");
    }
  }
  if (ctx.resources == nullptr) return NoResourceStore();
  // Names that do not exist are passed over, as CloudWatch does. [unsure]
  for (const json& n : *names) {
    storage::Status s = ctx.resources->Update(
        ctx.partition, ResourceKind::kMetricStream, n.get<std::string>(), ctx.clock.NowMillis(), {},
        [&](const ResourceRecord* current, ResourceRecord* out) {
          if (current == nullptr)
            return storage::Status::NotFound(storage::Status::Resource::kResource);
          *out = *current;
          out->fields["state"] = std::string(state);
          return storage::Status::OK();
        });
    if (!s.ok() && s.code() != storage::Status::Code::kNotFound) return FromStorage(s);
  }
  return json::object();
}

ApiResult SetOTel(Context& ctx, std::string_view status) {
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s = ctx.resources->Update(ctx.partition, ResourceKind::kOTelEnrichment, kOTelName,
                                            ctx.clock.NowMillis(), {},
                                            [&](const ResourceRecord*, ResourceRecord* out) {
                                              out->fields["status"] = std::string(status);
                                              return storage::Status::OK();
                                            });
  if (!s.ok()) return FromStorage(s);
  return json::object();
}

}  // namespace

ApiResult HandlePutMetricStream(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "Name", true, 1, 255);
  auto include = ReadFilters(r, request, "IncludeFilters");
  auto exclude = ReadFilters(r, request, "ExcludeFilters");
  auto firehose = r.String(request, "", "FirehoseArn", true, 1, 1024);
  auto role = r.String(request, "", "RoleArn", true, 1, 1024);
  auto format = r.String(request, "", "OutputFormat", true, 1, 255);
  const json* tags = r.List(request, "", "Tags", false, 50);
  const json* stats = r.List(request, "", "StatisticsConfigurations", false, 100);
  auto linked = r.Bool(request, "", "IncludeLinkedAccountsMetrics");
  if (r.failed()) return r.error();
  if (!include->empty() && !exclude->empty()) {
    return InvalidParameterCombination(
        "You cannot specify both IncludeFilters and ExcludeFilters in the same operation.");
  }
  if (!LooksLikeArn(*firehose)) {
    return InvalidParameterValue("The parameter FirehoseArn must be a valid ARN.");
  }
  if (!LooksLikeArn(*role))
    return InvalidParameterValue("The parameter RoleArn must be a valid ARN.");
  if (*format != "json" && *format != "opentelemetry0.7" && *format != "opentelemetry1.0") {
    return InvalidParameterValue(
        "The parameter OutputFormat must be a value in the set [ json, opentelemetry0.7, "
        "opentelemetry1.0 ].");
  }
  json stat_configs = json::array();
  if (stats != nullptr) {
    for (size_t i = 0; i < stats->size(); ++i) {
      const std::string p = detail::MemberPath("StatisticsConfigurations", i);
      if (!r.CheckObject((*stats)[i], p)) return r.error();
      const json* metrics = r.List((*stats)[i], p, "IncludeMetrics", true, 100);
      const json* additional = r.List((*stats)[i], p, "AdditionalStatistics", true, 20);
      if (r.failed()) return r.error();
      stat_configs.push_back({{"IncludeMetrics", *metrics}, {"AdditionalStatistics", *additional}});
    }
  }
  std::map<std::string, std::string> tag_map;
  if (tags != nullptr) {
    for (size_t i = 0; i < tags->size(); ++i) {
      const std::string p = detail::MemberPath("Tags", i);
      if (!r.CheckObject((*tags)[i], p)) return r.error();
      auto k = r.String((*tags)[i], p, "Key", true, 1, 128);
      auto v = r.String((*tags)[i], p, "Value", true, 0, 256);
      if (r.failed()) return r.error();
      tag_map[*k] = *v;
    }
  }
  json definition = {{"IncludeFilters", *include},
                     {"ExcludeFilters", *exclude},
                     {"RoleArn", *role},
                     {"StatisticsConfigurations", stat_configs},
                     {"IncludeLinkedAccountsMetrics", linked.value_or(false)}};
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s = ctx.resources->Update(
      ctx.partition, ResourceKind::kMetricStream, *name, ctx.clock.NowMillis(), {},
      [&](const ResourceRecord* current, ResourceRecord* out) {
        if (current != nullptr) *out = *current;
        out->fields["definition"] = definition.dump();
        out->fields["firehose"] = *firehose;
        out->fields["format"] = *format;
        if (current == nullptr) {
          out->fields["state"] = "running";
          out->tags = tag_map;
        }
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return json{{"Arn", StreamArn(ctx.partition, *name)}};
}

ApiResult HandleGetMetricStream(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "Name", true, 1, 255);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoResourceStore();
  auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kMetricStream, *name);
  if (!rec.ok()) {
    if (rec.status().code() == storage::Status::Code::kNotFound) {
      ApiError e = ResourceNotFound("The metric stream " + *name + " does not exist.");
      e.extra_fields = {{"ResourceType", "MetricStream"}, {"ResourceId", *name}};
      return e;
    }
    return FromStorage(rec.status());
  }
  return Describe(ctx.partition, *rec, true);
}

ApiResult HandleListMetricStreams(const json& request, Context& ctx) {
  Reader r;
  auto max = r.Integer(request, "", "MaxResults", false);
  auto token = r.String(request, "", "NextToken", false, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (auto e = CheckMaxResults(max, kMaxMetricStreamPage)) return *e;
  return ListResourcePage(ctx, ResourceKind::kMetricStream, "", kListStreamsToken, token,
                          max.value_or(kMaxMetricStreamPage), "Entries",
                          [&](const ResourceRecord& rec) -> std::optional<json> {
                            return Describe(ctx.partition, rec, false);
                          });
}

ApiResult HandleDeleteMetricStream(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "Name", true, 1, 255);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s = ctx.resources->Delete(ctx.partition, ResourceKind::kMetricStream, *name);
  // Deleting a stream that does not exist succeeds. [unsure]
  if (!s.ok() && s.code() != storage::Status::Code::kNotFound) return FromStorage(s);
  return json::object();
}

ApiResult HandleStartMetricStreams(const json& request, Context& ctx) {
  return SetStreamsState(request, ctx, "running");
}

ApiResult HandleStopMetricStreams(const json& request, Context& ctx) {
  return SetStreamsState(request, ctx, "stopped");
}

ApiResult HandleGetOTelEnrichment(const json& /*request*/, Context& ctx) {
  if (ctx.resources == nullptr) return NoResourceStore();
  auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kOTelEnrichment, kOTelName);
  if (!rec.ok()) {
    if (rec.status().code() == storage::Status::Code::kNotFound) {
      return json{{"Status", "Stopped"}};
    }
    return FromStorage(rec.status());
  }
  const std::string status = rec->FieldOrEmpty("status");
  return json{{"Status", status.empty() ? "Stopped" : status}};
}

ApiResult HandleStartOTelEnrichment(const json& /*request*/, Context& ctx) {
  return SetOTel(ctx, "Running");
}

ApiResult HandleStopOTelEnrichment(const json& /*request*/, Context& ctx) {
  return SetOTel(ctx, "Stopped");
}

}  // namespace cwlogd::api::cloudwatch::resources
