// Tag rules and the tag read-modify-write shared by CreateLogGroup, TagResource/TagLogGroup,
// UntagResource/UntagLogGroup and ListTagsForResource/ListTagsLogGroup. Both API families work
// on the one tag set stored with the log group, as in AWS; TagResource and friends also tag
// the resources kept in the resource store (Taggable). Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/api_error.h"
#include "api/context.h"
#include "api/request_reader.h"
#include "api/result.h"
#include "storage/resource_store.h"

namespace cwlogd::api::detail {

inline constexpr size_t kMaxTagsPerResource = 50;
inline constexpr ListRule kTagMapRule{1, kMaxTagsPerResource};  // tags in one request: 1-50

// Keys starting with the reserved "aws:" prefix (any case) are refused.
std::optional<ApiError> CheckTagKeys(const std::map<std::string, std::string>& tags);

// The log group a tagging resourceArn names (an ARN without ":*"); nullopt + *error otherwise.
std::optional<std::string> GroupFromResourceArn(const Context& ctx, const std::string& arn,
                                                ApiError* error);

// What a TagResource / UntagResource / ListTagsForResource resourceArn names: a log group (an
// ARN without ":*"), or a resource whose tags live in its resource record: a destination, a
// delivery source, delivery destination or delivery, a log anomaly detector or a lookup table.
struct Taggable {
  std::optional<storage::ResourceKind> kind;  // nullopt: a log group
  std::string name;                           // the group's or record's name (a record's id)
};
std::optional<Taggable> TaggableFromResourceArn(const Context& ctx, const std::string& arn,
                                                ApiError* error);
// TagGroup / UntagGroup / ListGroupTags for any of them.
ApiResult TagTaggable(Context& ctx, const Taggable& t,
                      const std::map<std::string, std::string>& tags,
                      const std::string& resource_name);
ApiResult UntagTaggable(Context& ctx, const Taggable& t, const std::vector<std::string>& keys);
ApiResult ListTaggableTags(Context& ctx, const Taggable& t);

// Merges `tags` into the group's tags (new keys added, existing overwritten). More than 50 in
// total gives TooManyTagsException naming `resource_name` when it is set (TagResource), else
// InvalidParameterException (TagLogGroup, whose model has no TooManyTagsException).
ApiResult TagGroup(Context& ctx, const std::string& group,
                   const std::map<std::string, std::string>& tags,
                   const std::optional<std::string>& resource_name);
// Removes `keys` from the group's tags; absent keys are ignored.
ApiResult UntagGroup(Context& ctx, const std::string& group, const std::vector<std::string>& keys);
// {"tags": {...}} ({"tags": {}} when there are none).
ApiResult ListGroupTags(Context& ctx, const std::string& group);

}  // namespace cwlogd::api::detail
