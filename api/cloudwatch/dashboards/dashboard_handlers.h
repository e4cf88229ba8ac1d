// CloudWatch dashboards (PutDashboard, GetDashboard, ListDashboards, DeleteDashboards) and
// GetMetricWidgetImage, served through api/cloudwatch's dispatch table. Dashboards are records of
// the ResourceStore (kind kDashboard): Context::resources must be set. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/cloudwatch/cloudwatch_api.h"

namespace cwlogd::api::cloudwatch::dashboards {

ApiResult HandlePutDashboard(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDashboard(const nlohmann::json& request, Context& ctx);
ApiResult HandleListDashboards(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDashboards(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetMetricWidgetImage(const nlohmann::json& request, Context& ctx);

// ListDashboards answers at most this many entries per page (CloudWatch API reference).
inline constexpr size_t kListDashboardsPageSize = 1000;
// DeleteDashboards takes at most this many names. [unsure] the model has no cap; 100 here
inline constexpr size_t kMaxDashboardsPerDelete = 100;

// Errors of the model: DashboardInvalidInputError (query code InvalidParameterInput) and
// DashboardNotFoundError (ResourceNotFound, HTTP 404).
inline ApiError DashboardInvalidInput(std::string msg) {
  return {"DashboardInvalidInputError", std::move(msg), 400};
}
inline ApiError DashboardNotFound(std::string msg) {
  return {"DashboardNotFoundError", std::move(msg), 404};
}

}  // namespace cwlogd::api::cloudwatch::dashboards
