// What the subscription-filter handlers share: the filter element of DescribeSubscriptionFilters,
// the errors of a missing group or filter, and the destination ARN check. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/context.h"
#include "storage/resource_store.h"
#include "storage/subscription_store.h"

namespace cwlogd::api::subscriptions {

// The SubscriptionFilter element: filterName, logGroupName, filterPattern, destinationArn,
// roleArn (when set), distribution, applyOnTransformedLogs, fieldSelectionCriteria and
// emitSystemFields (when set), creationTime.
nlohmann::json FilterJson(std::string_view group, const storage::ResourceRecord& r);
// ResourceNotFoundException "The specified subscription filter does not exist."
ApiError FilterNotFound();
// ServiceUnavailableException when the store keeps no subscriptions (test fakes).
ApiError NoSubscriptionStore();

// The parts of an ARN: arn:<partition>:<service>:<region>:<account>:<resource>.
struct ParsedArn {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};
std::optional<ParsedArn> ParseArn(std::string_view arn);

}  // namespace cwlogd::api::subscriptions
