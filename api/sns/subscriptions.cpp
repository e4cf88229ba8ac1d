// Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic,
// GetSubscriptionAttributes, SetSubscriptionAttributes.
#include <algorithm>
#include <array>

#include "api/detail/insights.h"
#include "api/detail/tokens.h"
#include "api/sns/filter_policy.h"
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns::detail {

namespace {

using storage::ResourceKind;

constexpr size_t kSubscriptionPageSize = 100;

constexpr std::array<std::string_view, 9> kProtocols = {
    "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"};

bool NeedsConfirmation(std::string_view protocol) {
  return protocol == "http" || protocol == "https" || protocol == "email" ||
         protocol == "email-json";
}

bool IsSubscriptionAttribute(std::string_view name) {
  return name == "DeliveryPolicy" || name == "FilterPolicy" || name == "FilterPolicyScope" ||
         name == "RawMessageDelivery" || name == "RedrivePolicy" || name == "SubscriptionRoleArn" ||
         name == "ReplayPolicy";
}

std::optional<ApiError> CheckSubscriptionAttribute(std::string_view name, std::string_view value) {
  if (name == "RawMessageDelivery" && value != "true" && value != "false") {
    return InvalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" +
                            std::string(value) + "]. Must be true or false.");
  }
  if (name == "FilterPolicyScope" && value != "MessageAttributes" && value != "MessageBody") {
    return InvalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" +
                            std::string(value) +
                            "]. Please use either MessageBody or MessageAttributes");
  }
  if ((name == "DeliveryPolicy" || name == "RedrivePolicy" || name == "ReplayPolicy") &&
      !value.empty()) {
    nlohmann::json doc = nlohmann::json::parse(value, nullptr, false);
    if (!doc.is_object()) {
      return InvalidParameter(std::string(name) + ": failed to parse JSON.");
    }
  }
  return std::nullopt;
}

// FilterPolicy against the scope it is read with ("" = MessageAttributes, the default).
std::optional<ApiError> CheckFilterPolicyAttribute(std::string_view policy,
                                                   std::string_view scope) {
  auto reason = CheckFilterPolicy(policy, ParseFilterPolicyScope(scope));
  if (reason) return InvalidParameter("FilterPolicy: " + *reason);
  return std::nullopt;
}

std::optional<ApiError> CheckEndpoint(std::string_view protocol, std::string_view endpoint) {
  if (protocol == "http" || protocol == "https") {
    const std::string scheme = std::string(protocol) + "://";
    if (!endpoint.starts_with(scheme) || endpoint.size() == scheme.size()) {
      return InvalidParameter("Endpoint must match the specified protocol");
    }
  } else if (protocol == "email" || protocol == "email-json") {
    const size_t at = endpoint.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == endpoint.size() ||
        endpoint.find_first_of(" \r\n<>,;") != std::string_view::npos) {
      return InvalidParameter("Email address");
    }
  } else if (endpoint.empty()) {
    return InvalidParameter("Endpoint");
  }
  return std::nullopt;
}

std::string NewToken() {
  std::string token;
  while (token.size() < 128) {
    for (char c : api::detail::NewUuid()) {
      if (c != '-') token.push_back(c);
    }
  }
  return token;
}

bool Confirmed(const storage::ResourceRecord& r) { return r.FieldOrEmpty(kConfirmed) == "true"; }

std::string TopicOfRecord(std::string_view record_name) {
  return std::string(record_name.substr(0, record_name.find(':')));
}

// The SubscriptionConfirmation (or, for an unsubscribe, UnsubscribeConfirmation) to send.
OutboxMessage ConfirmationMessage(const Context& ctx, const storage::ResourceRecord& sub,
                                  bool unsubscribe) {
  const std::string topic_arn = TopicArn(ctx.partition, TopicOfRecord(sub.name));
  const std::string sub_arn = SubscriptionArn(ctx.partition, sub.name);
  OutboxMessage m;
  m.type = unsubscribe ? "UnsubscribeConfirmation" : "SubscriptionConfirmation";
  m.topic_arn = topic_arn;
  m.message_id = api::detail::NewUuid();
  m.token = sub.FieldOrEmpty(kToken);
  m.subscribe_url =
      ctx.base_url + "/?Action=ConfirmSubscription&TopicArn=" + topic_arn + "&Token=" + m.token;
  OutboxTarget t;
  t.subscription_arn = sub_arn;
  t.protocol = sub.FieldOrEmpty(kProtocol);
  t.endpoint = sub.FieldOrEmpty(kEndpoint);
  t.base_url = ctx.base_url;
  t.message = unsubscribe ? "You have chosen to deactivate subscription " + sub_arn +
                                ".\nTo cancel this operation and restore the subscription, visit "
                                "the SubscribeURL included in this message."
                          : "You have chosen to subscribe to the topic " + topic_arn +
                                ".\nTo confirm the subscription, visit the SubscribeURL included "
                                "in this message.";
  m.targets.push_back(std::move(t));
  return m;
}

std::string MemberXml(const Context& ctx, const storage::ResourceRecord& sub) {
  return "<member>" +
         Element("SubscriptionArn", Confirmed(sub) ? SubscriptionArn(ctx.partition, sub.name)
                                                   : std::string("PendingConfirmation")) +
         Element("Owner", ctx.partition.account) +
         Element("Protocol", sub.FieldOrEmpty(kProtocol)) +
         Element("Endpoint", sub.FieldOrEmpty(kEndpoint)) +
         Element("TopicArn", TopicArn(ctx.partition, TopicOfRecord(sub.name))) + "</member>";
}

Result ListPage(const Params& in, Context& ctx, std::string_view operation,
                const std::string& prefix) {
  std::string start_after;
  if (auto token = Param(in, "NextToken")) {
    api::detail::TokenReader reader(*token, api::detail::token_kind::kSnsListPage, ctx.partition);
    const std::string op = reader.ok() ? reader.Str() : "";
    start_after = reader.ok() ? reader.Str() : "";
    if (!reader.Done() || op != operation || !start_after.starts_with(prefix)) {
      return InvalidParameter("NextToken");
    }
  }
  std::string members;
  std::string last;
  size_t count = 0;
  bool more = false;
  storage::Status s =
      Resources(ctx.store)->List(ctx.partition, ResourceKind::kSnsSubscription, prefix, start_after,
                                 [&](const storage::ResourceRecord& r) {
                                   if (count == kSubscriptionPageSize) {
                                     more = true;
                                     return false;
                                   }
                                   members += MemberXml(ctx, r);
                                   last = r.name;
                                   ++count;
                                   return true;
                                 });
  if (!s.ok()) return StorageError(s);
  std::string xml = "<Subscriptions>" + members + "</Subscriptions>";
  if (more) {
    xml += Element("NextToken",
                   api::detail::TokenWriter(api::detail::token_kind::kSnsListPage, ctx.partition)
                       .Str(operation)
                       .Str(last)
                       .Finish());
  }
  return Reply{true, xml};
}

// The subscription named by the SubscriptionArn parameter.
std::variant<storage::ResourceRecord, ApiError> SubscriptionOf(const Params& in, Context& ctx) {
  auto arn = Param(in, "SubscriptionArn");
  if (!arn) return Missing("SubscriptionArn");
  auto name = SubscriptionNameOf(ctx.partition, *arn, "SubscriptionId");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  auto r = Resources(ctx.store)->Get(ctx.partition, ResourceKind::kSnsSubscription,
                                     std::get<std::string>(name));
  if (!r.ok()) return r.status().IsNotFound() ? SubscriptionNotFound() : StorageError(r.status());
  return *std::move(r);
}

}  // namespace

Result Subscribe(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto protocol = Param(in, "Protocol");
  if (!protocol) return Missing("Protocol");
  const std::string endpoint = Param(in, "Endpoint").value_or("");
  const bool return_arn = Param(in, "ReturnSubscriptionArn").value_or("false") == "true";
  auto name = TopicNameOf(ctx.partition, *arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  const std::string& topic = std::get<std::string>(name);
  if (std::find(kProtocols.begin(), kProtocols.end(), *protocol) == kProtocols.end()) {
    return InvalidParameter("Amazon SNS does not support this protocol string: " + *protocol);
  }
  if (auto e = CheckEndpoint(*protocol, endpoint)) return *e;
  auto attributes_or = MapParam(in, "Attributes");
  if (auto* e = std::get_if<ApiError>(&attributes_or)) return *e;
  const StringMap& attributes = std::get<StringMap>(attributes_or);
  for (const auto& [key, value] : attributes) {
    if (!IsSubscriptionAttribute(key))
      return InvalidParameter("Attributes Reason: Unknown attribute");
    if (auto e = CheckSubscriptionAttribute(key, value)) return *e;
  }
  if (auto policy = attributes.find("FilterPolicy"); policy != attributes.end()) {
    auto scope = attributes.find("FilterPolicyScope");
    if (auto e = CheckFilterPolicyAttribute(policy->second,
                                            scope == attributes.end() ? "" : scope->second)) {
      return *e;
    }
  }
  storage::ResourceStore* store = Resources(ctx.store);
  auto topic_record = store->Get(ctx.partition, ResourceKind::kSnsTopic, topic);
  if (!topic_record.ok()) {
    return topic_record.status().IsNotFound() ? TopicNotFound()
                                              : StorageError(topic_record.status());
  }
  // The same protocol and endpoint again: that subscription (a pending one gets its
  // confirmation message again, as AWS resends it).
  std::optional<storage::ResourceRecord> existing;
  storage::Status s = store->List(
      ctx.partition, ResourceKind::kSnsSubscription, topic + ":", "",
      [&](const storage::ResourceRecord& r) {
        if (r.FieldOrEmpty(kProtocol) == *protocol && r.FieldOrEmpty(kEndpoint) == endpoint) {
          existing = r;
          return false;
        }
        return true;
      });
  if (!s.ok()) return StorageError(s);
  storage::ResourceRecord sub;
  if (existing) {
    sub = *existing;
  } else {
    const std::string record_name = topic + ":" + api::detail::NewUuid();
    s = store->Update(
        ctx.partition, ResourceKind::kSnsSubscription, record_name, ctx.clock.NowMillis(), {},
        [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
          out->fields[std::string(kProtocol)] = *protocol;
          out->fields[std::string(kEndpoint)] = endpoint;
          out->fields[std::string(kToken)] = NewToken();
          out->fields[std::string(kBaseUrl)] = ctx.base_url;
          out->fields[std::string(kConfirmed)] = NeedsConfirmation(*protocol) ? "false" : "true";
          for (const auto& [key, value] : attributes) {
            out->fields[std::string(kAttrPrefix) + key] = value;
          }
          sub = *out;
          sub.name = record_name;
          return storage::Status::OK();
        });
    if (!s.ok()) return StorageError(s);
  }
  if (!Confirmed(sub)) {
    s = Enqueue(ctx.store, ctx.clock.NowMillis(), ctx.partition,
                ConfirmationMessage(ctx, sub, false));
    if (!s.ok()) return StorageError(s);
  }
  const std::string shown = Confirmed(sub) || return_arn ? SubscriptionArn(ctx.partition, sub.name)
                                                         : std::string("pending confirmation");
  return Reply{true, Element("SubscriptionArn", shown)};
}

Result ConfirmSubscription(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto token = Param(in, "Token");
  if (!token) return Missing("Token");
  const bool authenticate = Param(in, "AuthenticateOnUnsubscribe").value_or("") == "true";
  auto name = TopicNameOf(ctx.partition, *arn, "Topic");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  const std::string& topic = std::get<std::string>(name);
  storage::ResourceStore* store = Resources(ctx.store);
  auto topic_record = store->Get(ctx.partition, ResourceKind::kSnsTopic, topic);
  if (!topic_record.ok()) {
    return topic_record.status().IsNotFound() ? TopicNotFound()
                                              : StorageError(topic_record.status());
  }
  std::optional<std::string> record_name;
  storage::Status s = store->List(ctx.partition, ResourceKind::kSnsSubscription, topic + ":", "",
                                  [&](const storage::ResourceRecord& r) {
                                    if (!token->empty() && r.FieldOrEmpty(kToken) == *token) {
                                      record_name = r.name;
                                      return false;
                                    }
                                    return true;
                                  });
  if (!s.ok()) return StorageError(s);
  if (!record_name) return InvalidParameter("Token");
  s = store->Update(ctx.partition, ResourceKind::kSnsSubscription, *record_name,
                    ctx.clock.NowMillis(), {},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      if (current == nullptr) {
                        return storage::Status::NotFound(storage::Status::Resource::kResource);
                      }
                      *out = *current;
                      out->fields[std::string(kConfirmed)] = "true";
                      if (authenticate) out->fields["confirmationAuthenticated"] = "true";
                      return storage::Status::OK();
                    });
  if (s.IsNotFound()) return InvalidParameter("Token");
  if (!s.ok()) return StorageError(s);
  return Reply{true, Element("SubscriptionArn", SubscriptionArn(ctx.partition, *record_name))};
}

Result Unsubscribe(const Params& in, Context& ctx) {
  auto arn = Param(in, "SubscriptionArn");
  if (!arn) return Missing("SubscriptionArn");
  auto name = SubscriptionNameOf(ctx.partition, *arn, "SubscriptionArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  storage::ResourceStore* store = Resources(ctx.store);
  auto sub = store->Get(ctx.partition, ResourceKind::kSnsSubscription, std::get<std::string>(name));
  if (!sub.ok()) {
    if (sub.status().IsNotFound()) return Reply{false, {}};  // already gone: nothing to do
    return StorageError(sub.status());
  }
  storage::Status s =
      store->Delete(ctx.partition, ResourceKind::kSnsSubscription, std::get<std::string>(name));
  if (!s.ok() && !s.IsNotFound()) return StorageError(s);
  const std::string protocol = sub->FieldOrEmpty(kProtocol);
  if (Confirmed(*sub) && (protocol == "http" || protocol == "https")) {
    s = Enqueue(ctx.store, ctx.clock.NowMillis(), ctx.partition,
                ConfirmationMessage(ctx, *sub, true));
    if (!s.ok()) return StorageError(s);
  }
  return Reply{false, {}};
}

Result ListSubscriptions(const Params& in, Context& ctx) {
  return ListPage(in, ctx, "ListSubscriptions", "");
}

Result ListSubscriptionsByTopic(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  auto name = TopicNameOf(ctx.partition, *arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  const std::string& topic = std::get<std::string>(name);
  auto r = Resources(ctx.store)->Get(ctx.partition, ResourceKind::kSnsTopic, topic);
  if (!r.ok()) return r.status().IsNotFound() ? TopicNotFound() : StorageError(r.status());
  return ListPage(in, ctx, "ListSubscriptionsByTopic", topic + ":");
}

Result GetSubscriptionAttributes(const Params& in, Context& ctx) {
  auto sub_or = SubscriptionOf(in, ctx);
  if (auto* e = std::get_if<ApiError>(&sub_or)) return *e;
  const storage::ResourceRecord& sub = std::get<storage::ResourceRecord>(sub_or);
  StringMap attributes = StoredAttributes(sub);
  const std::string protocol = sub.FieldOrEmpty(kProtocol);
  attributes["ConfirmationWasAuthenticated"] =
      sub.FieldOrEmpty("confirmationAuthenticated") == "true" ? "true" : "false";
  attributes["Endpoint"] = sub.FieldOrEmpty(kEndpoint);
  attributes["Owner"] = ctx.partition.account;
  attributes["PendingConfirmation"] = Confirmed(sub) ? "false" : "true";
  attributes["Protocol"] = protocol;
  if (!attributes.contains("RawMessageDelivery")) attributes["RawMessageDelivery"] = "false";
  attributes["SubscriptionArn"] = SubscriptionArn(ctx.partition, sub.name);
  attributes["TopicArn"] = TopicArn(ctx.partition, TopicOfRecord(sub.name));
  if (protocol == "http" || protocol == "https") {
    attributes["EffectiveDeliveryPolicy"] = DefaultEffectiveDeliveryPolicy();
  }
  if (attributes.contains("FilterPolicy") && !attributes.contains("FilterPolicyScope")) {
    attributes["FilterPolicyScope"] = "MessageAttributes";
  }
  for (auto it = attributes.begin(); it != attributes.end();) {
    if (it->second.empty() && it->first != "Endpoint") {
      it = attributes.erase(it);
    } else {
      ++it;
    }
  }
  return Reply{true, EntriesXml("Attributes", attributes)};
}

Result SetSubscriptionAttributes(const Params& in, Context& ctx) {
  auto arn = Param(in, "SubscriptionArn");
  if (!arn) return Missing("SubscriptionArn");
  auto attribute = Param(in, "AttributeName");
  if (!attribute) return Missing("AttributeName");
  const std::string value = Param(in, "AttributeValue").value_or("");
  auto name = SubscriptionNameOf(ctx.partition, *arn, "SubscriptionId");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  if (!IsSubscriptionAttribute(*attribute)) return InvalidParameter("AttributeName");
  if (auto e = CheckSubscriptionAttribute(*attribute, value)) return *e;
  bool found = true;
  std::optional<ApiError> invalid;
  storage::Status s = Resources(ctx.store)->Update(
      ctx.partition, ResourceKind::kSnsSubscription, std::get<std::string>(name),
      ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          found = false;
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        out->fields[std::string(kAttrPrefix) + *attribute] = value;
        // A policy is checked against the scope it will be read with, either one changing.
        if (*attribute == "FilterPolicy" || *attribute == "FilterPolicyScope") {
          invalid = CheckFilterPolicyAttribute(
              out->FieldOrEmpty(std::string(kAttrPrefix) + "FilterPolicy"),
              out->FieldOrEmpty(std::string(kAttrPrefix) + "FilterPolicyScope"));
          if (invalid) return storage::Status::InvalidArgument("filter policy");
        }
        return storage::Status::OK();
      });
  if (invalid) return *invalid;
  if (!found) return SubscriptionNotFound();
  if (!s.ok()) return StorageError(s);
  return Reply{false, {}};
}

}  // namespace cwlogd::api::sns::detail
