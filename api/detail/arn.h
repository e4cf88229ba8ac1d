// ARNs of Logs resources (AWS API reference, LogGroup and LogStream data types) and resolution
// of name-or-ARN identifiers. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "storage/log_store.h"

namespace cwlogd::api::detail {

// "aws", or "aws-cn" / "aws-us-gov" for those regions.
std::string_view PartitionName(std::string_view region);
// arn:<partition>:logs:<region>:<account>:log-group:<name>   (the logGroupArn field)
std::string LogGroupArn(const storage::Partition& p, std::string_view group);
// The same with the trailing ":*" (the arn field of DescribeLogGroups).
std::string LogGroupArnWithStar(const storage::Partition& p, std::string_view group);
std::string LogStreamArn(const storage::Partition& p, std::string_view group,
                         std::string_view stream);

// arn:<partition>:logs:<region>:<account>:<type>:<name>: the ARN of a Logs resource kept under
// a name or id (destination, delivery-source, delivery-destination, delivery, anomaly-detector,
// lookup-table).
std::string LogsResourceArn(const storage::Partition& p, std::string_view type,
                            std::string_view name);
// The name in `arn` when it is a `type` ARN of the caller's partition, region and account and
// the name is non-empty without ':' or '*' (no such resource name holds them); nullopt otherwise.
std::optional<std::string> NameFromLogsResourceArn(const storage::Partition& p,
                                                   std::string_view type, std::string_view arn);

// arn:<partition>:logs:<region>:<account>:destination:<name>   (logs-api.md §0.2)
std::string DestinationArn(const storage::Partition& p, std::string_view name);

// A logGroupIdentifier (or a tagging resourceArn) to a log group name. Names are returned as
// they are; an ARN must be a log-group ARN of the caller's partition, region and account, with
// a trailing ":*" only when allow_star. nullopt when it names nothing we could hold; callers
// answer "The specified log group does not exist." then.
std::optional<std::string> ResolveLogGroupIdentifier(const storage::Partition& p,
                                                     std::string_view identifier,
                                                     bool allow_star = true);

}  // namespace cwlogd::api::detail
