// UntagLogGroup (deprecated): `tags` is a list of keys (at least one).
#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleUntagLogGroup(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto keys = in.StringList("tags", ListRule{1}, kTagKeyRule, true);
  if (in.failed()) return in.error();
  return detail::UntagGroup(ctx, *group, *keys);
}

}  // namespace cwlogd::api
