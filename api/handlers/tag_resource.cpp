#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleTagResource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto arn = in.String("resourceArn", kResourceArnRule, /*required=*/true);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule, true);
  if (in.failed()) return in.error();
  if (auto e = detail::CheckTagKeys(*tags)) return *e;
  ApiError error;
  auto group = detail::GroupFromResourceArn(ctx, *arn, &error);
  if (!group) return error;
  return detail::TagGroup(ctx, *group, *tags, *arn);
}

}  // namespace cwlogd::api
