// GetLogAnomalyDetector: one detector's settings, by ARN.
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {

ApiResult HandleGetLogAnomalyDetector(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto arn = in.String("anomalyDetectorArn", ad::kDetectorArnRule, true);
  if (in.failed()) return in.error();
  auto found = ad::FindDetector(ctx, *arn);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  return ad::DetectorJson(std::get<storage::ResourceRecord>(found));
}

}  // namespace cwlogd::api
