// ListAnomalies: nothing analyses log events here, so no detector has found an anomaly: the
// answer is an empty page once the request passes AWS's checks (a named detector must exist;
// no nextToken was ever handed out, so none is valid).
#include "api/detail/common.h"
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {
namespace {

constexpr std::string_view kSuppressionStates[] = {"SUPPRESSED", "UNSUPPRESSED"};

}  // namespace

ApiResult HandleListAnomalies(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto arn = in.String("anomalyDetectorArn", ad::kDetectorArnRule);
  (void)in.Enum("suppressionState", kSuppressionStates);  // filters an empty list
  (void)in.Integer("limit", NumberRule{1, 50});           // pages an empty list
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  if (arn) {
    auto found = ad::FindDetector(ctx, *arn);
    if (auto* e = std::get_if<ApiError>(&found)) return *e;
  }
  if (next_token) return detail::InvalidNextToken();
  return nlohmann::json{{"anomalies", nlohmann::json::array()}};
}

}  // namespace cwlogd::api
