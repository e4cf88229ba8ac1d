// UpdateAnomaly: suppresses or baselines an anomaly or pattern of a detector. No detector finds
// anomalies here, so once the request passes AWS's checks and the detector exists, the anomaly
// or pattern is unknown: ResourceNotFoundException.
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {
namespace {

constexpr StringRule kAnomalyIdRule{36, 36, "", nullptr, false};  // model `AnomalyId`
constexpr StringRule kPatternIdRule{32, 32, "", nullptr, false};  // model `PatternId`
constexpr std::string_view kSuppressionTypes[] = {"LIMITED", "INFINITE"};
constexpr std::string_view kSuppressionUnits[] = {"SECONDS", "MINUTES", "HOURS"};

}  // namespace

ApiResult HandleUpdateAnomaly(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto anomaly_id = in.String("anomalyId", kAnomalyIdRule);
  auto pattern_id = in.String("patternId", kPatternIdRule);
  auto arn = in.String("anomalyDetectorArn", ad::kDetectorArnRule, true);
  auto type = in.Enum("suppressionType", kSuppressionTypes);
  const nlohmann::json* period = in.Structure("suppressionPeriod");
  if (period != nullptr) {
    RequestReader nested(*period, "suppressionPeriod.");
    (void)nested.Integer("value", NumberRule{});
    (void)nested.Enum("suppressionUnit", kSuppressionUnits);
    in.Absorb(nested);
  }
  (void)in.Bool("baseline");
  if (in.failed()) return in.error();
  // The model's documentation: "You must specify either anomalyId or patternId, but you can't
  // specify both" and "If you specify LIMITED, you must also specify a suppressionPeriod" (our
  // texts).
  if (anomaly_id.has_value() == pattern_id.has_value()) {
    return ApiError::InvalidParameter("Specify either anomalyId or patternId, but not both.");
  }
  if (type && *type == "LIMITED" && period == nullptr) {
    return ApiError::InvalidParameter(
        "A suppressionPeriod is required when suppressionType is LIMITED.");
  }
  auto found = ad::FindDetector(ctx, *arn);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  if (anomaly_id) return ApiError::ResourceNotFound("The specified anomaly does not exist.");
  return ApiError::ResourceNotFound("The specified pattern does not exist.");
}

}  // namespace cwlogd::api
