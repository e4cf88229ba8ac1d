// PutIndexPolicy: stores a log group's field index policy (it overrides account-level ones).
#include "api/detail/resources.h"
#include "api/handlers/account_resource_handlers.h"
#include "api/handlers/index_policies/index_policy.h"

namespace cwlogd::api {

ApiResult HandlePutIndexPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  auto document = in.String("policyDocument", detail::kPolicyDocumentRule, /*required=*/true);
  if (in.failed()) return in.error();
  auto target = detail::FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  storage::ResourceStore* store = std::get<detail::GroupResourceTarget>(target).store;
  const std::string& name = std::get<detail::GroupResourceTarget>(target).group;
  auto fields = index_policies::ParseIndexFields(*document);
  if (auto* e = std::get_if<ApiError>(&fields)) return *e;
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kIndexPolicy, name, ctx.clock.NowMillis(),
                    {}, [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                      out->fields["policyDocument"] = *document;
                      return storage::Status::OK();
                    });
  if (!s.ok()) return FromStorage(s);
  auto r = store->Get(ctx.partition, storage::ResourceKind::kIndexPolicy, name);
  if (!r.ok()) return FromStorage(r.status());
  return nlohmann::json{{"indexPolicy", index_policies::IndexPolicyJson(
                                            name, index_policies::EffectivePolicy{*r, false})}};
}

}  // namespace cwlogd::api
