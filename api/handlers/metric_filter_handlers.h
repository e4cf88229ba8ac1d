// The Logs metric-filter operations (Put/Describe/DeleteMetricFilter), wired up in
// api/dispatch.cpp. Definitions live in the MetricStore sharing the log store's database
// (LogStore::metric_store()). Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

inline constexpr int32_t kMaxMetricFiltersPerGroup = 100;  // CloudWatch Logs quotas
// Metric (and, in AWS, subscription) filters per group whose pattern contains a %regex%.
inline constexpr int32_t kMaxRegexFiltersPerGroup = 5;  // docs/filter-patterns.md

ApiResult HandlePutMetricFilter(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeMetricFilters(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteMetricFilter(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
