// Contributor Insights rules: PutInsightRule, DescribeInsightRules, DeleteInsightRules,
// EnableInsightRules, DisableInsightRules, GetInsightRuleReport (no contributors: nothing is
// evaluated), PutManagedInsightRules, ListManagedInsightRules.
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/resources/resource_handlers.h"

namespace cwlogd::api::cloudwatch::resources {
namespace {

using detail::Reader;
using nlohmann::json;
using storage::ResourceKind;
using storage::ResourceRecord;

constexpr std::string_view kDescribeRulesToken = "DescribeInsightRules";
constexpr std::string_view kManagedTokenKind = "ListManagedInsightRules";
// Managed rules share the kind, named "\x01" <resource ARN> '\0' <template>: a first byte no
// RuleName holds (printable ASCII), so they never meet the user's rules.
constexpr char kManagedMark = '\x01';

bool PrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::optional<ApiError> CheckRuleName(const std::string& name, std::string_view member) {
  if (name.empty() || name.size() > 128 || !PrintableAscii(name)) {
    return InvalidParameterValue("The parameter " + std::string(member) +
                                 " must be 1 to 128 printable ASCII characters.");
  }
  return std::nullopt;
}

// RuleNames of Delete/Enable/Disable -> names, or the error.
std::variant<std::vector<std::string>, ApiError> ReadRuleNames(const json& request) {
  Reader r;
  const json* names = r.List(request, "", "RuleNames", true, kMaxNamesPerCall);
  if (r.failed()) return r.error();
  std::vector<std::string> out;
  for (size_t i = 0; i < names->size(); ++i) {
    const json& n = (*names)[i];
    const std::string member = detail::MemberPath("RuleNames", i);
    if (!n.is_string())
      return InvalidParameterValue("The parameter " + member + " must be a string.");
    if (auto e = CheckRuleName(n.get<std::string>(), member)) return *e;
    out.push_back(n.get<std::string>());
  }
  return out;
}

json Failure(const std::string& name) {
  return {{"FailureResource", name},
          {"ExceptionType", "ResourceNotFoundException"},
          {"FailureCode", "404"},  // [unsure]
          {"FailureDescription", "Rule " + name + " does not exist."}};
}

ApiResult SetState(const json& request, Context& ctx, std::string_view state) {
  auto parsed = ReadRuleNames(request);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  if (ctx.resources == nullptr) return NoResourceStore();
  json failures = json::array();
  for (const auto& name : std::get<std::vector<std::string>>(parsed)) {
    storage::Status s = ctx.resources->Update(
        ctx.partition, ResourceKind::kInsightRule, name, ctx.clock.NowMillis(), {},
        [&](const ResourceRecord* current, ResourceRecord* out) {
          if (current == nullptr)
            return storage::Status::NotFound(storage::Status::Resource::kResource);
          *out = *current;
          out->fields["state"] = std::string(state);
          return storage::Status::OK();
        });
    if (s.code() == storage::Status::Code::kNotFound) {
      failures.push_back(Failure(name));
    } else if (!s.ok()) {
      return FromStorage(s);
    }
  }
  return json{{"Failures", std::move(failures)}};
}

std::string AggregationOf(const std::string& definition) {
  json d = json::parse(definition, nullptr, false);
  if (d.is_object()) {
    auto it = d.find("AggregateOn");
    if (it != d.end() && it->is_string()) return it->get<std::string>() == "Sum" ? "Sum" : "Count";
  }
  return "Count";
}

}  // namespace

ApiResult HandlePutInsightRule(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "RuleName", true, 0, SIZE_MAX);
  auto state = r.String(request, "", "RuleState", false, 0, SIZE_MAX);
  auto definition = r.String(request, "", "RuleDefinition", true, 0, SIZE_MAX);
  const json* tags = r.List(request, "", "Tags", false, 50);
  auto transformed = r.Bool(request, "", "ApplyOnTransformedLogs");
  if (r.failed()) return r.error();
  if (auto e = CheckRuleName(*name, "RuleName")) return *e;
  const std::string rule_state = state.value_or("ENABLED");
  if (rule_state != "ENABLED" && rule_state != "DISABLED") {
    return InvalidParameterValue("The parameter RuleState must be ENABLED or DISABLED.");
  }
  if (definition->empty() || definition->size() > 8192) {
    return InvalidParameterValue("The parameter RuleDefinition must be 1 to 8192 characters.");
  }
  json parsed = json::parse(*definition, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidParameterValue("The rule definition is not valid JSON.");  // [unsure] text
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
  if (ctx.resources == nullptr) return NoResourceStore();
  storage::Status s =
      ctx.resources->Update(ctx.partition, ResourceKind::kInsightRule, *name, ctx.clock.NowMillis(),
                            {}, [&](const ResourceRecord* current, ResourceRecord* out) {
                              if (current != nullptr) *out = *current;
                              out->fields["state"] = rule_state;
                              out->fields["definition"] = *definition;
                              out->fields["transformed"] = transformed.value_or(false) ? "1" : "0";
                              if (current == nullptr)
                                out->tags = tag_map;  // tags only at creation, as CloudWatch
                              return storage::Status::OK();
                            });
  if (!s.ok()) return FromStorage(s);
  return json::object();
}

ApiResult HandleDescribeInsightRules(const json& request, Context& ctx) {
  Reader r;
  auto max = r.Integer(request, "", "MaxResults", false);
  auto token = r.String(request, "", "NextToken", false, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (auto e = CheckMaxResults(max, kMaxInsightRulePage)) return *e;
  return ListResourcePage(ctx, ResourceKind::kInsightRule, "", kDescribeRulesToken, token,
                          max.value_or(kMaxInsightRulePage), "InsightRules",
                          [](const ResourceRecord& rec) -> std::optional<json> {
                            if (!rec.name.empty() && rec.name[0] == kManagedMark)
                              return std::nullopt;  // managed
                            return json{
                                {"Name", rec.name},
                                {"State", rec.FieldOrEmpty("state")},
                                {"Schema", "CloudWatchLogRule/1"},
                                {"Definition", rec.FieldOrEmpty("definition")},
                                {"ManagedRule", false},
                                {"ApplyOnTransformedLogs", rec.FieldOrEmpty("transformed") == "1"}};
                          });
}

ApiResult HandleDeleteInsightRules(const json& request, Context& ctx) {
  auto parsed = ReadRuleNames(request);
  if (auto* e = std::get_if<ApiError>(&parsed)) return *e;
  if (ctx.resources == nullptr) return NoResourceStore();
  json failures = json::array();
  for (const auto& name : std::get<std::vector<std::string>>(parsed)) {
    storage::Status s = ctx.resources->Delete(ctx.partition, ResourceKind::kInsightRule, name);
    if (s.code() == storage::Status::Code::kNotFound) {
      failures.push_back(Failure(name));
    } else if (!s.ok()) {
      return FromStorage(s);
    }
  }
  return json{{"Failures", std::move(failures)}};
}

ApiResult HandleEnableInsightRules(const json& request, Context& ctx) {
  return SetState(request, ctx, "ENABLED");
}

ApiResult HandleDisableInsightRules(const json& request, Context& ctx) {
  return SetState(request, ctx, "DISABLED");
}

ApiResult HandleGetInsightRuleReport(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "RuleName", true, 0, SIZE_MAX);
  auto start = r.TimestampMillis(request, "", "StartTime", true);
  auto end = r.TimestampMillis(request, "", "EndTime", true);
  auto period = r.Integer(request, "", "Period", true);
  auto max = r.Integer(request, "", "MaxContributorCount", false);
  const json* metrics = r.List(request, "", "Metrics", false, 20);
  auto order = r.String(request, "", "OrderBy", false, 1, 32);
  if (r.failed()) return r.error();
  if (auto e = CheckRuleName(*name, "RuleName")) return *e;
  if (*period < 1) return InvalidParameterValue("The parameter Period must be at least 1.");
  if (*start >= *end) {
    return InvalidParameterValue(
        "The parameter StartTime must be less than the parameter EndTime.");
  }
  if (max && (*max < 1 || *max > 100)) {
    return InvalidParameterValue("The parameter MaxContributorCount must be between 1 and 100.");
  }
  static constexpr std::string_view kMetrics[] = {"UniqueContributors",
                                                  "MaxContributorValue",
                                                  "SampleCount",
                                                  "Average",
                                                  "Sum",
                                                  "Minimum",
                                                  "Maximum"};
  if (metrics != nullptr) {
    for (const json& m : *metrics) {
      bool ok = false;
      for (auto k : kMetrics) ok = ok || (m.is_string() && m.get<std::string>() == k);
      if (!ok) {
        return InvalidParameterValue(
            "The parameter Metrics must hold values in the set [ UniqueContributors, "
            "MaxContributorValue, SampleCount, Average, Sum, Minimum, Maximum ].");
      }
    }
  }
  if (ctx.resources == nullptr) return NoResourceStore();
  auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kInsightRule, *name);
  if (!rec.ok()) {
    if (rec.status().code() == storage::Status::Code::kNotFound) {
      return ResourceNotFound("Rule " + *name + " does not exist.");
    }
    return FromStorage(rec.status());
  }
  return json{{"KeyLabels", json::array()},
              {"AggregationStatistic", AggregationOf(rec->FieldOrEmpty("definition"))},
              {"AggregateValue", 0.0},
              {"ApproximateUniqueCount", 0},
              {"Contributors", json::array()},
              {"MetricDatapoints", json::array()}};
}

ApiResult HandlePutManagedInsightRules(const json& request, Context& ctx) {
  Reader r;
  const json* rules = r.List(request, "", "ManagedRules", true, 100);
  if (r.failed()) return r.error();
  struct Wanted {
    std::string template_name;
    std::string arn;
  };
  std::vector<Wanted> wanted;
  for (size_t i = 0; i < rules->size(); ++i) {
    const std::string p = detail::MemberPath("ManagedRules", i);
    if (!r.CheckObject((*rules)[i], p)) return r.error();
    auto t = r.String((*rules)[i], p, "TemplateName", true, 1, 128);
    auto arn = r.String((*rules)[i], p, "ResourceARN", true, 1, 1024);
    if (r.failed()) return r.error();
    if (arn->rfind("arn:", 0) != 0) {
      return InvalidParameterValue("The parameter " + p + ".ResourceARN must be an ARN.");
    }
    wanted.push_back({*t, *arn});
  }
  if (ctx.resources == nullptr) return NoResourceStore();
  for (const auto& w : wanted) {
    const std::string key = std::string(1, kManagedMark) + w.arn + '\0' + w.template_name;
    storage::Status s =
        ctx.resources->Update(ctx.partition, ResourceKind::kInsightRule, key, ctx.clock.NowMillis(),
                              {}, [&](const ResourceRecord*, ResourceRecord* out) {
                                out->fields["template"] = w.template_name;
                                out->fields["arn"] = w.arn;
                                out->fields["state"] = "ENABLED";
                                return storage::Status::OK();
                              });
    if (!s.ok()) return FromStorage(s);
  }
  return json{{"Failures", json::array()}};
}

ApiResult HandleListManagedInsightRules(const json& request, Context& ctx) {
  Reader r;
  auto arn = r.String(request, "", "ResourceARN", true, 1, 1024);
  auto max = r.Integer(request, "", "MaxResults", false);
  auto token = r.String(request, "", "NextToken", false, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (auto e = CheckMaxResults(max, kMaxInsightRulePage)) return *e;
  const std::string prefix = std::string(1, kManagedMark) + *arn + '\0';
  return ListResourcePage(
      ctx, ResourceKind::kInsightRule, prefix, kManagedTokenKind, token, max.value_or(100),
      "ManagedRules", [](const ResourceRecord& rec) -> std::optional<json> {
        const std::string t = rec.FieldOrEmpty("template");
        return json{{"TemplateName", t},
                    {"ResourceARN", rec.FieldOrEmpty("arn")},
                    {"RuleState", {{"RuleName", t}, {"State", rec.FieldOrEmpty("state")}}}};
      });
}

}  // namespace cwlogd::api::cloudwatch::resources
