// The CloudWatch metrics resources that this server stores but computes nothing for: metric
// anomaly detectors, Contributor Insights rules (and managed rules), metric streams and the
// account's OTel enrichment switch. Validated as CloudWatch does, kept in the ResourceStore
// (Context::resources must be set), answered back; reports and streams carry no data.
// Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/cloudwatch/cloudwatch_api.h"

namespace cwlogd::api::cloudwatch::resources {

ApiResult HandlePutAnomalyDetector(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeAnomalyDetectors(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteAnomalyDetector(const nlohmann::json& request, Context& ctx);

ApiResult HandlePutInsightRule(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeInsightRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteInsightRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleEnableInsightRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleDisableInsightRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetInsightRuleReport(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutManagedInsightRules(const nlohmann::json& request, Context& ctx);
ApiResult HandleListManagedInsightRules(const nlohmann::json& request, Context& ctx);

ApiResult HandlePutMetricStream(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetMetricStream(const nlohmann::json& request, Context& ctx);
ApiResult HandleListMetricStreams(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteMetricStream(const nlohmann::json& request, Context& ctx);
ApiResult HandleStartMetricStreams(const nlohmann::json& request, Context& ctx);
ApiResult HandleStopMetricStreams(const nlohmann::json& request, Context& ctx);

ApiResult HandleGetOTelEnrichment(const nlohmann::json& request, Context& ctx);
ApiResult HandleStartOTelEnrichment(const nlohmann::json& request, Context& ctx);
ApiResult HandleStopOTelEnrichment(const nlohmann::json& request, Context& ctx);

// Limits (cloudwatch 2010-08-01 model and API reference).
inline constexpr int64_t kMaxAnomalyDetectorPage = 100;
inline constexpr int64_t kMaxInsightRulePage = 500;
inline constexpr int64_t kMaxMetricStreamPage = 500;
inline constexpr size_t kMaxNamesPerCall = 100;  // [unsure] RuleNames / Names

inline ApiError ResourceNotFound(std::string msg) {
  return {"ResourceNotFoundException", std::move(msg), 404};
}
inline ApiError NoResourceStore() {
  return InternalServiceFault("This server keeps no CloudWatch resources.");
}

}  // namespace cwlogd::api::cloudwatch::resources
