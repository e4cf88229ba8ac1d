// UpdateLogAnomalyDetector: pauses or restarts a detector and changes the settings given.
#include <string>

#include "api/detail/resources.h"
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {

ApiResult HandleUpdateLogAnomalyDetector(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto arn = in.String("anomalyDetectorArn", ad::kDetectorArnRule, true);
  auto frequency = in.Enum("evaluationFrequency", ad::kEvaluationFrequencies);
  auto pattern = in.String("filterPattern", ad::kFilterPatternRule);
  auto visibility = in.Long("anomalyVisibilityTime", ad::kVisibilityRule);
  auto enabled = in.Bool("enabled", true);
  if (in.failed()) return in.error();
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  auto id = ad::DetectorIdFromArn(ctx.partition, *arn);
  if (!id) return ad::DetectorNotFound();
  if (pattern) {
    if (auto e = ad::CheckFilterPattern(*pattern)) return *e;
  }
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kAnomalyDetector, *id, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        if (frequency) out->fields["evaluationFrequency"] = *frequency;
        if (pattern) out->fields["filterPattern"] = *pattern;
        if (visibility) out->fields["anomalyVisibilityTime"] = std::to_string(*visibility);
        out->fields["enabled"] = *enabled ? "true" : "false";
        return storage::Status::OK();
      });
  if (s.IsNotFound()) return ad::DetectorNotFound();
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace cwlogd::api
