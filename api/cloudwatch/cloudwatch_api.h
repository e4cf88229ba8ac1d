// Entry point into the CloudWatch metrics API (PutMetricData, GetMetricStatistics,
// GetMetricData, ListMetrics): an operation name + the input in the JSON 1.0 shape (PascalCase
// members, timestamps as epoch-seconds numbers) -> the output in the same shape, or an
// ApiError whose type is a CloudWatch error shape (InvalidParameterValueException, ...).
// The wire protocols (JSON 1.0, query, CBOR) are server/cloudwatch's business.
// Thread-safe; handlers are stateless apart from the store.
#pragma once

#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/result.h"
#include "storage/alarm_store.h"
#include "storage/clock.h"
#include "storage/metric_store.h"
#include "storage/resource_store.h"

namespace cwlogd::api::cloudwatch {

struct Context {
  storage::MetricStore& metrics;
  const storage::Clock& clock;
  storage::Partition partition;
  storage::AlarmStore* alarms = nullptr;  // the alarm operations need it (alarms/)
  // Dashboards, anomaly detectors, insight rules, metric streams (dashboards/, resources/).
  storage::ResourceStore* resources = nullptr;
};

using Handler = ApiResult (*)(const nlohmann::json& request, Context& ctx);

// True when `operation` (e.g. "ListMetrics") is one we serve.
bool IsKnownOperation(std::string_view operation);

// `request` must be a JSON object, else SerializationException. An unknown operation gives
// UnknownOperationException; an exception escaping a handler gives InternalServiceFault. Never
// throws.
ApiResult Dispatch(std::string_view operation, const nlohmann::json& request, Context& ctx);

// A JSON 1.0 request body -> the input object. SerializationException when the body is not
// one JSON object, or when any object in it names a member twice ("Duplicate field '<name>'",
// the first repeated name in document order; the Logs API's rule, api/detail/request_body.h).
std::variant<nlohmann::json, ApiError> ParseJsonInput(std::string_view body);

// The SerializationException for a body that names a member twice, for the other codecs that
// find one (a CBOR map with a repeated key).
ApiError DuplicateMember(std::string_view name);

// CloudWatch error shapes (cloudwatch 2010-08-01 model).
inline ApiError InvalidParameterValue(std::string msg) {
  return {"InvalidParameterValueException", std::move(msg), 400};
}
inline ApiError MissingParameter(std::string msg) {
  return {"MissingRequiredParameterException", std::move(msg), 400};
}
inline ApiError InvalidParameterCombination(std::string msg) {
  return {"InvalidParameterCombinationException", std::move(msg), 400};
}
inline ApiError InvalidNextToken(std::string msg = "The specified NextToken is invalid.") {
  return {"InvalidNextToken", std::move(msg), 400};
}
inline ApiError InternalServiceFault(std::string msg) {
  return {"InternalServiceFault", std::move(msg), 500};
}

}  // namespace cwlogd::api::cloudwatch
