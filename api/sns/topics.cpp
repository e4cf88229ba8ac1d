// CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes.
#include <algorithm>
#include <array>

#include "api/detail/tokens.h"
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns::detail {

namespace {

using storage::ResourceKind;

constexpr size_t kMaxTopicTags = 50;
constexpr size_t kTopicPageSize = 100;

// Attributes CreateTopic and SetTopicAttributes take (FifoTopic only at creation).
bool IsTopicAttribute(std::string_view name, bool creating) {
  static constexpr std::array<std::string_view, 11> kPlain = {
      "DeliveryPolicy",      "DisplayName",          "Policy",        "SignatureVersion",
      "TracingConfig",       "KmsMasterKeyId",       "ArchivePolicy", "ContentBasedDeduplication",
      "FifoThroughputScope", "DataProtectionPolicy", "FifoTopic"};
  if (name == "FifoTopic") return creating;
  if (std::find(kPlain.begin(), kPlain.end(), name) != kPlain.end()) return true;
  // <Protocol>SuccessFeedbackRoleArn / SuccessFeedbackSampleRate / FailureFeedbackRoleArn.
  for (std::string_view proto : {"HTTP", "Firehose", "Lambda", "SQS", "Application"}) {
    if (!name.starts_with(proto)) continue;
    std::string_view rest = name.substr(proto.size());
    if (rest == "SuccessFeedbackRoleArn" || rest == "SuccessFeedbackSampleRate" ||
        rest == "FailureFeedbackRoleArn") {
      return true;
    }
  }
  return false;
}

std::optional<ApiError> CheckAttributeValue(std::string_view name, std::string_view value,
                                            bool fifo) {
  if (name == "Policy" || name == "DeliveryPolicy" || name == "DataProtectionPolicy" ||
      name == "ArchivePolicy") {
    if (value.empty() && name != "Policy") return std::nullopt;  // empty clears it
    nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
    if (!doc.is_object()) return InvalidParameter(std::string(name));
  }
  if (name == "SignatureVersion" && value != "1" && value != "2") {
    return InvalidParameter("SignatureVersion");
  }
  if ((name == "FifoTopic" || name == "ContentBasedDeduplication") && value != "true" &&
      value != "false") {
    return InvalidParameter(std::string(name));
  }
  if (name == "ContentBasedDeduplication" && !fifo) {
    return InvalidParameter(
        "ContentBasedDeduplication Reason: Content-based deduplication can only be set for "
        "FIFO topics");
  }
  if (name == "TracingConfig" && value != "PassThrough" && value != "Active") {
    return InvalidParameter("TracingConfig");
  }
  if (name == "DisplayName" && value.size() > 100) return InvalidParameter("DisplayName");
  return std::nullopt;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::optional<ApiError> CheckTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  if (tags.size() > kMaxTopicTags) {
    return ApiError{"TagLimitExceeded",
                    "Could not complete request: tag quota of per resource exceeded", 400};
  }
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      return InvalidParameter("Tags");
    }
  }
  return std::nullopt;
}

}  // namespace

Result CreateTopic(const Params& in, Context& ctx) {
  auto name = Param(in, "Name");
  if (!name) return Missing("Name");
  auto attributes_or = MapParam(in, "Attributes");
  if (auto* e = std::get_if<ApiError>(&attributes_or)) return *e;
  StringMap attributes = std::get<StringMap>(std::move(attributes_or));
  if (auto dpp = Param(in, "DataProtectionPolicy")) attributes["DataProtectionPolicy"] = *dpp;
  auto tags = TagsParam(in, "Tags");
  const bool fifo = attributes.contains("FifoTopic") && attributes["FifoTopic"] == "true";
  if (fifo) {
    if (!name->ends_with(".fifo") || !ValidName(name->substr(0, name->size() - 5))) {
      return InvalidParameter(
          "Fifo Topic names must end with .fifo and must be made up of only uppercase and "
          "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and "
          "256 characters long.");
    }
  } else if (!ValidName(*name)) {
    return InvalidParameter("Topic Name");
  }
  for (const auto& [key, value] : attributes) {
    if (!IsTopicAttribute(key, true)) return InvalidParameter("AttributeName");
    if (auto e = CheckAttributeValue(key, value, fifo)) return *e;
  }
  if (attributes.contains("FifoTopic") && !fifo) attributes.erase("FifoTopic");
  if (auto e = CheckTags(tags)) return *e;
  std::optional<ApiError> conflict;
  storage::Status s = Resources(ctx.store)->Update(
      ctx.partition, ResourceKind::kSnsTopic, *name, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {
          // Idempotent: the same name answers the same ARN, unless what is asked differs.
          *out = *current;
          if (!tags.empty()) {
            std::map<std::string, std::string> asked(tags.begin(), tags.end());
            if (asked != current->tags) {
              conflict = InvalidParameter("Tags Reason: Topic already exists with different tags");
              return storage::Status::FailedPrecondition(storage::Status::Precondition::kNone);
            }
          }
          StringMap stored = StoredAttributes(*current);
          for (const auto& [key, value] : attributes) {
            auto it = stored.find(key);
            if (it == stored.end() ? !value.empty() : it->second != value) {
              conflict = InvalidParameter(
                  "Attributes Reason: Topic already exists with different attributes");
              return storage::Status::FailedPrecondition(storage::Status::Precondition::kNone);
            }
          }
          return storage::Status::OK();
        }
        for (const auto& [key, value] : attributes) {
          out->fields[std::string(kAttrPrefix) + key] = value;
        }
        for (const auto& [key, value] : tags) out->tags[key] = value;
        return storage::Status::OK();
      });
  if (conflict) return *conflict;
  if (!s.ok()) return StorageError(s);
  return Reply{true, Element("TopicArn", TopicArn(ctx.partition, *name))};
}

Result DeleteTopic(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto name = TopicNameOf(ctx.partition, *arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  const std::string& topic = std::get<std::string>(name);
  storage::ResourceStore* store = Resources(ctx.store);
  storage::Status s = store->Delete(ctx.partition, ResourceKind::kSnsTopic, topic);
  if (!s.ok() && !s.IsNotFound()) return StorageError(s);
  // Its subscriptions go with it (AWS deletes them too).
  std::vector<std::string> subs;
  s = store->List(ctx.partition, ResourceKind::kSnsSubscription, topic + ":", "",
                  [&](const storage::ResourceRecord& r) {
                    subs.push_back(r.name);
                    return true;
                  });
  if (!s.ok()) return StorageError(s);
  for (const std::string& sub : subs) {
    s = store->Delete(ctx.partition, ResourceKind::kSnsSubscription, sub);
    if (!s.ok() && !s.IsNotFound()) return StorageError(s);
  }
  return Reply{false, {}};
}

Result ListTopics(const Params& in, Context& ctx) {
  std::string start_after;
  if (auto token = Param(in, "NextToken")) {
    api::detail::TokenReader reader(*token, api::detail::token_kind::kSnsListPage, ctx.partition);
    const std::string op = reader.ok() ? reader.Str() : "";
    start_after = reader.ok() ? reader.Str() : "";
    if (!reader.Done() || op != "ListTopics") return InvalidParameter("NextToken");
  }
  std::string members;
  std::string last;
  size_t count = 0;
  bool more = false;
  storage::Status s = Resources(ctx.store)->List(
      ctx.partition, ResourceKind::kSnsTopic, "", start_after,
      [&](const storage::ResourceRecord& r) {
        if (count == kTopicPageSize) {
          more = true;
          return false;
        }
        members += "<member>" + Element("TopicArn", TopicArn(ctx.partition, r.name)) + "</member>";
        last = r.name;
        ++count;
        return true;
      });
  if (!s.ok()) return StorageError(s);
  std::string xml = "<Topics>" + members + "</Topics>";
  if (more) {
    xml += Element("NextToken",
                   api::detail::TokenWriter(api::detail::token_kind::kSnsListPage, ctx.partition)
                       .Str("ListTopics")
                       .Str(last)
                       .Finish());
  }
  return Reply{true, xml};
}

Result GetTopicAttributes(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto name = TopicNameOf(ctx.partition, *arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  const std::string& topic = std::get<std::string>(name);
  storage::ResourceStore* store = Resources(ctx.store);
  auto r = store->Get(ctx.partition, ResourceKind::kSnsTopic, topic);
  if (!r.ok()) return r.status().IsNotFound() ? TopicNotFound() : StorageError(r.status());
  size_t confirmed = 0;
  size_t pending = 0;
  storage::Status s = store->List(ctx.partition, ResourceKind::kSnsSubscription, topic + ":", "",
                                  [&](const storage::ResourceRecord& sub) {
                                    auto it = sub.fields.find(std::string(kConfirmed));
                                    if (it != sub.fields.end() && it->second == "true") {
                                      ++confirmed;
                                    } else {
                                      ++pending;
                                    }
                                    return true;
                                  });
  if (!s.ok()) return StorageError(s);
  StringMap attributes = StoredAttributes(*r);
  const std::string topic_arn = TopicArn(ctx.partition, topic);
  if (!attributes.contains("Policy")) {
    attributes["Policy"] = DefaultTopicPolicy(ctx.partition, topic_arn);
  }
  attributes["Owner"] = ctx.partition.account;
  if (!attributes.contains("DisplayName")) attributes["DisplayName"] = "";
  attributes["TopicArn"] = topic_arn;
  attributes["SubscriptionsConfirmed"] = std::to_string(confirmed);
  attributes["SubscriptionsPending"] = std::to_string(pending);
  attributes["SubscriptionsDeleted"] = "0";
  attributes["EffectiveDeliveryPolicy"] = DefaultEffectiveDeliveryPolicy();
  if (IsFifoTopic(*r) && !attributes.contains("ContentBasedDeduplication")) {
    attributes["ContentBasedDeduplication"] = "false";
  }
  for (auto it = attributes.begin(); it != attributes.end();) {
    // A policy set to "" was cleared.
    if (it->second.empty() && it->first != "DisplayName") {
      it = attributes.erase(it);
    } else {
      ++it;
    }
  }
  return Reply{true, EntriesXml("Attributes", attributes)};
}

Result SetTopicAttributes(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto attribute = Param(in, "AttributeName");
  if (!attribute) return Missing("AttributeName");
  const std::string value = Param(in, "AttributeValue").value_or("");
  auto name = TopicNameOf(ctx.partition, *arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  if (!IsTopicAttribute(*attribute, false)) return InvalidParameter("AttributeName");
  std::optional<ApiError> bad;
  bool found = true;
  storage::Status s = Resources(ctx.store)->Update(
      ctx.partition, ResourceKind::kSnsTopic, std::get<std::string>(name), ctx.clock.NowMillis(),
      {}, [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          found = false;
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        bad = CheckAttributeValue(*attribute, value, IsFifoTopic(*current));
        if (bad) return storage::Status::FailedPrecondition(storage::Status::Precondition::kNone);
        *out = *current;
        out->fields[std::string(kAttrPrefix) + *attribute] = value;
        return storage::Status::OK();
      });
  if (!found) return TopicNotFound();
  if (bad) return *bad;
  if (!s.ok()) return StorageError(s);
  return Reply{false, {}};
}

}  // namespace cwlogd::api::sns::detail
