// PutQueryDefinition (AWS API reference): saves a query (durable, storage's
// QueryDefinitionStore). With queryDefinitionId it updates that definition and replaces every
// field (an absent logGroupNames clears them); without, it creates one with a new id. At most
// kMaxDefinitions per partition. clientToken makes a retried request idempotent for
// kClientTokenWindowMs (docs/insights-api.md): a create retried with the same token and fields
// answers the first one's id instead of creating a second definition.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "storage/query_definition_store.h"

namespace cwlogd::api {
namespace {

constexpr size_t kMaxDefinitions = 1000;  // AWS's quota per region
// How long a clientToken is remembered (AWS does not say; 24 h covers any client's retries).
constexpr int64_t kClientTokenWindowMs = int64_t{24} * 60 * 60 * 1000;
const StringRule kNameRule{1, 255, "", nullptr, false};
const StringRule kDefinitionStringRule{1, insights::kMaxQueryLength, "", nullptr, false};
bool IsClientToken(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}
const StringRule kClientTokenRule{36, 128, "\\S{36,128}", &IsClientToken, false};
bool IsParameterName(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}
const StringRule kParameterNameRule{1, 128, "^[a-zA-Z_][a-zA-Z0-9_]*", &IsParameterName, false};
const StringRule kDefaultValueRule{0, 1024, "", nullptr, false};
const StringRule kDescriptionRule{0, 512, "", nullptr, false};

std::string DescribeParameter(const nlohmann::json& p) {
  auto member = [&p](const char* name) -> std::string {
    auto it = p.find(name);
    return it != p.end() && it->is_string() ? it->get<std::string>() : "null";
  };
  return fmt::format("QueryParameter(name={}, defaultValue={}, description={})", member("name"),
                     member("defaultValue"), member("description"));
}

// One element of `parameters`; problems are recorded in `in` under Coral's member paths.
storage::QueryParameter ReadParameter(RequestReader& in, const nlohmann::json& p, size_t index) {
  storage::QueryParameter out;
  const std::string base = fmt::format("parameters.{}.member.", index + 1);
  out.name = in.NestedString(p, base, "name", kParameterNameRule, true).value_or("");
  out.default_value = in.NestedString(p, base, "defaultValue", kDefaultValueRule, false);
  out.description = in.NestedString(p, base, "description", kDescriptionRule, false);
  return out;
}

}  // namespace

ApiResult HandlePutQueryDefinition(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto language = in.Enum("queryLanguage", detail::kQueryLanguages);
  auto name = in.String("name", kNameRule, true);
  auto id = in.String("queryDefinitionId", detail::kQueryIdRule);
  auto groups = in.StringList("logGroupNames", ListRule{}, kLogGroupNameRule);
  auto query_string = in.String("queryString", kDefinitionStringRule, true);
  auto client_token = in.String("clientToken", kClientTokenRule);
  const nlohmann::json* params =
      in.StructureList("parameters", ListRule{0, 20}, &DescribeParameter);
  storage::QueryDefinition def;
  if (params != nullptr) {
    for (size_t i = 0; i < params->size(); ++i)
      def.parameters.push_back(ReadParameter(in, (*params)[i], i));
  }
  if (in.failed()) return in.error();
  storage::QueryDefinitionStore* store = ctx.store.query_definition_store();
  if (store == nullptr)
    return ApiError::ServiceUnavailable("The service cannot complete the request.");

  def.id = id.value_or(detail::NewUuid());
  def.name = *name;
  def.query_string = *query_string;
  def.log_group_names = groups.value_or(std::vector<std::string>{});
  def.query_language = language.value_or("CWLI");
  def.last_modified_ms = ctx.clock.NowMillis();
  def.client_token = client_token.value_or("");
  auto written = store->PutQueryDefinition(ctx.partition, def, id.has_value(), kMaxDefinitions,
                                           def.last_modified_ms - kClientTokenWindowMs);
  if (!written.ok()) return FromStorage(written.status());
  return nlohmann::json{{"queryDefinitionId", *written}};
}

}  // namespace cwlogd::api
