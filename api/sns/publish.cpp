// Publish, PublishBatch and sns::Publish (for alarm actions): validation, then one outbox record
// with a delivery per confirmed subscription, written before the answer.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "api/detail/insights.h"
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns {
namespace detail {

namespace {

using storage::ResourceKind;

constexpr size_t kMaxMessageBytes = 262144;
constexpr size_t kMaxBatchEntries = 10;

struct PublishInput {
  std::optional<std::string> message;
  std::optional<std::string> subject;
  std::optional<std::string> structure;
  std::optional<std::string> group_id;
  std::optional<std::string> dedup_id;
  Params attribute_params;  // MessageAttributes.entry.N.* with the prefix cut to "entry.N.*"
};

// Reads the Publish members at `prefix` ("" for Publish, "PublishBatchRequestEntries.member.N."
// for a batch entry).
PublishInput ReadInput(const Params& in, const std::string& prefix) {
  PublishInput out;
  out.message = Param(in, prefix + "Message");
  out.subject = Param(in, prefix + "Subject");
  out.structure = Param(in, prefix + "MessageStructure");
  out.group_id = Param(in, prefix + "MessageGroupId");
  out.dedup_id = Param(in, prefix + "MessageDeduplicationId");
  const std::string attrs = prefix + "MessageAttributes.";
  for (const auto& [key, value] : in) {
    if (key.starts_with(attrs)) out.attribute_params.emplace_back(key.substr(attrs.size()), value);
  }
  return out;
}

// The index N at the start of `text` ("12.Name" -> 12); 0 when there is none or it is too big.
int LeadingIndex(std::string_view text) {
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr == text.data()) return 0;
  return n;
}

ApiError ParameterValueInvalid(std::string message) {
  return {"ParameterValueInvalid", std::move(message), 400};
}

// MessageAttributes as the JSON the notifications carry, and their size in bytes.
std::variant<nlohmann::json, ApiError> MessageAttributes(const Params& entries, size_t* bytes) {
  struct Attribute {
    std::string name, type, string_value, binary_value;
    bool has_string = false, has_binary = false;
  };
  std::map<int, Attribute> by_index;
  for (const auto& [key, value] : entries) {
    // entry.N.Name / entry.N.Value.DataType / .StringValue / .BinaryValue
    if (!key.starts_with("entry.")) continue;
    std::string_view rest = std::string_view(key).substr(6);
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos) continue;
    const int n = LeadingIndex(rest.substr(0, dot));
    if (n < 1) continue;
    std::string_view member = rest.substr(dot + 1);
    Attribute& a = by_index[n];
    if (member == "Name") a.name = value;
    if (member == "Value.DataType") a.type = value;
    if (member == "Value.StringValue") {
      a.string_value = value;
      a.has_string = true;
    }
    if (member == "Value.BinaryValue") {
      a.binary_value = value;
      a.has_binary = true;
    }
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [n, a] : by_index) {
    if (a.name.empty()) return InvalidParameter("MessageAttributes");
    if (a.name.size() >= 256) {
      return ParameterValueInvalid("Length of message attribute name must be less than 256 bytes.");
    }
    const bool is_string = a.type.starts_with("String");
    const bool is_number = a.type.starts_with("Number");
    const bool is_binary = a.type.starts_with("Binary");
    if (!is_string && !is_number && !is_binary) {
      return ParameterValueInvalid(
          "The message attribute '" + a.name +
          "' has an invalid message attribute type, the set of supported type prefixes is "
          "Binary, Number, and String.");
    }
    const std::string& value = is_binary ? a.binary_value : a.string_value;
    if ((is_binary && !a.has_binary) || (!is_binary && (!a.has_string || value.empty()))) {
      return ParameterValueInvalid("The message attribute '" + a.name +
                                   "' must contain non-empty message attribute value for "
                                   "message attribute type '" +
                                   a.type + "'.");
    }
    *bytes += a.name.size() + a.type.size() + value.size();
    out[a.name] = {{"Type", a.type}, {"Value", value}};
  }
  return out;
}

bool BadSubject(std::string_view subject) {
  if (subject.empty() || subject.size() >= 100) return true;
  return std::any_of(subject.begin(), subject.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

struct Published {
  std::string message_id;
  std::string sequence_number;  // FIFO topics
};

// Validates one message and writes its deliveries. `topic` exists (read by the caller).
std::variant<Published, ApiError> PublishOne(storage::LogStore& store, int64_t now_ms,
                                             const storage::Partition& p,
                                             const storage::ResourceRecord& topic,
                                             const PublishInput& input) {
  if (!input.message) return Missing("Message");
  if (input.message->empty()) return InvalidParameter("Empty message");
  if (input.subject && BadSubject(*input.subject)) return InvalidParameter("Subject");
  size_t bytes = input.message->size();
  auto attributes = MessageAttributes(input.attribute_params, &bytes);
  if (auto* e = std::get_if<ApiError>(&attributes)) return *e;
  if (bytes > kMaxMessageBytes) return InvalidParameter("Message too long");
  nlohmann::json structured;
  if (input.structure) {
    if (*input.structure != "json") return InvalidParameter("MessageStructure");
    structured = nlohmann::json::parse(*input.message, nullptr, false);
    if (structured.is_discarded() || !structured.is_object()) {
      return InvalidParameter("Message Structure - JSON message body failed to parse");
    }
    auto def = structured.find("default");
    if (def == structured.end() || !def->is_string()) {
      return InvalidParameter("Message Structure - No default entry in JSON message body");
    }
  }
  const bool fifo = IsFifoTopic(topic);
  if (fifo) {
    if (!input.group_id) {
      return InvalidParameter("The MessageGroupId parameter is required for FIFO topics");
    }
    auto cbd = topic.fields.find("a.ContentBasedDeduplication");
    if (!input.dedup_id && (cbd == topic.fields.end() || cbd->second != "true")) {
      return InvalidParameter(
          "The topic should either have ContentBasedDeduplication enabled or "
          "MessageDeduplicationId provided explicitly");
    }
  } else if (input.dedup_id) {
    return InvalidParameter(
        "MessageDeduplicationId Reason: The request includes "
        "MessageDeduplicationId parameter that is not valid for this topic "
        "type");
  }
  auto message_for = [&](std::string_view protocol) -> std::string {
    if (structured.is_null()) return *input.message;
    auto it = structured.find(std::string(protocol));
    if (it != structured.end() && it->is_string()) return it->get<std::string>();
    return structured["default"].get<std::string>();
  };
  const nlohmann::json& attrs = std::get<nlohmann::json>(attributes);
  auto targets = ConfirmedTargets(store, p, topic.name, attrs, *input.message, message_for);
  if (auto* e = std::get_if<ApiError>(&targets)) return *e;
  Published out;
  out.message_id = api::detail::NewUuid();
  if (fifo) {
    char seq[24];
    std::snprintf(seq, sizeof seq, "%020lld", static_cast<long long>(now_ms) * 1000);
    out.sequence_number = seq;
  }
  auto& list = std::get<std::vector<OutboxTarget>>(targets);
  if (list.empty()) return out;  // no confirmed subscription: nothing to deliver
  OutboxMessage m;
  m.type = "Notification";
  m.topic_arn = TopicArn(p, topic.name);
  m.message_id = out.message_id;
  m.subject = input.subject.value_or("");
  if (!attrs.empty()) m.message_attributes = attrs.dump();
  m.targets = std::move(list);
  storage::Status s = Enqueue(store, now_ms, p, m);
  if (!s.ok()) return StorageError(s);
  return out;
}

std::variant<storage::ResourceRecord, ApiError> TopicOf(Context& ctx, std::string_view arn) {
  auto name = TopicNameOf(ctx.partition, arn, "TopicArn");
  if (auto* e = std::get_if<ApiError>(&name)) return *e;
  auto r = Resources(ctx.store)->Get(ctx.partition, ResourceKind::kSnsTopic,
                                     std::get<std::string>(name));
  if (!r.ok()) return r.status().IsNotFound() ? TopicNotFound() : StorageError(r.status());
  r->name = std::get<std::string>(name);
  return *std::move(r);
}

bool ValidBatchId(std::string_view id) {
  return !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

}  // namespace

Result Publish(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) arn = Param(in, "TargetArn");
  if (!arn) {
    if (Param(in, "PhoneNumber")) {
      return InvalidParameter("PhoneNumber Reason: SMS is not delivered by this server");
    }
    return InvalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
  }
  PublishInput input = ReadInput(in, "");
  if (!input.message) return Missing("Message");
  auto topic = TopicOf(ctx, *arn);
  if (auto* e = std::get_if<ApiError>(&topic)) return *e;
  auto published = PublishOne(ctx.store, ctx.clock.NowMillis(), ctx.partition,
                              std::get<storage::ResourceRecord>(topic), input);
  if (auto* e = std::get_if<ApiError>(&published)) return *e;
  const Published& p = std::get<Published>(published);
  std::string xml = Element("MessageId", p.message_id);
  if (!p.sequence_number.empty()) xml += Element("SequenceNumber", p.sequence_number);
  return Reply{true, xml};
}

Result PublishBatch(const Params& in, Context& ctx) {
  auto arn = Param(in, "TopicArn");
  if (!arn) return Missing("TopicArn");
  // The entries' indexes, in order.
  std::set<int> indexes;
  const std::string head = "PublishBatchRequestEntries.member.";
  for (const auto& [key, value] : in) {
    if (!key.starts_with(head)) continue;
    const int n = LeadingIndex(std::string_view(key).substr(head.size()));
    if (n >= 1) indexes.insert(n);
  }
  if (indexes.empty()) {
    return ApiError{"EmptyBatchRequest", "The batch request doesn't contain any entries", 400};
  }
  if (indexes.size() > kMaxBatchEntries) {
    return ApiError{"TooManyEntriesInBatchRequest",
                    "The batch request contains more entries than permissible.", 400};
  }
  std::vector<std::pair<std::string, PublishInput>> entries;
  std::set<std::string> ids;
  for (int n : indexes) {
    const std::string prefix = head + std::to_string(n) + ".";
    const std::string id = Param(in, prefix + "Id").value_or("");
    if (!ValidBatchId(id)) {
      return ApiError{"InvalidBatchEntryId",
                      "The Id of a batch entry in a batch request doesn't abide by the "
                      "specification.",
                      400};
    }
    if (!ids.insert(id).second) {
      return ApiError{"BatchEntryIdsNotDistinct",
                      "Two or more batch entries in the request have the same Id.", 400};
    }
    entries.emplace_back(id, ReadInput(in, prefix));
  }
  auto topic = TopicOf(ctx, *arn);
  if (auto* e = std::get_if<ApiError>(&topic)) return *e;
  std::string successful;
  std::string failed;
  for (const auto& [id, input] : entries) {
    auto published = PublishOne(ctx.store, ctx.clock.NowMillis(), ctx.partition,
                                std::get<storage::ResourceRecord>(topic), input);
    if (auto* e = std::get_if<ApiError>(&published)) {
      if (e->http_status >= 500) return *e;
      failed += "<member>" + Element("Id", id) + Element("Code", e->type) +
                Element("Message", e->message) + Element("SenderFault", "true") + "</member>";
      continue;
    }
    const Published& p = std::get<Published>(published);
    successful += "<member>" + Element("Id", id) + Element("MessageId", p.message_id);
    if (!p.sequence_number.empty()) successful += Element("SequenceNumber", p.sequence_number);
    successful += "</member>";
  }
  return Reply{true, "<Successful>" + successful + "</Successful><Failed>" + failed + "</Failed>"};
}

}  // namespace detail

PublishStatus Publish(storage::LogStore& store, const storage::Clock& clock,
                      const storage::Partition& partition, std::string_view topic_arn,
                      std::string_view subject, std::string_view message) {
  storage::ResourceStore* resources = detail::Resources(store);
  if (resources == nullptr) return PublishStatus::kUnavailable;
  auto name = detail::TopicNameOf(partition, topic_arn, "TopicArn");
  if (std::holds_alternative<ApiError>(name)) return PublishStatus::kNoSuchTopic;
  auto topic =
      resources->Get(partition, storage::ResourceKind::kSnsTopic, std::get<std::string>(name));
  if (!topic.ok()) {
    return topic.status().IsNotFound() ? PublishStatus::kNoSuchTopic : PublishStatus::kUnavailable;
  }
  topic->name = std::get<std::string>(name);
  detail::PublishInput input;
  input.message = std::string(message);
  if (!subject.empty()) input.subject = std::string(subject);
  auto published = detail::PublishOne(store, clock.NowMillis(), partition, *topic, input);
  return std::holds_alternative<detail::Published>(published) ? PublishStatus::kAccepted
                                                              : PublishStatus::kUnavailable;
}

}  // namespace cwlogd::api::sns
