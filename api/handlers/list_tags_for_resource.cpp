#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleListTagsForResource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto arn = in.String("resourceArn", kResourceArnRule, /*required=*/true);
  if (in.failed()) return in.error();
  ApiError error;
  auto target = detail::TaggableFromResourceArn(ctx, *arn, &error);
  if (!target) return error;
  return detail::ListTaggableTags(ctx, *target);
}

}  // namespace cwlogd::api
