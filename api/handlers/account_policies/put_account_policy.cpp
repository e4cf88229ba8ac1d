// PutAccountPolicy: creates or replaces one policy of a type for the whole account and region.
#include <fmt/format.h>

#include "api/detail/resources.h"
#include "api/handlers/account_policies/account_policy.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/data_protection/data_protection_policy.h"
#include "api/handlers/index_policies/index_policy.h"

namespace cwlogd::api {

namespace account_policies {

std::string TypePrefix(std::string_view type) { return std::string(type) + '\0'; }

std::string RecordName(std::string_view type, std::string_view name) {
  return TypePrefix(type) + std::string(name);
}

nlohmann::json PolicyJson(const Context& ctx, const storage::ResourceRecord& r) {
  const size_t split = r.name.find('\0');
  nlohmann::json out = {{"policyName", r.name.substr(split + 1)}};
  out["policyDocument"] = r.FieldOrEmpty("policyDocument");
  out["lastUpdatedTime"] = r.last_updated_ms;
  out["policyType"] = r.name.substr(0, split);
  out["scope"] = r.FieldOrEmpty("scope");
  if (r.fields.contains("selectionCriteria"))
    out["selectionCriteria"] = r.FieldOrEmpty("selectionCriteria");
  out["accountId"] = ctx.partition.account;
  return out;
}

}  // namespace account_policies

namespace {

// Account-level policies of one type an account may hold per region (AWS API reference,
// PutAccountPolicy; the last two are not documented there and follow the closest documented one).
size_t MaxPolicies(std::string_view type) {
  if (type == "DATA_PROTECTION_POLICY") return 1;
  if (type == "SUBSCRIPTION_FILTER_POLICY") return 2;
  if (type == "METRIC_EXTRACTION_POLICY") return 1;
  return 20;  // FIELD_INDEX_POLICY, TRANSFORMER_POLICY
}

}  // namespace

ApiResult HandlePutAccountPolicy(const nlohmann::json& request, Context& ctx) {
  using namespace account_policies;  // NOLINT(google-build-using-namespace)
  RequestReader in(request);
  auto name = in.String("policyName", detail::kAnyStringRule, /*required=*/true);
  auto document = in.String("policyDocument", detail::kAnyStringRule, /*required=*/true);
  auto type = in.Enum("policyType", kPolicyTypes, /*required=*/true);
  auto scope = in.Enum("scope", kScopes);
  auto selection = in.String("selectionCriteria", detail::kAnyStringRule);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  if (name->empty()) return ApiError::InvalidParameter("policyName must not be empty.");
  if (*type == "DATA_PROTECTION_POLICY") {
    if (auto e = data_protection::CheckPolicyDocument(*document)) return *e;
    if (selection) {
      // AWS applies an account-level data protection policy to every group; text is ours.
      return ApiError::InvalidParameter(
          "selectionCriteria is not supported for policyType DATA_PROTECTION_POLICY.");
    }
  } else if (*type == "FIELD_INDEX_POLICY") {
    auto fields = index_policies::ParseIndexFields(*document);
    if (auto* e = std::get_if<ApiError>(&fields)) return *e;
  } else if (auto e = detail::CheckJsonObject(*document, "policyDocument")) {
    return *e;
  }
  const std::string key = RecordName(*type, *name);
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kAccountPolicy, key, ctx.clock.NowMillis(),
      storage::ResourceLimit{MaxPolicies(*type), TypePrefix(*type)},
      [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
        out->fields["policyDocument"] = *document;
        out->fields["scope"] = scope.value_or("ALL");
        if (selection) out->fields["selectionCriteria"] = *selection;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kAccountPolicy, key);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"accountPolicy", PolicyJson(ctx, *r)}};
}

}  // namespace cwlogd::api
