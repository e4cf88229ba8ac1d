// Entry point from server/ into the Logs API: X-Amz-Target + JSON body -> JSON result or
// ApiError. Thread-safe; handlers are stateless apart from the store.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"

namespace cwlogd::api {

// A success body already written as JSON text (api/detail/json_text.h). The responses that
// carry pages of events use it: building a DOM of 10,000 events only to dump it cost most of
// such a call. Every other operation answers with a json value.
struct RenderedJson {
  std::string text;
};

using ApiResult = std::variant<nlohmann::json, ApiError, RenderedJson>;

// `target` is the whole X-Amz-Target value, e.g. "Logs_20140328.PutLogEvents". Unknown
// targets give UnknownOperationException; a body that is not a JSON object, too deep, or with
// a member of the wrong type gives SerializationException. Never throws.
ApiResult Dispatch(std::string_view target, std::string_view body, Context& ctx);

}  // namespace cwlogd::api
