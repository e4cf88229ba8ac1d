// GetLogObject: a large log object (LLO), the part of an oversized field PutOpenTelemetryLogs
// moved out of its event, fetched by the @ptr.$[...] pointer a query returned. cwlogd has no
// PutOpenTelemetryLogs and so holds no LLO: a well-formed pointer names nothing
// (ResourceNotFoundException), as a pointer to an expired object does on AWS.
#include "api/detail/common.h"
#include "api/handlers/data_source_handlers.h"

namespace cwlogd::api {
namespace {

const StringRule kLogObjectPointerRule{1, 512, "", nullptr, false};

}  // namespace

ApiResult HandleGetLogObject(const nlohmann::json& request, Context& ctx) {
  (void)ctx;
  RequestReader in(request);
  (void)in.Bool("unmask");
  (void)in.String("logObjectPointer", kLogObjectPointerRule, true);
  if (in.failed()) return in.error();
  return ApiError::ResourceNotFound("The specified log object does not exist.");
}

}  // namespace cwlogd::api
