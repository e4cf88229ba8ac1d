// DeleteLogAnomalyDetector.
#include "api/detail/resources.h"
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {

ApiResult HandleDeleteLogAnomalyDetector(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto arn = in.String("anomalyDetectorArn", ad::kDetectorArnRule, true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto id = ad::DetectorIdFromArn(ctx.partition, *arn);
  if (!id) return ad::DetectorNotFound();
  storage::Status s = store->Delete(ctx.partition, storage::ResourceKind::kAnomalyDetector, *id);
  if (s.IsNotFound()) return ad::DetectorNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
