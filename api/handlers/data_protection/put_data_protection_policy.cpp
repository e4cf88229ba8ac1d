// PutDataProtectionPolicy: stores a log group's data protection policy after checking its shape.
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/data_protection/data_protection_policy.h"

namespace cwlogd::api {

ApiResult HandlePutDataProtectionPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  auto document = in.String("policyDocument", detail::kAnyStringRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = detail::FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  storage::ResourceStore* store = std::get<detail::GroupResourceTarget>(target).store;
  const std::string& name = std::get<detail::GroupResourceTarget>(target).group;
  if (auto e = data_protection::CheckPolicyDocument(*document)) return *e;
  const int64_t now = ctx.clock.NowMillis();
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kDataProtectionPolicy, name, now, {},
                    [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                      out->fields["policyDocument"] = *document;
                      return storage::Status::OK();
                    });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{
      {"logGroupIdentifier", name}, {"policyDocument", *document}, {"lastUpdatedTime", now}};
}

}  // namespace cwlogd::api
