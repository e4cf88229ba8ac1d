#include "api/detail/common.h"
#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleCreateLogGroup(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto kms_key_id = in.String("kmsKeyId", kKmsKeyIdRule);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  auto log_group_class = in.Enum("logGroupClass", detail::kLogGroupClasses);
  auto deletion_protection = in.Bool("deletionProtectionEnabled");
  if (in.failed()) return in.error();
  if (auto e = detail::CheckReservedGroupName(*name)) return *e;
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }

  storage::LogGroupInfo info;
  info.name = *name;
  info.creation_time_ms = ctx.clock.NowMillis();
  if (log_group_class) info.log_group_class = *log_group_class;
  if (kms_key_id && !kms_key_id->empty()) info.kms_key_id = *kms_key_id;
  info.deletion_protection = deletion_protection.value_or(false);
  if (tags) info.tags = std::move(*tags);
  if (storage::Status s = ctx.store.CreateLogGroup(ctx.partition, std::move(info)); !s.ok()) {
    return FromStorage(s);
  }
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
