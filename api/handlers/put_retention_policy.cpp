#include <algorithm>

#include <fmt/format.h>

#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

// The model's allowed retentionInDays values (AWS API reference, PutRetentionPolicy).
constexpr int32_t kRetentionDays[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                      365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

}  // namespace

ApiResult HandlePutRetentionPolicy(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, /*required=*/true);
  auto days = in.Integer("retentionInDays", NumberRule{}, /*required=*/true);
  if (in.failed()) return in.error();
  if (std::find(std::begin(kRetentionDays), std::end(kRetentionDays), *days) ==
      std::end(kRetentionDays)) {
    // AWS's 2018 text, with today's list of values.
    return ApiError::InvalidParameter(fmt::format("Invalid retention value. Valid values are: [{}]",
                                                  fmt::join(kRetentionDays, ", ")));
  }
  storage::Status s =
      ctx.store.UpdateLogGroup(ctx.partition, *group, [&](storage::LogGroupInfo& g) {
        g.retention_days = *days;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
