#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleListTagsForResource(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto arn = in.String("resourceArn", kResourceArnRule, /*required=*/true);
  if (in.failed()) return in.error();
  ApiError error;
  auto group = detail::GroupFromResourceArn(ctx, *arn, &error);
  if (!group) return error;
  return detail::ListGroupTags(ctx, *group);
}

}  // namespace cwlogd::api
