// Destinations (PutDestination, PutDestinationPolicy, DescribeDestinations, DeleteDestination):
// the element shape and the ARN the four handlers share. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "storage/resource_store.h"

namespace cwlogd::api::destinations {

// The Destination element: destinationName, targetArn, roleArn, accessPolicy (once set), arn,
// creationTime.
nlohmann::json DestinationJson(const Context& ctx, const storage::ResourceRecord& r);
// ResourceNotFoundException "The specified destination does not exist."
ApiError DestinationNotFound();

}  // namespace cwlogd::api::destinations
