#include "api/detail/tags.h"

#include <cctype>

#include "api/detail/arn.h"
#include "api/detail/common.h"

namespace cwlogd::api::detail {

std::optional<ApiError> CheckTagKeys(const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    if (key.size() >= 4 && std::tolower(static_cast<unsigned char>(key[0])) == 'a' &&
        std::tolower(static_cast<unsigned char>(key[1])) == 'w' &&
        std::tolower(static_cast<unsigned char>(key[2])) == 's' && key[3] == ':') {
      // AWS reserves the prefix for its own tags; the exact Logs text is not recorded.
      return ApiError::InvalidParameter("Tag keys starting with 'aws:' are reserved for AWS use: " +
                                        key);
    }
  }
  return std::nullopt;
}

std::optional<std::string> GroupFromResourceArn(const Context& ctx, const std::string& arn,
                                                ApiError* error) {
  if (arn.starts_with("arn:")) {
    if (auto name = ResolveLogGroupIdentifier(ctx.partition, arn, /*allow_star=*/false)) {
      return name;
    }
  }
  // Destination ARNs, other accounts/regions and non-ARNs: nothing taggable of ours.
  *error = ApiError::ResourceNotFound("The specified resource does not exist.");
  return std::nullopt;
}

ApiResult TagGroup(Context& ctx, const std::string& group,
                   const std::map<std::string, std::string>& tags,
                   const std::optional<std::string>& resource_name) {
  bool too_many = false;
  storage::Status s =
      ctx.store.UpdateLogGroup(ctx.partition, group, [&](storage::LogGroupInfo& info) {
        std::map<std::string, std::string> merged = info.tags;
        for (const auto& [k, v] : tags) merged[k] = v;
        if (merged.size() > kMaxTagsPerResource) {
          too_many = true;
          return storage::Status::FailedPrecondition("too many tags");
        }
        info.tags = std::move(merged);
        return storage::Status::OK();
      });
  if (too_many) {
    // Model: TooManyTagsException {message, resourceName}; the text is ours (AWS's is unknown).
    std::string message = "A resource can have no more than 50 tags.";
    if (resource_name) return ApiError::TooManyTags(std::move(message), *resource_name);
    return ApiError::InvalidParameter(std::move(message));
  }
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

ApiResult UntagGroup(Context& ctx, const std::string& group, const std::vector<std::string>& keys) {
  storage::Status s =
      ctx.store.UpdateLogGroup(ctx.partition, group, [&](storage::LogGroupInfo& info) {
        for (const auto& k : keys) info.tags.erase(k);
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

ApiResult ListGroupTags(Context& ctx, const std::string& group) {
  auto info = ctx.store.GetLogGroup(ctx.partition, group);
  if (!info.ok()) return FromStorage(info.status());
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : info->tags) tags[k] = v;
  return nlohmann::json{{"tags", std::move(tags)}};
}

}  // namespace cwlogd::api::detail
