// The one parse and validation of a PutLogEvents request: a simdjson read of the raw body that
// gives either the validated input or the exact error AWS's Coral front end gives (the wording
// and rules of api/request_reader.h, shared with every other operation). simdjson instead of the
// nlohmann DOM because the DOM parse alone caps ingest near 0.5 M events/s per core
// (PERFORMANCE-LIMITS.md). Thread-safe (one simdjson parser per thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "api/context.h"
#include "api/result.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

// Most events in one PutLogEvents request (model constraint of logEvents).
inline constexpr size_t kMaxPutLogEvents = 10'000;

// A PutLogEvents request that passed schema validation.
struct PutLogEventsInput {
  std::string group;
  std::string stream;
  std::vector<storage::InputEvent> events;  // 1-10,000, each timestamp >= 0 and message >= 1 char
};

// Reads `body` as Dispatch reads every operation's body (nesting deeper than max_json_depth
// refused, invalid UTF-8 replaced by U+FFFD, top level must be an object), then checks the
// members as RequestReader does: wrong types -> SerializationException, model constraints ->
// "N validation errors detected: ...". Null members count as absent, unknown members are
// ignored, a member named twice in any object is refused (DuplicateMemberMessage), a timestamp
// with a fractional part is refused (HasFraction), sequenceToken is checked and ignored, any
// `entity` object is accepted. Never throws on request data.
std::variant<PutLogEventsInput, ApiError> ParsePutLogEvents(std::string_view body,
                                                            size_t max_json_depth);

// The other checks of api/handlers/put_log_events.cpp (existence, sizes, order, classification,
// span), then the store write.
ApiResult PutValidatedLogEvents(PutLogEventsInput& input, Context& ctx);

}  // namespace cwlogd::api::detail
