// TagLogGroup (deprecated; same tag set as TagResource).
#include "api/detail/tags.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleTagLogGroup(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule, true);
  if (in.failed()) return in.error();
  if (auto e = detail::CheckTagKeys(*tags)) return *e;
  return detail::TagGroup(ctx, *group, *tags, std::nullopt);
}

}  // namespace cwlogd::api
