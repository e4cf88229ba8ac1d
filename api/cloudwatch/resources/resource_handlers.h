// The CloudWatch metrics resources that this server stores but computes nothing for: metric
// anomaly detectors, Contributor Insights rules (and managed rules), metric streams and the
// account's OTel enrichment switch. Validated as CloudWatch does, kept in the ResourceStore
// (Context::resources must be set), answered back; reports and streams carry no data.
// Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

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

// Shared by the list operations of these resources.

// MaxResults outside [1, max_page]: CloudWatch's InvalidParameterValue.
std::optional<ApiError> CheckMaxResults(const std::optional<int64_t>& max, int64_t max_page);

// What a record shows in a page; nullopt skips the record (it does not count towards the page).
using PageEntryFn = std::function<std::optional<nlohmann::json>(const storage::ResourceRecord&)>;

// One page of `kind`'s records whose names start with `prefix`, in name order from after the
// NextToken's name: {list_member: [up to page_size entries], NextToken if more follow}. Tokens
// are bound to `token_kind` and the partition; any other is InvalidNextToken.
ApiResult ListResourcePage(Context& ctx, storage::ResourceKind kind, std::string_view prefix,
                           std::string_view token_kind, const std::optional<std::string>& token,
                           int64_t page_size, std::string_view list_member,
                           const PageEntryFn& render);

}  // namespace cwlogd::api::cloudwatch::resources
