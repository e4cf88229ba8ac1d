// The SNS helpers of sns_detail.h and the action table of sns_api.h.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "api/detail/arn.h"
#include "api/sns/filter_policy.h"
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns {
namespace detail {

namespace {

// `Prefix.<kind>.N.<rest>`: N and rest, when `name` has that form.
std::optional<std::pair<int, std::string>> Indexed(std::string_view name, std::string_view prefix,
                                                   std::string_view kind) {
  const std::string head = std::string(prefix) + "." + std::string(kind) + ".";
  if (!name.starts_with(head)) return std::nullopt;
  name.remove_prefix(head.size());
  const size_t dot = name.find('.');
  std::string_view digits = name.substr(0, dot);
  int n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || n < 1) return std::nullopt;
  return std::make_pair(
      n, dot == std::string_view::npos ? std::string() : std::string(name.substr(dot + 1)));
}

}  // namespace

std::optional<std::string> Param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::variant<StringMap, ApiError> MapParam(const Params& params, std::string_view prefix) {
  std::map<int, std::pair<std::optional<std::string>, std::optional<std::string>>> entries;
  for (const auto& [key, value] : params) {
    auto at = Indexed(key, prefix, "entry");
    if (!at) continue;
    if (at->second == "key") entries[at->first].first = value;
    if (at->second == "value") entries[at->first].second = value;
  }
  StringMap out;
  for (auto& [n, kv] : entries) {
    if (!kv.first) return InvalidParameter(std::string(prefix));
    out[*kv.first] = kv.second.value_or("");
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> TagsParam(const Params& params,
                                                           std::string_view prefix) {
  std::map<int, std::pair<std::string, std::string>> members;
  for (const auto& [key, value] : params) {
    auto at = Indexed(key, prefix, "member");
    if (!at) continue;
    if (at->second == "Key") members[at->first].first = value;
    if (at->second == "Value") members[at->first].second = value;
  }
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(members.size());
  for (auto& [n, kv] : members) out.push_back(std::move(kv));
  return out;
}

std::vector<std::string> ListParam(const Params& params, std::string_view prefix) {
  std::map<int, std::string> members;
  for (const auto& [key, value] : params) {
    auto at = Indexed(key, prefix, "member");
    if (at && at->second.empty()) members[at->first] = value;
  }
  std::vector<std::string> out;
  out.reserve(members.size());
  for (auto& [n, v] : members) out.push_back(std::move(v));
  return out;
}

ApiError InvalidParameter(std::string_view what) {
  return {"InvalidParameter", "Invalid parameter: " + std::string(what), 400};
}
ApiError NotFound(std::string_view message) { return {"NotFound", std::string(message), 404}; }
ApiError TopicNotFound() { return NotFound("Topic does not exist"); }
ApiError SubscriptionNotFound() { return NotFound("Subscription does not exist"); }
ApiError Missing(std::string_view member) {
  std::string lower(member);
  if (!lower.empty()) lower[0] = static_cast<char>(std::tolower(lower[0]));
  return {"ValidationError",
          "1 validation error detected: Value null at '" + lower +
              "' failed to satisfy constraint: Member must not be null",
          400};
}
ApiError StorageError(const storage::Status& s) {
  return {"InternalError", "Internal error: " + s.message(), 500};
}

std::string TopicArn(const storage::Partition& p, std::string_view topic) {
  return "arn:" + std::string(api::detail::PartitionName(p.region)) + ":sns:" + p.region + ":" +
         p.account + ":" + std::string(topic);
}

namespace {

// The fields after "arn:<partition>:sns:<region>:<account>:" when `arn` is one of `p`'s.
std::optional<std::string_view> ResourcePart(const storage::Partition& p, std::string_view arn) {
  const std::string head = TopicArn(p, "");
  if (!arn.starts_with(head)) return std::nullopt;
  return arn.substr(head.size());
}

bool ValidTopicName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

std::variant<std::string, ApiError> TopicNameOf(const storage::Partition& p, std::string_view arn,
                                                std::string_view param) {
  auto rest = ResourcePart(p, arn);
  if (!rest || !ValidTopicName(*rest)) return InvalidParameter(param);
  return std::string(*rest);
}

std::variant<std::string, ApiError> SubscriptionNameOf(const storage::Partition& p,
                                                       std::string_view arn,
                                                       std::string_view param) {
  auto rest = ResourcePart(p, arn);
  if (!rest) return InvalidParameter(param);
  const size_t colon = rest->find(':');
  if (colon == std::string_view::npos || !ValidTopicName(rest->substr(0, colon)) ||
      rest->size() == colon + 1 || rest->size() > colon + 1 + 64) {
    return InvalidParameter(param);
  }
  return std::string(*rest);
}

std::string SubscriptionArn(const storage::Partition& p, std::string_view record_name) {
  return TopicArn(p, record_name);
}

StringMap StoredAttributes(const storage::ResourceRecord& r) {
  StringMap out;
  for (const auto& [name, value] : r.fields) {
    if (name.starts_with(kAttrPrefix)) out[name.substr(kAttrPrefix.size())] = value;
  }
  return out;
}

std::string DefaultTopicPolicy(const storage::Partition& p, std::string_view topic_arn) {
  return R"({"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Effect":"Allow","Sid":"__default_statement_ID","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":")" +
         std::string(topic_arn) + R"(","Condition":{"StringEquals":{"AWS:SourceOwner":")" +
         p.account + R"("}}}]})";
}

std::string DefaultEffectiveDeliveryPolicy() {
  return R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})";
}

bool IsFifoTopic(const storage::ResourceRecord& topic) {
  auto it = topic.fields.find("a.FifoTopic");
  return it != topic.fields.end() && it->second == "true";
}

std::string IsoMillis(int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

storage::Status Enqueue(storage::LogStore& store, int64_t now_ms, const storage::Partition& p,
                        const OutboxMessage& message) {
  storage::ResourceStore* resources = Resources(store);
  if (resources == nullptr) return storage::Status::IOError("no resource store");
  nlohmann::json targets = nlohmann::json::array();
  for (const OutboxTarget& t : message.targets) {
    targets.push_back({{"arn", t.subscription_arn},
                       {"protocol", t.protocol},
                       {"endpoint", t.endpoint},
                       {"message", t.message},
                       {"raw", t.raw},
                       {"attempts", 0},
                       {"nextMs", 0},
                       {"retries", t.retries},
                       {"delayMs", t.delay_ms},
                       {"baseUrl", t.base_url}});
  }
  char stamp[24];
  std::snprintf(stamp, sizeof stamp, "%016lld", static_cast<long long>(now_ms));
  const std::string name = std::string(stamp) + ":" + message.message_id;
  return resources->Update(p, storage::ResourceKind::kSnsOutbox, name, now_ms, {},
                           [&](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                             out->fields["type"] = message.type;
                             out->fields["topicArn"] = message.topic_arn;
                             out->fields["messageId"] = message.message_id;
                             out->fields["timestamp"] = IsoMillis(now_ms);
                             if (!message.subject.empty()) out->fields["subject"] = message.subject;
                             if (!message.token.empty()) out->fields["token"] = message.token;
                             if (!message.subscribe_url.empty())
                               out->fields["subscribeUrl"] = message.subscribe_url;
                             if (!message.message_attributes.empty()) {
                               out->fields["messageAttributes"] = message.message_attributes;
                             }
                             out->fields["targets"] = targets.dump(
                                 -1, ' ', false, nlohmann::json::error_handler_t::replace);
                             return storage::Status::OK();
                           });
}

namespace {

// The retry schedule of a subscription: its DeliveryPolicy, else its topic's, else AWS's
// default (3 retries, 20 s apart). Only healthyRetryPolicy's numRetries and minDelayTarget are
// used (delays are linear, at minDelayTarget).
void ApplyRetryPolicy(const storage::ResourceRecord& sub, const storage::ResourceRecord* topic,
                      OutboxTarget* t) {
  auto read = [&](const storage::ResourceRecord& r) {
    auto it = r.fields.find("a.DeliveryPolicy");
    if (it == r.fields.end()) return false;
    nlohmann::json doc = nlohmann::json::parse(it->second, nullptr, false);
    if (!doc.is_object()) return false;
    const nlohmann::json* policy = nullptr;
    if (auto h = doc.find("healthyRetryPolicy"); h != doc.end()) policy = &*h;
    if (auto http = doc.find("http"); policy == nullptr && http != doc.end() && http->is_object()) {
      if (auto h = http->find("defaultHealthyRetryPolicy"); h != http->end()) policy = &*h;
    }
    if (policy == nullptr || !policy->is_object()) return false;
    if (auto n = policy->find("numRetries"); n != policy->end() && n->is_number_integer()) {
      t->retries = std::clamp(n->get<int>(), 0, 100);
    }
    if (auto d = policy->find("minDelayTarget"); d != policy->end() && d->is_number_integer()) {
      t->delay_ms = int64_t{std::clamp(d->get<int>(), 1, 3600)} * 1000;
    }
    return true;
  };
  if (!read(sub) && topic != nullptr) read(*topic);
}

}  // namespace

std::variant<std::vector<OutboxTarget>, ApiError> ConfirmedTargets(
    storage::LogStore& store, const storage::Partition& p, std::string_view topic_name,
    const nlohmann::json& message_attributes, std::string_view body,
    const std::function<std::string(std::string_view protocol)>& message_for) {
  storage::ResourceStore* resources = Resources(store);
  auto topic = resources->Get(p, storage::ResourceKind::kSnsTopic, topic_name);
  if (!topic.ok()) {
    if (topic.status().IsNotFound()) return TopicNotFound();
    return StorageError(topic.status());
  }
  std::vector<OutboxTarget> out;
  storage::Status s = resources->List(
      p, storage::ResourceKind::kSnsSubscription, std::string(topic_name) + ":", "",
      [&](const storage::ResourceRecord& sub) {
        auto confirmed = sub.fields.find(std::string(kConfirmed));
        if (confirmed == sub.fields.end() || confirmed->second != "true") return true;
        if (!FilterPolicyMatches(sub.FieldOrEmpty(std::string(kAttrPrefix) + "FilterPolicy"),
                                 ParseFilterPolicyScope(sub.FieldOrEmpty(std::string(kAttrPrefix) +
                                                                         "FilterPolicyScope")),
                                 message_attributes, body)) {
          return true;
        }
        OutboxTarget t;
        t.subscription_arn = SubscriptionArn(p, sub.name);
        t.protocol = sub.fields.at(std::string(kProtocol));
        // sqs, lambda, firehose, application and sms subscriptions are kept, never delivered.
        if (t.protocol != "http" && t.protocol != "https" && t.protocol != "email" &&
            t.protocol != "email-json") {
          return true;
        }
        t.endpoint = sub.fields.at(std::string(kEndpoint));
        if (auto base = sub.fields.find(std::string(kBaseUrl)); base != sub.fields.end()) {
          t.base_url = base->second;
        }
        t.message = message_for(t.protocol);
        auto raw = sub.fields.find("a.RawMessageDelivery");
        t.raw = raw != sub.fields.end() && raw->second == "true";
        ApplyRetryPolicy(sub, &*topic, &t);
        out.push_back(std::move(t));
        return true;
      });
  if (!s.ok()) return StorageError(s);
  return out;
}

std::string Element(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + api::detail::XmlEscape(text) + "</" + std::string(name) +
         ">";
}

std::string EntriesXml(std::string_view name, const StringMap& map) {
  std::string out = "<" + std::string(name) + ">";
  for (const auto& [k, v] : map) {
    out += "<entry>" + Element("key", k) + Element("value", v) + "</entry>";
  }
  return out + "</" + std::string(name) + ">";
}

storage::ResourceStore* Resources(storage::LogStore& store) { return store.resource_store(); }

}  // namespace detail

namespace {

using Handler = detail::Result (*)(const Params&, Context&);

struct Action {
  std::string_view name;
  Handler handler;
};

// Sorted by name.
constexpr Action kActions[] = {
    {"ConfirmSubscription", &detail::ConfirmSubscription},
    {"CreateTopic", &detail::CreateTopic},
    {"DeleteTopic", &detail::DeleteTopic},
    {"GetSubscriptionAttributes", &detail::GetSubscriptionAttributes},
    {"GetTopicAttributes", &detail::GetTopicAttributes},
    {"ListSubscriptions", &detail::ListSubscriptions},
    {"ListSubscriptionsByTopic", &detail::ListSubscriptionsByTopic},
    {"ListTagsForResource", &detail::ListTagsForResource},
    {"ListTopics", &detail::ListTopics},
    {"Publish", &detail::Publish},
    {"PublishBatch", &detail::PublishBatch},
    {"SetSubscriptionAttributes", &detail::SetSubscriptionAttributes},
    {"SetTopicAttributes", &detail::SetTopicAttributes},
    {"Subscribe", &detail::Subscribe},
    {"TagResource", &detail::TagResource},
    {"Unsubscribe", &detail::Unsubscribe},
    {"UntagResource", &detail::UntagResource},
};

}  // namespace

std::variant<Reply, ApiError> Handle(std::string_view action, const Params& params, Context& ctx) {
  for (const Action& a : kActions) {
    if (a.name == action) {
      if (detail::Resources(ctx.store) == nullptr) {
        return ApiError{"InternalError", "This store keeps no SNS resources.", 500};
      }
      return a.handler(params, ctx);
    }
  }
  return ApiError{"InvalidAction",
                  "The action " + std::string(action) + " is not valid for this web service.", 400};
}

bool IsLinkAction(std::string_view action) {
  return action == "ConfirmSubscription" || action == "Unsubscribe";
}

std::optional<storage::Partition> PartitionOfLink(const Params& params) {
  auto arn = detail::Param(params, "TopicArn");
  if (!arn) arn = detail::Param(params, "SubscriptionArn");
  if (!arn) return std::nullopt;
  // arn:<partition>:sns:<region>:<account>:...
  std::vector<std::string_view> parts;
  std::string_view rest = *arn;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(rest.substr(0, colon));
    rest.remove_prefix(colon + 1);
  }
  if (parts[0] != "arn" || parts[2] != "sns" || parts[3].empty() || parts[4].size() != 12) {
    return std::nullopt;
  }
  return storage::Partition{std::string(parts[4]), std::string(parts[3])};
}

}  // namespace cwlogd::api::sns
