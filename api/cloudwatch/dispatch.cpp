#include <string_view>

#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch {
namespace {

struct Operation {
  std::string_view name;
  Handler handle;
};

// Operation name -> handler. New operation = one new file + one line here.
constexpr Operation kOperations[] = {
    {"PutMetricData", &HandlePutMetricData},
    {"GetMetricStatistics", &HandleGetMetricStatistics},
    {"GetMetricData", &HandleGetMetricData},
    {"ListMetrics", &HandleListMetrics},
};

}  // namespace

bool IsKnownOperation(std::string_view operation) {
  for (const auto& op : kOperations) {
    if (op.name == operation) return true;
  }
  return false;
}

ApiResult Dispatch(std::string_view operation, const nlohmann::json& request, Context& ctx) {
  for (const auto& op : kOperations) {
    if (op.name != operation) continue;
    if (!request.is_object()) {
      return ApiError::Serialization("The request body must be a structure.");
    }
    return op.handle(request, ctx);
  }
  return ApiError::UnknownOperation("Operation " + std::string(operation) +
                                    " is not supported by this server.");
}

}  // namespace cwlogd::api::cloudwatch
