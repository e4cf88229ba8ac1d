// PutResourcePolicy: creates or replaces an ACCOUNT policy (policyName) or the RESOURCE policy of
// a log group (resourceArn).
#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/resource_policies/resource_policy.h"

namespace cwlogd::api {

namespace resource_policies {

nlohmann::json PolicyJson(const Context& ctx, storage::ResourceKind kind,
                          const storage::ResourceRecord& r) {
  auto document = r.fields.find(std::string(kDocument));
  nlohmann::json out = {
      {"policyDocument", document == r.fields.end() ? std::string() : document->second},
      {"lastUpdatedTime", r.last_updated_ms}};
  if (kind == storage::ResourceKind::kResourcePolicy) {
    out["policyName"] = r.name;
    out["policyScope"] = "ACCOUNT";
  } else {
    out["policyScope"] = "RESOURCE";
    out["resourceArn"] = detail::LogGroupArn(ctx.partition, r.name);
  }
  out["revisionId"] = detail::RevisionId(r);
  return out;
}

}  // namespace resource_policies

ApiResult HandlePutResourcePolicy(const nlohmann::json& request, Context& ctx) {
  using namespace resource_policies;  // NOLINT(google-build-using-namespace)
  RequestReader in(request);
  auto name = in.String("policyName", detail::kAnyStringRule);
  auto document = in.String("policyDocument", detail::kPolicyDocumentRule, /*required=*/true);
  auto resource_arn = in.String("resourceArn", detail::kAnyStringRule);
  auto expected = in.String("expectedRevisionId", detail::kNonEmptyRule);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  if (name.has_value() == resource_arn.has_value()) {
    // AWS takes exactly one of the two; its text is unknown.
    return ApiError::InvalidParameter(
        "Exactly one of policyName and resourceArn must be specified.");
  }
  if (name && name->empty()) return ApiError::InvalidParameter("policyName must not be empty.");
  if (document->size() > kMaxDocumentChars) {
    return ApiError::InvalidParameter(fmt::format(
        "The policyDocument must not be longer than {} characters.", kMaxDocumentChars));
  }
  if (auto e = detail::CheckJsonObject(*document, "policyDocument")) return *e;

  storage::ResourceKind kind = storage::ResourceKind::kResourcePolicy;
  std::string key;
  storage::ResourceLimit limit;
  if (name) {
    key = *name;
    limit.max_count = kMaxAccountPolicies;
  } else {
    auto group = detail::ResolveLogGroupIdentifier(ctx.partition, *resource_arn);
    if (!group) return detail::LogGroupNotFound();  // only log groups take resource policies here
    kind = storage::ResourceKind::kGroupResourcePolicy;
    key = *group;
  }
  storage::ResourceRecord stored;
  storage::Status s = store->Update(
      ctx.partition, kind, key, ctx.clock.NowMillis(), limit,
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (expected && (current == nullptr || detail::RevisionId(*current) != *expected)) {
          return storage::Status::InvalidArgument("revision");
        }
        out->fields[std::string(kDocument)] = *document;
        return storage::Status::OK();
      });
  if (s.code() == storage::Status::Code::kInvalidArgument) {
    // The model lists OperationAbortedException for a concurrent change; the text is ours.
    return ApiError::OperationAborted(
        "The expectedRevisionId does not match the policy's current revision.");
  }
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, kind, key);
  if (!r.ok()) return FromStorage(r.status());
  nlohmann::json policy = PolicyJson(ctx, kind, *r);
  nlohmann::json out = {{"resourcePolicy", policy}};
  out["revisionId"] = policy["revisionId"];
  return out;
}

}  // namespace cwlogd::api
