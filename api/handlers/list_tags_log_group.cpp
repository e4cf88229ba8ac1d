// ListTagsLogGroup (deprecated; same tag set as ListTagsForResource).
#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleListTagsLogGroup(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  return detail::ListGroupTags(ctx, *group);
}

}  // namespace cwlogd::api
