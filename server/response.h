// Building responses the way AWS JSON 1.1 services send them: request id, Date, content type,
// `{"__type","message"}` errors with X-Amzn-ErrorType. Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "server/http_types.h"

namespace cwlogd::server {

inline constexpr std::string_view kAmzJson11 = "application/x-amz-json-1.1";

// A random (version 4) UUID in lower-case 8-4-4-4-12 form.
std::string NewRequestId();

// RFC 1123 date of now, e.g. "Tue, 15 Nov 1994 08:12:31 GMT".
std::string HttpDateNow();

// Serializes JSON the one way the server does: compact, invalid UTF-8 replaced, never throws.
std::string DumpJson(const nlohmann::json& value);

// 200 (or `status`) with a JSON body; headers x-amzn-RequestId, Date, Content-Type.
HttpResponse JsonResponse(unsigned http_version, const std::string& request_id,
                          const nlohmann::json& body, unsigned status = 200,
                          std::string_view content_type = kAmzJson11);

// The same, with a body already written as JSON text (api::RenderedJson).
HttpResponse JsonTextResponse(unsigned http_version, const std::string& request_id,
                              std::string json_text);

// 200 application/vnd.amazon.eventstream, no body: the head of a streamed answer (StartLiveTail);
// the server sends the body in chunks as the stream produces it.
HttpResponse EventStreamResponse(unsigned http_version, const std::string& request_id);

// error.http_status with body {"__type": type, "message": message} and X-Amzn-ErrorType.
HttpResponse ErrorResponse(unsigned http_version, const std::string& request_id,
                           const api::ApiError& error, std::string_view content_type = kAmzJson11);

}  // namespace cwlogd::server
