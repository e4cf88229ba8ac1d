#include "api/detail/tags.h"

#include <cctype>
#include <functional>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/resources.h"

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
  // Other accounts/regions and non-ARNs: nothing taggable of ours.
  *error = ApiError::ResourceNotFound("The specified resource does not exist.");
  return std::nullopt;
}

namespace {

// The resources TagResource reaches besides log groups: their ARN type, where they are kept and
// the not-found answer of their own operations.
struct TaggableRecordType {
  std::string_view arn_type;
  storage::ResourceKind kind;
  const char* not_found;
};
constexpr TaggableRecordType kTaggableRecordTypes[] = {
    {"destination", storage::ResourceKind::kDestination,
     "The specified destination does not exist."},
    {"delivery-source", storage::ResourceKind::kDeliverySource,
     "The specified delivery source does not exist."},
    {"delivery-destination", storage::ResourceKind::kDeliveryDestination,
     "The specified delivery destination does not exist."},
    {"delivery", storage::ResourceKind::kDelivery, "The specified delivery does not exist."},
    {"anomaly-detector", storage::ResourceKind::kAnomalyDetector,
     "The specified anomaly detector does not exist."},
    {"lookup-table", storage::ResourceKind::kLookupTable,
     "The specified lookup table does not exist."},
    {"scheduled-query", storage::ResourceKind::kScheduledQuery,
     "The specified scheduled query does not exist."},
};

ApiError TaggableRecordNotFound(storage::ResourceKind kind) {
  for (const auto& type : kTaggableRecordTypes) {
    if (type.kind == kind) return ApiError::ResourceNotFound(type.not_found);
  }
  return ApiError::ResourceNotFound("The specified resource does not exist.");
}

// A read-modify-write of a record's tags; `edit` returns false when the result would hold too
// many tags.
ApiResult EditRecordTags(Context& ctx, storage::ResourceKind kind, const std::string& name,
                         const std::function<bool(std::map<std::string, std::string>&)>& edit,
                         const std::string& resource_name) {
  storage::ResourceStore* store = Resources(ctx);
  if (store == nullptr) return NoResourceStore();
  bool too_many = false;
  storage::Status s = store->Update(
      ctx.partition, kind, name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr)
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        *out = *current;
        if (!edit(out->tags)) {
          too_many = true;
          return storage::Status::FailedPrecondition(storage::Status::Precondition::kTooManyTags);
        }
        return storage::Status::OK();
      });
  if (too_many) {
    return ApiError::TooManyTags("A resource can have no more than 50 tags.", resource_name);
  }
  if (s.IsNotFound()) return TaggableRecordNotFound(kind);
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace

std::optional<Taggable> TaggableFromResourceArn(const Context& ctx, const std::string& arn,
                                                ApiError* error) {
  for (const auto& type : kTaggableRecordTypes) {
    if (auto name = NameFromLogsResourceArn(ctx.partition, type.arn_type, arn)) {
      return Taggable{type.kind, std::move(*name)};
    }
  }
  if (auto group = GroupFromResourceArn(ctx, arn, error)) {
    return Taggable{std::nullopt, std::move(*group)};
  }
  return std::nullopt;
}

ApiResult TagTaggable(Context& ctx, const Taggable& t,
                      const std::map<std::string, std::string>& tags,
                      const std::string& resource_name) {
  if (!t.kind) return TagGroup(ctx, t.name, tags, resource_name);
  return EditRecordTags(
      ctx, *t.kind, t.name,
      [&](std::map<std::string, std::string>& current) {
        std::map<std::string, std::string> merged = current;
        for (const auto& [k, v] : tags) merged[k] = v;
        if (merged.size() > kMaxTagsPerResource) return false;
        current = std::move(merged);
        return true;
      },
      resource_name);
}

ApiResult UntagTaggable(Context& ctx, const Taggable& t, const std::vector<std::string>& keys) {
  if (!t.kind) return UntagGroup(ctx, t.name, keys);
  return EditRecordTags(
      ctx, *t.kind, t.name,
      [&](std::map<std::string, std::string>& current) {
        for (const auto& k : keys) current.erase(k);
        return true;
      },
      t.name);
}

ApiResult ListTaggableTags(Context& ctx, const Taggable& t) {
  if (!t.kind) return ListGroupTags(ctx, t.name);
  storage::ResourceStore* store = Resources(ctx);
  if (store == nullptr) return NoResourceStore();
  auto r = store->Get(ctx.partition, *t.kind, t.name);
  if (r.status().IsNotFound()) return TaggableRecordNotFound(*t.kind);
  if (!r.ok()) return FromStorage(r.status());
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : r->tags) tags[k] = v;
  return nlohmann::json{{"tags", std::move(tags)}};
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
          return storage::Status::FailedPrecondition(storage::Status::Precondition::kTooManyTags);
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
