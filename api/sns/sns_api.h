// Amazon SNS (2010-03-31, AWS query protocol) on cwlogd's port: topics, subscriptions, tags and
// Publish, stored in the ResourceStore (kinds kSnsTopic, kSnsSubscription, kSnsOutbox). Publish
// and Subscribe write the deliveries to make into the outbox (one record, one RocksDB write)
// before answering; api/sns/sns_delivery.h sends them. docs/sns.md.
// Thread-safe: handlers run concurrently; the ResourceStore serializes each kind's changes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "api/api_error.h"
#include "storage/clock.h"
#include "storage/log_store.h"

namespace cwlogd::api::sns {

inline constexpr std::string_view kXmlNamespace = "http://sns.amazonaws.com/doc/2010-03-31/";

// A request's form parameters, percent-decoded, in order (server/cloudwatch/query_form.h).
using Params = std::vector<std::pair<std::string, std::string>>;

struct Context {
  storage::LogStore& store;
  const storage::Clock& clock;
  storage::Partition partition;
  // "http://host:port" of this server as the client reached it: SubscribeURL and UnsubscribeURL
  // of the messages point here.
  std::string base_url;
};

// The inside of <ActionResult> (empty with has_result false: the operation has no output).
struct Reply {
  bool has_result = true;
  std::string result_xml;
};

// Runs `Action` (e.g. "CreateTopic"). An unknown action gives InvalidAction (400), as AWS SNS.
// Error types are SNS's query codes ("NotFound", "InvalidParameter", ...).
std::variant<Reply, ApiError> Handle(std::string_view action, const Params& params, Context& ctx);

// The actions a signed request may not need: the SubscribeURL / UnsubscribeURL links a receiver
// follows with a plain GET (ConfirmSubscription, Unsubscribe). Their partition comes from the ARN
// they carry; nullopt when it is no SNS ARN.
bool IsLinkAction(std::string_view action);
std::optional<storage::Partition> PartitionOfLink(const Params& params);

// For CloudWatch alarm actions: publishes `message` (with `subject`, may be empty = none) to the
// topic `topic_arn` of `partition`, as the Publish action does. kAccepted when every delivery to
// the topic's confirmed subscriptions is durably in the outbox, also when the topic has no
// confirmed subscription (nothing to deliver); kNoSuchTopic when the ARN names no topic of this
// partition (retrying cannot help); kUnavailable when the store failed (retry later).
enum class PublishStatus { kAccepted, kNoSuchTopic, kUnavailable };
PublishStatus Publish(storage::LogStore& store, const storage::Clock& clock,
                      const storage::Partition& partition, std::string_view topic_arn,
                      std::string_view subject, std::string_view message);

}  // namespace cwlogd::api::sns
