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
  auto target = detail::TaggableFromResourceArn(ctx, *arn, &error);
  if (!target) return error;
  return detail::TagTaggable(ctx, *target, *tags, *arn);
}

}  // namespace cwlogd::api
