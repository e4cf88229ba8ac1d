// Log anomaly detectors (Create/Get/List/Update/DeleteLogAnomalyDetector, ListAnomalies,
// UpdateAnomaly): the model's rules, the detector ARN, the record's fields and its JSON shape.
// A detector is a resource record of kind kAnomalyDetector named by its id. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "storage/resource_store.h"

namespace cwlogd::api::anomaly_detectors {

// Model `AnomalyDetectorArn`: >= 1, [\w#+=/:,.@-]*
extern const StringRule kDetectorArnRule;
// Model `LogGroupArn`: 1-2048, [\w#+=/:,.@-]*
extern const StringRule kLogGroupArnRule;
// Model `DetectorName`: >= 1
extern const StringRule kDetectorNameRule;
// Model `FilterPattern`: 0-1024
extern const StringRule kFilterPatternRule;
// Model `EvaluationFrequency`, in the model's order.
inline constexpr std::string_view kEvaluationFrequencies[] = {
    "ONE_MIN", "FIVE_MIN", "TEN_MIN", "FIFTEEN_MIN", "THIRTY_MIN", "ONE_HOUR"};
// Model `AnomalyVisibilityTime`: 7-90 (days)
inline constexpr NumberRule kVisibilityRule{7, 90};

// arn:<partition>:logs:<region>:<account>:anomaly-detector:<id>
std::string DetectorArn(const storage::Partition& p, std::string_view id);

// Reads the detector `arn` names: ResourceNotFoundException when it names none of this
// partition's detectors.
std::variant<storage::ResourceRecord, ApiError> FindDetector(Context& ctx, std::string_view arn);
// The detector id `arn` names, when it is a detector ARN of the caller's partition.
std::optional<std::string> DetectorIdFromArn(const storage::Partition& p, std::string_view arn);

// ResourceNotFoundException for an unknown detector (our text: AWS's is unknown).
ApiError DetectorNotFound();

// A filter pattern the filter-pattern parser refuses: InvalidParameterException.
std::optional<ApiError> CheckFilterPattern(std::string_view pattern);

// The detector's members as GetLogAnomalyDetector answers them (no ARN); ListLogAnomalyDetectors
// adds anomalyDetectorArn.
nlohmann::json DetectorJson(const storage::ResourceRecord& r);

}  // namespace cwlogd::api::anomaly_detectors
