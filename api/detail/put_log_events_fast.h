// The hot path of PutLogEvents: a simdjson parse of well-formed requests that skips the
// nlohmann DOM (PERFORMANCE-LIMITS.md: the DOM parse alone caps ingest near 0.5 M events/s per
// core). Anything unusual falls back to the ordinary handler, which owns every error message.
// Thread-safe (one parser per thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "api/dispatch.h"
#include "storage/log_store.h"

namespace cwlogd::api::detail {

// A PutLogEvents request that passed schema validation (the first check of
// api/handlers/put_log_events.cpp).
struct PutLogEventsInput {
  std::string group;
  std::string stream;
  std::vector<storage::InputEvent> events;  // 1-10,000, each timestamp >= 0 and message >= 1 char
};

// nullopt unless `body` is valid UTF-8 JSON holding exactly logGroupName, logStreamName,
// logEvents (objects of exactly timestamp + message) and optionally sequenceToken, all of the
// right type and within the model's constraints, with no duplicate or null members. The
// accepted requests are exactly ones the nlohmann path would accept with the same values.
std::optional<PutLogEventsInput> ParsePutLogEventsFast(std::string_view body);

// The other checks of api/handlers/put_log_events.cpp (existence, sizes, order, classification,
// span), then the store write.
ApiResult PutValidatedLogEvents(PutLogEventsInput& input, Context& ctx);

}  // namespace cwlogd::api::detail
