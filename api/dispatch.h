// Entry point from server/ into the Logs API: X-Amz-Target + JSON body -> JSON result or
// ApiError. Thread-safe; handlers are stateless apart from the store.
#pragma once

#include <string_view>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

// `target` is the whole X-Amz-Target value, e.g. "Logs_20140328.PutLogEvents". Unknown
// targets give UnknownOperationException; a body that is not a JSON object, too deep, or with
// a member of the wrong type gives SerializationException; an exception escaping a handler gives
// ServiceUnavailableException. Never throws.
ApiResult Dispatch(std::string_view target, std::string_view body, Context& ctx);

}  // namespace cwlogd::api
