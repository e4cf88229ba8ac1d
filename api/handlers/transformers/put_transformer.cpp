// PutTransformer: creates or replaces the transformer of a log group (Standard class only).
#include "api/detail/resources.h"
#include "api/handlers/transformers/transformer_handlers.h"

namespace cwlogd::api {

ApiResult HandlePutTransformer(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto identifier = in.String("logGroupIdentifier", kLogGroupIdentifierRule, /*required=*/true);
  std::string config_text;
  std::optional<ApiError> rule_error;
  auto transformer = transformer_detail::ReadConfig(request, in, &config_text, &rule_error);
  if (in.failed()) return in.error();
  if (rule_error) return *rule_error;
  auto target = detail::FindGroupResource(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  storage::ResourceStore* store = std::get<detail::GroupResourceTarget>(target).store;
  const std::string& name = std::get<detail::GroupResourceTarget>(target).group;
  auto group = ctx.store.GetLogGroup(ctx.partition, name);
  if (!group.ok()) return FromStorage(group.status());
  if (group->log_group_class != "STANDARD") {
    // AWS: "You can create transformers only for the log groups in the Standard log class."
    // Its error text is unknown; the type is the model's InvalidOperationException.
    return ApiError{"InvalidOperationException",
                    "Transformers can only be created for log groups in the STANDARD log class.",
                    400};
  }
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kTransformer, name, ctx.clock.NowMillis(),
                    {}, [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                      out->fields["transformerConfig"] = config_text;
                      return storage::Status::OK();
                    });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
