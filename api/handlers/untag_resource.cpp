#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleUntagResource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto arn = in.String("resourceArn", kResourceArnRule, /*required=*/true);
  auto keys = in.StringList("tagKeys", ListRule{0, detail::kMaxTagsPerResource}, kTagKeyRule, true);
  if (in.failed()) return in.error();
  ApiError error;
  auto target = detail::TaggableFromResourceArn(ctx, *arn, &error);
  if (!target) return error;
  return detail::UntagTaggable(ctx, *target, *keys);
}

}  // namespace cwlogd::api
