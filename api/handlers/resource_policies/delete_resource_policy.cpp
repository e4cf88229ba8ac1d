// DeleteResourcePolicy: by policyName (ACCOUNT) or resourceArn (RESOURCE).
#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/resource_policies/resource_policy.h"

namespace cwlogd::api {

ApiResult HandleDeleteResourcePolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("policyName", detail::kAnyStringRule);
  auto resource_arn = in.String("resourceArn", detail::kAnyStringRule);
  auto expected = in.String("expectedRevisionId", detail::kNonEmptyRule);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  if (name.has_value() == resource_arn.has_value()) {
    return ApiError::InvalidParameter(
        "Exactly one of policyName and resourceArn must be specified.");
  }
  // AWS's text, observed through CloudFormation: "Policy with name [ESLogPolicy] does not exist."
  const ApiError not_found = ApiError::ResourceNotFound(
      name ? fmt::format("Policy with name [{}] does not exist.", *name)
           : fmt::format("Policy for resource [{}] does not exist.", *resource_arn));
  storage::ResourceKind kind = storage::ResourceKind::kResourcePolicy;
  std::string key;
  if (name) {
    key = *name;
  } else {
    auto group = detail::ResolveLogGroupIdentifier(ctx.partition, *resource_arn);
    if (!group) return not_found;
    kind = storage::ResourceKind::kGroupResourcePolicy;
    key = *group;
  }
  storage::Status s =
      store->Delete(ctx.partition, kind, key, [&](const storage::ResourceRecord& current) {
        if (expected && detail::RevisionId(current) != *expected) {
          return storage::Status::InvalidArgument("revision");
        }
        return storage::Status::OK();
      });
  if (s.code() == storage::Status::Code::kInvalidArgument) {
    return ApiError::OperationAborted(
        "The expectedRevisionId does not match the policy's current revision.");
  }
  // A group-bound record of a missing group reports the group; the policy's text is clearer.
  if (s.IsNotFound()) return not_found;
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
