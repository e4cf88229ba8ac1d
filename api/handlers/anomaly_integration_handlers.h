// The handlers of log anomaly detectors (api/handlers/anomaly_detectors/) and of integrations
// and S3-table integration sources (api/handlers/integrations/), one file each, wired up in
// api/dispatch.cpp. Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

// anomaly_detectors/
ApiResult HandleCreateLogAnomalyDetector(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetLogAnomalyDetector(const nlohmann::json& request, Context& ctx);
ApiResult HandleListLogAnomalyDetectors(const nlohmann::json& request, Context& ctx);
ApiResult HandleUpdateLogAnomalyDetector(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteLogAnomalyDetector(const nlohmann::json& request, Context& ctx);
ApiResult HandleListAnomalies(const nlohmann::json& request, Context& ctx);
ApiResult HandleUpdateAnomaly(const nlohmann::json& request, Context& ctx);
// integrations/
ApiResult HandlePutIntegration(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetIntegration(const nlohmann::json& request, Context& ctx);
ApiResult HandleListIntegrations(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteIntegration(const nlohmann::json& request, Context& ctx);
ApiResult HandleAssociateSourceToS3TableIntegration(const nlohmann::json& request, Context& ctx);
ApiResult HandleDisassociateSourceFromS3TableIntegration(const nlohmann::json& request,
                                                         Context& ctx);
ApiResult HandleListSourcesForS3TableIntegration(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
