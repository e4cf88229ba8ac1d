#include "api/api_error.h"

#include <string>

namespace cwlogd::api {
namespace {

using Status = storage::Status;

// AWS's texts are "The specified <resource> does not exist." / "... already exists" (no period on
// the latter, observed).
std::string SpecifiedResource(Status::Resource r) {
  return std::string("The specified ") + Status::ResourceName(r);
}

// Today's client texts for a refused precondition. Handlers that own a better AWS text
// (DeleteLogGroup, PutMetricFilter, TagResource) check the precondition before reaching here.
ApiError FromPrecondition(Status::Precondition p) {
  switch (p) {
    case Status::Precondition::kDeletionProtection:
    case Status::Precondition::kMetricFilterLimit:
    case Status::Precondition::kTooManyTags:
      return ApiError::Validation(Status::PreconditionName(p));
    case Status::Precondition::kResourceLimit:
    case Status::Precondition::kQueryDefinitionLimit:
      return ApiError::LimitExceeded();  // "Resource limit exceeded." (limits.md)
    case Status::Precondition::kClientTokenReused:
      // AWS's text (and code) are not recorded; the model offers no IdempotentParameterMismatch.
      return ApiError::InvalidParameter(
          "The clientToken was already used with a different request.");
    case Status::Precondition::kNone:
      break;
  }
  return ApiError::Validation("failed precondition");
}

}  // namespace

ApiError FromStorage(const Status& s) {
  using Code = Status::Code;
  switch (s.code()) {
    case Code::kNotFound:
      return ApiError::ResourceNotFound(SpecifiedResource(s.resource()) + " does not exist.");
    case Code::kAlreadyExists:
      return ApiError::ResourceAlreadyExists(SpecifiedResource(s.resource()) + " already exists");
    case Code::kInvalidArgument:
      return ApiError::InvalidParameter(s.message());
    case Code::kFailedPrecondition:
      return FromPrecondition(s.precondition());
    case Code::kOk:  // not an error; a caller bug, reported rather than crashing
    case Code::kCorruption:
    case Code::kIOError:
      break;
  }
  // Server-side failure: 500, which SDKs retry. The detail (RocksDB text, file paths) stays in
  // s.message() for the server log; the client gets a fixed text.
  return ApiError::ServiceUnavailable("The service cannot complete the request.");
}

}  // namespace cwlogd::api
