// TagResource, UntagResource, ListTagsForResource (topics are SNS's only taggable resource).
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns::detail {

namespace {

using storage::ResourceKind;

constexpr size_t kMaxTagsPerTopic = 50;

ApiError ResourceNotFound() { return {"ResourceNotFound", "Resource does not exist", 404}; }

// The topic named by ResourceArn.
std::variant<std::string, ApiError> TopicOfResource(const Params& in, Context& ctx) {
  auto arn = Param(in, "ResourceArn");
  if (!arn) return Missing("ResourceArn");
  auto name = TopicNameOf(ctx.partition, *arn, "ResourceArn");
  if (std::holds_alternative<ApiError>(name)) return ResourceNotFound();
  return name;
}

}  // namespace

Result TagResource(const Params& in, Context& ctx) {
  auto topic = TopicOfResource(in, ctx);
  if (auto* e = std::get_if<ApiError>(&topic)) return *e;
  auto tags = TagsParam(in, "Tags");
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256) return InvalidParameter("Tags");
  }
  bool found = true;
  bool too_many = false;
  storage::Status s = Resources(ctx.store)->Update(
      ctx.partition, ResourceKind::kSnsTopic, std::get<std::string>(topic), ctx.clock.NowMillis(),
      {}, [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          found = false;
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        for (const auto& [key, value] : tags) out->tags[key] = value;
        if (out->tags.size() > kMaxTagsPerTopic) {
          too_many = true;
          return storage::Status::FailedPrecondition(storage::Status::Precondition::kTooManyTags);
        }
        return storage::Status::OK();
      });
  if (!found) return ResourceNotFound();
  if (too_many) {
    return ApiError{"TagLimitExceeded",
                    "Could not complete request: tag quota of per resource exceeded", 400};
  }
  if (!s.ok()) return StorageError(s);
  return Reply{true, {}};
}

Result UntagResource(const Params& in, Context& ctx) {
  auto topic = TopicOfResource(in, ctx);
  if (auto* e = std::get_if<ApiError>(&topic)) return *e;
  const std::vector<std::string> keys = ListParam(in, "TagKeys");
  bool found = true;
  storage::Status s = Resources(ctx.store)->Update(
      ctx.partition, ResourceKind::kSnsTopic, std::get<std::string>(topic), ctx.clock.NowMillis(),
      {}, [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          found = false;
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        for (const std::string& key : keys) out->tags.erase(key);
        return storage::Status::OK();
      });
  if (!found) return ResourceNotFound();
  if (!s.ok()) return StorageError(s);
  return Reply{true, {}};
}

Result ListTagsForResource(const Params& in, Context& ctx) {
  auto topic = TopicOfResource(in, ctx);
  if (auto* e = std::get_if<ApiError>(&topic)) return *e;
  auto r = Resources(ctx.store)->Get(ctx.partition, ResourceKind::kSnsTopic,
                                     std::get<std::string>(topic));
  if (!r.ok()) return r.status().IsNotFound() ? ResourceNotFound() : StorageError(r.status());
  std::string xml = "<Tags>";
  for (const auto& [key, value] : r->tags) {
    xml += "<member>" + Element("Key", key) + Element("Value", value) + "</member>";
  }
  return Reply{true, xml + "</Tags>"};
}

}  // namespace cwlogd::api::sns::detail
