// ListLogAnomalyDetectors: detectors in the order of their ids, optionally only those watching
// one log group, `limit` per page.
#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {

ApiResult HandleListLogAnomalyDetectors(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto filter_arn = in.String("filterLogGroupArn", ad::kLogGroupArnRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return in.error();
  std::function<bool(const storage::ResourceRecord&)> keep;
  if (filter_arn) {
    keep = [want = *filter_arn](const storage::ResourceRecord& r) {
      auto it = r.fields.find("logGroupArnList");
      if (it == r.fields.end()) return false;
      nlohmann::json groups = nlohmann::json::parse(it->second, nullptr, false);
      if (!groups.is_array()) return false;
      for (const auto& g : groups) {
        if (g.is_string() && g.get_ref<const std::string&>() == want) return true;
      }
      return false;
    };
  }
  const uint64_t digest = detail::HashBytes(filter_arn.value_or(""), 0x6164);
  auto page = detail::ListResourcePage(ctx, storage::ResourceKind::kAnomalyDetector, "", next_token,
                                       static_cast<size_t>(limit.value_or(50)), 'N', digest, keep);
  if (auto* e = std::get_if<ApiError>(&page)) return *e;
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) {
    nlohmann::json d = {{"anomalyDetectorArn", ad::DetectorArn(ctx.partition, r.name)}};
    d.update(ad::DetectorJson(r));
    list.push_back(std::move(d));
  }
  nlohmann::json out = {{"anomalyDetectors", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
