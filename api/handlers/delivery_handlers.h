// The handlers of the delivery operations, one file each in api/handlers/deliveries/, wired up
// in api/dispatch.cpp. Thread-safe: handlers keep no state.
#pragma once

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/result.h"

namespace cwlogd::api {

ApiResult HandlePutDeliverySource(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDeliverySource(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeDeliverySources(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDeliverySource(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutDeliveryDestination(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDeliveryDestination(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeDeliveryDestinations(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDeliveryDestination(const nlohmann::json& request, Context& ctx);
ApiResult HandlePutDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDeliveryDestinationPolicy(const nlohmann::json& request, Context& ctx);
ApiResult HandleCreateDelivery(const nlohmann::json& request, Context& ctx);
ApiResult HandleGetDelivery(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeDeliveries(const nlohmann::json& request, Context& ctx);
ApiResult HandleDeleteDelivery(const nlohmann::json& request, Context& ctx);
ApiResult HandleUpdateDeliveryConfiguration(const nlohmann::json& request, Context& ctx);
ApiResult HandleDescribeConfigurationTemplates(const nlohmann::json& request, Context& ctx);

}  // namespace cwlogd::api
