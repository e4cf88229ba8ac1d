#include "api/detail/arn.h"

#include <fmt/format.h>

namespace cwlogd::api::detail {

std::string_view PartitionName(std::string_view region) {
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string LogGroupArn(const storage::Partition& p, std::string_view group) {
  return fmt::format("arn:{}:logs:{}:{}:log-group:{}", PartitionName(p.region), p.region, p.account,
                     group);
}

std::string LogGroupArnWithStar(const storage::Partition& p, std::string_view group) {
  return LogGroupArn(p, group) + ":*";
}

std::string LogStreamArn(const storage::Partition& p, std::string_view group,
                         std::string_view stream) {
  return fmt::format("{}:log-stream:{}", LogGroupArn(p, group), stream);
}

std::string LogsResourceArn(const storage::Partition& p, std::string_view type,
                            std::string_view name) {
  return fmt::format("arn:{}:logs:{}:{}:{}:{}", PartitionName(p.region), p.region, p.account, type,
                     name);
}

std::optional<std::string> NameFromLogsResourceArn(const storage::Partition& p,
                                                   std::string_view type, std::string_view arn) {
  const std::string prefix = LogsResourceArn(p, type, "");
  if (!arn.starts_with(prefix)) return std::nullopt;
  std::string_view name = arn.substr(prefix.size());
  if (name.empty() || name.find_first_of(":*") != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

std::string DestinationArn(const storage::Partition& p, std::string_view name) {
  return LogsResourceArn(p, "destination", name);
}

std::optional<std::string> ResolveLogGroupIdentifier(const storage::Partition& p,
                                                     std::string_view identifier, bool allow_star) {
  if (!identifier.starts_with("arn:")) return std::string(identifier);
  std::string prefix = LogGroupArn(p, "");
  if (!identifier.starts_with(prefix)) return std::nullopt;  // other partition/account/type
  std::string_view name = identifier.substr(prefix.size());
  if (name.ends_with(":*")) {
    if (!allow_star) return std::nullopt;
    name.remove_suffix(2);
  }
  // Group names never contain ':', so anything left with one is not a log-group ARN.
  if (name.empty() || name.find(':') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

}  // namespace cwlogd::api::detail
