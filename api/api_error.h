// ApiError: the only error a handler returns; server/ renders it on the wire
// ({"__type", "message"} plus the HTTP status). Plain value type.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "storage/status.h"

namespace cwlogd::api {

struct ApiError {
  std::string type;       // short shape name, e.g. "ResourceNotFoundException" -> JSON "__type"
  std::string message;    // -> JSON "message"
  int http_status = 400;  // 500 only for ServiceUnavailableException / InternalFailure
  // Further modelled string members of the error body, e.g. {"resourceName", arn} for
  // TooManyTagsException. Rendered next to "__type" and "message". Default: none.
  std::vector<std::pair<std::string, std::string>> extra_fields = {};
  // Modelled structure members, as JSON text, e.g. {"queryCompileError", "{\"location\":...}"}
  // for MalformedQueryException. Rendered next to the others. Default: none.
  std::vector<std::pair<std::string, std::string>> extra_json = {};

  static ApiError InvalidParameter(std::string msg) {
    return {"InvalidParameterException", std::move(msg), 400};
  }
  static ApiError ResourceNotFound(std::string msg) {
    return {"ResourceNotFoundException", std::move(msg), 400};
  }
  static ApiError ResourceAlreadyExists(std::string msg) {
    return {"ResourceAlreadyExistsException", std::move(msg), 400};
  }
  static ApiError Validation(std::string msg) {
    return {"ValidationException", std::move(msg), 400};
  }
  static ApiError LimitExceeded(std::string msg = "Resource limit exceeded.") {
    return {"LimitExceededException", std::move(msg), 400};
  }
  static ApiError OperationAborted(std::string msg) {
    return {"OperationAbortedException", std::move(msg), 400};
  }
  static ApiError Serialization(std::string msg) {
    return {"SerializationException", std::move(msg), 400};
  }
  static ApiError UnknownOperation(std::string msg) {
    return {"UnknownOperationException", std::move(msg), 400};
  }
  static ApiError TooManyTags(std::string msg, std::string resource_name) {
    return {
        "TooManyTagsException", std::move(msg), 400, {{"resourceName", std::move(resource_name)}}};
  }
  static ApiError ServiceUnavailable(std::string msg) {
    return {"ServiceUnavailableException", std::move(msg), 500};
  }
};

// The ONE place a storage::Status becomes an ApiError (api_error.cpp).
ApiError FromStorage(const storage::Status& s);

}  // namespace cwlogd::api
