#include "api/api_error.h"

#include <string_view>

namespace cwlogd::api {
namespace {

// Storage names the resource in its message ("log group", "log stream", "metric filter", ...);
// AWS's texts are "The specified <resource> does not exist." / "... already exists" (no period
// on the latter, observed).
std::string_view Resource(const storage::Status& s) {
  std::string_view m = s.message();
  for (std::string_view r : {"log stream", "log group", "metric filter", "subscription filter",
                             "export task", "destination", "query definition", "query"}) {
    if (m.find(r) != std::string_view::npos) return r;
  }
  return "resource";
}

}  // namespace

ApiError FromStorage(const storage::Status& s) {
  using Code = storage::Status::Code;
  switch (s.code()) {
    case Code::kNotFound:
      return ApiError::ResourceNotFound("The specified " + std::string(Resource(s)) +
                                        " does not exist.");
    case Code::kAlreadyExists:
      return ApiError::ResourceAlreadyExists("The specified " + std::string(Resource(s)) +
                                             " already exists");
    case Code::kInvalidArgument:
      return ApiError::InvalidParameter(s.message());
    case Code::kFailedPrecondition:
      return ApiError::Validation(s.message());
    case Code::kOk:  // not an error; a caller bug, reported rather than crashing
    case Code::kCorruption:
    case Code::kIOError:
      break;
  }
  // Server-side failure: 500, which SDKs retry.
  return ApiError::ServiceUnavailable("The service cannot complete the request: " + s.message());
}

}  // namespace cwlogd::api
