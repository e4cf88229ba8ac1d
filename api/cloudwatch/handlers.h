// One handler per CloudWatch metrics operation (cloudwatch_api.h). Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/cloudwatch/cloudwatch_api.h"

namespace cwlogd::api::cloudwatch {

ApiResult HandlePutMetricData(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetMetricStatistics(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetMetricData(const nlohmann::json& request, Context& ctx);
ApiResult HandleListMetrics(const nlohmann::json& request, Context& ctx);

// Limits (CloudWatch API reference: PutMetricData, GetMetricStatistics, GetMetricData,
// ListMetrics).
inline constexpr size_t kMaxMetricDataPerPut = 1000;
inline constexpr size_t kMaxDimensions = 30;
inline constexpr size_t kMaxValuesPerDatum = 150;
inline constexpr int64_t kMaxDatapointsPerStatisticsCall = 1440;
inline constexpr size_t kListMetricsPageSize = 500;
inline constexpr size_t kMaxMetricDataQueries = 500;
inline constexpr int64_t kDefaultMaxDatapoints = 100'800;
// PutMetricData accepts timestamps up to two weeks old and two hours ahead.
inline constexpr int64_t kMaxDatumAgeMs = 14LL * 24 * 3600 * 1000;
inline constexpr int64_t kMaxDatumFutureMs = 2LL * 3600 * 1000;

}  // namespace cwlogd::api::cloudwatch
