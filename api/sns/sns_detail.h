// What the SNS handlers share: reading query parameters, SNS's errors, ARNs, the stored shape of
// topics, subscriptions and outbox records, and XML text. Internal to api/sns.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/detail/xml_text.h"
#include "api/sns/sns_api.h"
#include "storage/resource_store.h"

namespace cwlogd::api::sns::detail {

using Result = std::variant<Reply, ApiError>;
using StringMap = std::map<std::string, std::string>;

// --- parameters ---
std::optional<std::string> Param(const Params& params, std::string_view name);
// `Prefix.entry.N.key` / `.value` (maps): InvalidParameter when an entry lacks its key.
std::variant<StringMap, ApiError> MapParam(const Params& params, std::string_view prefix);
// `Prefix.member.N.Key` / `.Value` (tag lists), in N order.
std::vector<std::pair<std::string, std::string>> TagsParam(const Params& params,
                                                           std::string_view prefix);
// `Prefix.member.N` (string lists), in N order.
std::vector<std::string> ListParam(const Params& params, std::string_view prefix);

// --- errors, as SNS names them ---
ApiError InvalidParameter(std::string_view what);  // "Invalid parameter: <what>"
ApiError NotFound(std::string_view message);       // 404
ApiError TopicNotFound();                          // NotFound "Topic does not exist"
ApiError SubscriptionNotFound();                   // NotFound "Subscription does not exist"
ApiError Missing(std::string_view member);         // ValidationError "... Member must not be null"
ApiError StorageError(const storage::Status& s);

// --- ARNs ---
std::string TopicArn(const storage::Partition& p, std::string_view topic);
// The topic name of an ARN of this partition; InvalidParameter "Invalid parameter: <param>"
// (e.g. "TopicArn") when it is no SNS topic ARN of this account and region.
std::variant<std::string, ApiError> TopicNameOf(const storage::Partition& p, std::string_view arn,
                                                std::string_view param);
// A subscription's record name (<topic>:<id>) from its ARN.
std::variant<std::string, ApiError> SubscriptionNameOf(const storage::Partition& p,
                                                       std::string_view arn,
                                                       std::string_view param);
std::string SubscriptionArn(const storage::Partition& p, std::string_view record_name);

// --- stored topics and subscriptions ---
// A topic's or subscription's attributes are fields named "a.<Attribute>".
inline constexpr std::string_view kAttrPrefix = "a.";
StringMap StoredAttributes(const storage::ResourceRecord& r);
std::string DefaultTopicPolicy(const storage::Partition& p, std::string_view topic_arn);
std::string DefaultEffectiveDeliveryPolicy();
bool IsFifoTopic(const storage::ResourceRecord& topic);

// Subscription record fields.
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kEndpoint = "endpoint";
inline constexpr std::string_view kToken = "token";
inline constexpr std::string_view kConfirmed = "confirmed";  // "true" / "false"
inline constexpr std::string_view kBaseUrl = "baseUrl";      // Context::base_url at Subscribe

// --- the outbox (kSnsOutbox records) ---
// Fields: "type" (Notification | SubscriptionConfirmation | UnsubscribeConfirmation),
// "topicArn", "messageId", "timestamp" (ISO), "subject" (absent = none), "token",
// "subscribeUrl", "unsubscribeUrl" and "targets": a JSON array of
// {"arn","protocol","endpoint","message","raw","attempts","nextMs","retries","delayMs",
// "baseUrl"} — one
// per delivery still to make; the record is deleted when the last one is done.
struct OutboxTarget {
  std::string subscription_arn;
  std::string protocol;
  std::string endpoint;
  std::string message;  // the text this protocol gets
  bool raw = false;     // RawMessageDelivery
  int retries = 3;      // from the effective delivery policy
  int64_t delay_ms = 20000;
  // "http://host:port" of this server as the subscriber's creator reached it: the message's
  // UnsubscribeURL and SigningCertURL point there.
  std::string base_url;
};
struct OutboxMessage {
  std::string type;
  std::string topic_arn;
  std::string message_id;
  std::string subject;  // empty = none
  std::string token;
  std::string subscribe_url;
  std::string message_attributes;  // JSON object text ({"n":{"Type":..,"Value":..}}); "" = none
  std::vector<OutboxTarget> targets;
};
// One record, one write: durable once this returns OK.
storage::Status Enqueue(storage::LogStore& store, int64_t now_ms, const storage::Partition& p,
                        const OutboxMessage& message);

// Notifications of a published message to the topic's confirmed subscriptions whose filter
// policy it passes (filter_policy.h: against `message_attributes`, the notification's
// MessageAttributes JSON, or `body`, the message as published), with per-protocol messages from
// a MessageStructure=json body already resolved by `message_for`.
std::variant<std::vector<OutboxTarget>, ApiError> ConfirmedTargets(
    storage::LogStore& store, const storage::Partition& p, std::string_view topic_name,
    const nlohmann::json& message_attributes, std::string_view body,
    const std::function<std::string(std::string_view protocol)>& message_for);

// ISO 8601 with milliseconds and Z, as SNS's Timestamp.
std::string IsoMillis(int64_t ms);

// --- XML --- (escaping: api/detail/xml_text.h)
std::string Element(std::string_view name, std::string_view text);    // <n>escaped</n>
std::string EntriesXml(std::string_view name, const StringMap& map);  // <n><entry><key>..

storage::ResourceStore* Resources(storage::LogStore& store);

// Handlers (one file per family: topics.cpp, subscriptions.cpp, publish.cpp, tags.cpp).
Result CreateTopic(const Params& in, Context& ctx);
Result DeleteTopic(const Params& in, Context& ctx);
Result ListTopics(const Params& in, Context& ctx);
Result GetTopicAttributes(const Params& in, Context& ctx);
Result SetTopicAttributes(const Params& in, Context& ctx);
Result Subscribe(const Params& in, Context& ctx);
Result ConfirmSubscription(const Params& in, Context& ctx);
Result Unsubscribe(const Params& in, Context& ctx);
Result ListSubscriptions(const Params& in, Context& ctx);
Result ListSubscriptionsByTopic(const Params& in, Context& ctx);
Result GetSubscriptionAttributes(const Params& in, Context& ctx);
Result SetSubscriptionAttributes(const Params& in, Context& ctx);
Result Publish(const Params& in, Context& ctx);
Result PublishBatch(const Params& in, Context& ctx);
Result TagResource(const Params& in, Context& ctx);
Result UntagResource(const Params& in, Context& ctx);
Result ListTagsForResource(const Params& in, Context& ctx);

}  // namespace cwlogd::api::sns::detail
