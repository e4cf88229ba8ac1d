// DeleteMetricFilter: remove one filter of a group.
#include "api/handlers/metric_filter_handlers.h"
#include "api/request_reader.h"
#include "storage/metric_store.h"

namespace cwlogd::api {

ApiResult HandleDeleteMetricFilter(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule, true);
  auto name = in.String(
      "filterName",
      StringRule{1, 512, "[^:*]*",
                 [](std::string_view s) { return s.find_first_of(":*") == std::string_view::npos; },
                 false},
      true);
  if (in.failed()) return in.error();
  storage::MetricStore* metrics = ctx.store.metric_store();
  if (metrics == nullptr) {
    return ApiError::ServiceUnavailable("Metric filters are not available on this store.");
  }
  if (storage::Status s = metrics->DeleteMetricFilter(ctx.partition, *group, *name); !s.ok()) {
    return FromStorage(s);
  }
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
