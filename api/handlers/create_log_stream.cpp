#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {

ApiResult HandleCreateLogStream(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto stream = in.String("logStreamName", kLogStreamNameRule, /*required=*/true);
  if (in.failed()) return in.error();
  storage::Status s =
      ctx.store.CreateLogStream(ctx.partition, *group, *stream, ctx.clock.NowMillis());
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
