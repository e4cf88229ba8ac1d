// What a Logs or CloudWatch handler returns: a json value, a pre-rendered JSON text, or an
// ApiError. Its own header so handlers need not include the dispatcher (api/dispatch.h).
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"

namespace cwlogd::api {

// A success body already written as JSON text (api/detail/json_text.h). The responses that
// carry pages of events use it: building a DOM of 10,000 events only to dump it cost most of
// such a call. Every other operation answers with a json value.
struct RenderedJson {
  std::string text;
};

namespace live_tail {
class LiveTailSession;  // api/live_tail/live_tail_hub.h
}

// A streamed success (StartLiveTail): server/ answers 200 application/vnd.amazon.eventstream
// and writes the session's event-stream messages as they come (docs/live.md).
struct EventStreamResult {
  std::shared_ptr<live_tail::LiveTailSession> session;
};

using ApiResult = std::variant<nlohmann::json, ApiError, RenderedJson, EventStreamResult>;

}  // namespace cwlogd::api
