// The SNS outbox's delivery thread (sns_delivery.h) and the messages it sends.
#include "api/sns/sns_delivery.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "api/sns/sns_alarm_email.h"
#include "api/sns/sns_detail.h"

namespace cwlogd::api::sns {

namespace {

using nlohmann::json;
using storage::ResourceKind;

constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr size_t kRecordsPerPass = 256;

std::string Quote(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string UnsubscribeUrl(const std::string& base_url, const std::string& sub_arn) {
  return base_url + "/?Action=Unsubscribe&SubscriptionArn=" + sub_arn;
}

// What one delivery sends: the JSON document (the HTTP body, the email-json mail) in the field
// order AWS writes, signed over AWS's string to sign.
struct Message {
  std::string type;
  std::string json;
};

Message BuildMessage(const storage::ResourceRecord& r, const json& target,
                     const MessageSigner& signer, bool sha256) {
  const std::string type = r.FieldOrEmpty("type");
  const std::string message = target.value("message", "");
  const std::string base_url = target.value("baseUrl", "");
  const std::string message_id = r.FieldOrEmpty("messageId");
  const std::string topic_arn = r.FieldOrEmpty("topicArn");
  const std::string timestamp = r.FieldOrEmpty("timestamp");
  const std::string subject = r.FieldOrEmpty("subject");
  const bool has_subject = r.fields.contains("subject");
  const bool notification = type == "Notification";
  // Keys in byte order, each "key\nvalue\n" (AWS's SignatureVersion 1 and 2).
  std::string to_sign;
  auto add = [&](const char* key, const std::string& value) {
    to_sign += key;
    to_sign += '\n';
    to_sign += value;
    to_sign += '\n';
  };
  add("Message", message);
  add("MessageId", message_id);
  if (notification) {
    if (has_subject) add("Subject", subject);
  } else {
    add("SubscribeURL", r.FieldOrEmpty("subscribeUrl"));
  }
  add("Timestamp", timestamp);
  if (!notification) add("Token", r.FieldOrEmpty("token"));
  add("TopicArn", topic_arn);
  add("Type", type);
  const std::string signature = signer.sign ? signer.sign(to_sign, sha256) : std::string();
  const std::string cert_url =
      signer.cert_path.empty() ? std::string() : base_url + signer.cert_path;

  std::string out = "{\n  \"Type\" : " + Quote(type) + ",\n  \"MessageId\" : " + Quote(message_id);
  if (notification) {
    out += ",\n  \"TopicArn\" : " + Quote(topic_arn);
    if (has_subject) out += ",\n  \"Subject\" : " + Quote(subject);
    out += ",\n  \"Message\" : " + Quote(message);
  } else {
    out += ",\n  \"Token\" : " + Quote(r.FieldOrEmpty("token")) +
           ",\n  \"TopicArn\" : " + Quote(topic_arn) + ",\n  \"Message\" : " + Quote(message) +
           ",\n  \"SubscribeURL\" : " + Quote(r.FieldOrEmpty("subscribeUrl"));
  }
  out += ",\n  \"Timestamp\" : " + Quote(timestamp) +
         ",\n  \"SignatureVersion\" : " + Quote(sha256 ? "2" : "1") +
         ",\n  \"Signature\" : " + Quote(signature) +
         ",\n  \"SigningCertURL\" : " + Quote(cert_url);
  if (notification) {
    out += ",\n  \"UnsubscribeURL\" : " + Quote(UnsubscribeUrl(base_url, target.value("arn", "")));
    const std::string attributes = r.FieldOrEmpty("messageAttributes");
    if (!attributes.empty()) {
      json doc = json::parse(attributes, nullptr, false);
      if (doc.is_object()) {
        out += ",\n  \"MessageAttributes\" : " +
               doc.dump(-1, ' ', false, json::error_handler_t::replace);
      }
    }
  }
  out += "\n}";
  return {type, out};
}

constexpr std::string_view kEmailFooterHead =
    "\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit "
    "the link below to unsubscribe:\n";
constexpr std::string_view kEmailFooterTail =
    "\n\nPlease do not reply directly to this email. If you have any questions or comments "
    "regarding this email, please contact us at https://aws.amazon.com/support\n";

struct Mail {
  std::string subject;
  std::string body;
};

Mail BuildMail(const storage::ResourceRecord& r, const json& target, const Message& message) {
  const std::string type = r.FieldOrEmpty("type");
  const std::string protocol = target.value("protocol", "");
  const std::string endpoint = target.value("endpoint", "");
  if (type == "SubscriptionConfirmation") {
    return {"AWS Notification - Subscription Confirmation",
            "You have chosen to subscribe to the topic: \n" + r.FieldOrEmpty("topicArn") +
                "\n\nTo confirm this subscription, click or visit the link below (If this was in "
                "error no action is necessary): \nConfirm subscription: " +
                r.FieldOrEmpty("subscribeUrl") +
                "\n\nPlease do not reply directly to this email. If you wish to remove yourself "
                "from receiving all future SNS subscription confirmation requests please send an "
                "email to sns-opt-out\n"};
  }
  const std::string text = target.value("message", "");
  const bool has_subject = r.fields.contains("subject");
  Mail mail{has_subject ? r.FieldOrEmpty("subject") : std::string("AWS Notification Message"), ""};
  if (protocol == "email-json") {
    mail.body = message.json;
    return mail;
  }
  std::string unsubscribe = UnsubscribeUrl(target.value("baseUrl", ""), target.value("arn", "")) +
                            "&Endpoint=" + endpoint;
  mail.body = AlarmEmailText(text, target.value("arn", "")).value_or(text);
  mail.body += std::string(kEmailFooterHead) + unsubscribe + std::string(kEmailFooterTail);
  return mail;
}

}  // namespace

SnsDeliverer::SnsDeliverer(storage::LogStore& store, const storage::Clock& clock, HttpPoster& http,
                           SnsDeliveryOptions options)
    : store_(store), clock_(clock), http_(http), options_(std::move(options)) {}

SnsDeliverer::~SnsDeliverer() { Stop(); }

void SnsDeliverer::Start() {
  if (thread_.joinable() || store_.resource_store() == nullptr) return;
  thread_ = std::thread([this] { Loop(); });
}

void SnsDeliverer::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnsDeliverer::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    RunOnce();
    lock.lock();
    cv_.wait_for(lock, kPollInterval, [this] { return stop_; });
  }
}

size_t SnsDeliverer::RunOnce() {
  storage::ResourceStore* resources = store_.resource_store();
  if (resources == nullptr) return 0;
  // Only records with a delivery due now, so that messages waiting for a retry never hold back
  // newer ones.
  std::vector<std::pair<storage::Partition, storage::ResourceRecord>> records;
  const int64_t pass_start = clock_.NowMillis();
  storage::Status s = resources->ListAllPartitions(
      ResourceKind::kSnsOutbox, [&](const storage::Partition& p, const storage::ResourceRecord& r) {
        json targets = json::parse(r.FieldOrEmpty("targets"), nullptr, false);
        bool due = !targets.is_array();  // a damaged record: removed below
        for (const json& t : targets.is_array() ? targets : json::array()) {
          if (!t.is_object() || t.value("nextMs", int64_t{0}) <= pass_start) due = true;
        }
        if (due) records.emplace_back(p, r);
        return records.size() < kRecordsPerPass;
      });
  if (!s.ok() && options_.log) options_.log("sns: reading the outbox failed: " + s.message());
  size_t attempted = 0;
  for (auto& [partition, record] : records) {
    json targets = json::parse(record.FieldOrEmpty("targets"), nullptr, false);
    if (!targets.is_array()) {
      if (options_.log) options_.log("sns: dropping a damaged outbox record " + record.name);
      (void)resources->Delete(partition, ResourceKind::kSnsOutbox, record.name);
      continue;
    }
    // SignatureVersion 2 (SHA256) when the topic asks for it.
    bool sha256 = false;
    std::string from_name = "AWS Notifications";
    const std::string topic_arn = record.FieldOrEmpty("topicArn");
    auto topic_name = detail::TopicNameOf(partition, topic_arn, "TopicArn");
    if (auto* name = std::get_if<std::string>(&topic_name)) {
      auto topic = resources->Get(partition, ResourceKind::kSnsTopic, *name);
      sha256 = topic.ok() && topic->FieldOrEmpty("a.SignatureVersion") == "2";
      if (topic.ok() && !topic->FieldOrEmpty("a.DisplayName").empty()) {
        from_name = topic->FieldOrEmpty("a.DisplayName");
      }
    }
    const int64_t now = clock_.NowMillis();
    bool changed = false;
    json remaining = json::array();
    for (json& t : targets) {
      if (!t.is_object() || t.value("nextMs", int64_t{0}) > now) {
        if (t.is_object()) remaining.push_back(std::move(t));
        continue;
      }
      ++attempted;
      changed = true;
      const std::string protocol = t.value("protocol", "");
      const std::string endpoint = t.value("endpoint", "");
      const std::string sub_arn = t.value("arn", "");
      Message message = BuildMessage(record, t, options_.signer, sha256);
      std::string error;
      bool ok = false;
      if (protocol == "http" || protocol == "https") {
        const bool raw = t.value("raw", false) && message.type == "Notification";
        Headers headers = {{"x-amz-sns-message-type", message.type},
                           {"x-amz-sns-message-id", record.FieldOrEmpty("messageId")},
                           {"x-amz-sns-topic-arn", topic_arn}};
        if (message.type != "SubscriptionConfirmation") {
          headers.emplace_back("x-amz-sns-subscription-arn", sub_arn);
        }
        if (raw) headers.emplace_back("x-amz-sns-rawdelivery", "true");
        headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
        headers.emplace_back("User-Agent", "Amazon Simple Notification Service Agent");
        ok = http_.Post(endpoint, headers, raw ? t.value("message", "") : message.json, &error);
      } else if (protocol == "email" || protocol == "email-json") {
        if (options_.mail == nullptr) {
          if (options_.log) {
            std::string line = "sns: no SMTP relay (--smtp-url / CWLOGD_SMTP_URL): ";
            line += message.type;
            line += " to " + endpoint;
            line += " for " + sub_arn;
            line += " not sent";
            options_.log(line);
          }
          continue;  // dropped: without a relay no e-mail can ever go
        }
        Mail mail = BuildMail(record, t, message);
        ok = options_.mail->Send(endpoint, from_name, mail.subject, mail.body, &error);
      } else {
        continue;  // not a protocol this server delivers
      }
      if (ok) continue;
      const int attempts = t.value("attempts", 0) + 1;
      if (attempts > t.value("retries", 3)) {
        if (options_.log) {
          std::string line = "sns: giving up on " + message.type;
          line += " " + record.FieldOrEmpty("messageId");
          line += " to " + endpoint;
          line += " after " + std::to_string(attempts);
          line += " attempt(s): " + error;
          options_.log(line);
        }
        continue;
      }
      t["attempts"] = attempts;
      t["nextMs"] = now + t.value("delayMs", int64_t{20000});
      remaining.push_back(std::move(t));
    }
    if (!changed) continue;
    if (remaining.empty()) {
      s = resources->Delete(partition, ResourceKind::kSnsOutbox, record.name);
    } else {
      const std::string text = remaining.dump(-1, ' ', false, json::error_handler_t::replace);
      s = resources->Update(
          partition, ResourceKind::kSnsOutbox, record.name, now, {},
          [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
            if (current != nullptr) *out = *current;
            out->fields["targets"] = text;
            return storage::Status::OK();
          });
    }
    if (!s.ok() && !s.IsNotFound() && options_.log) {
      options_.log("sns: updating the outbox failed: " + s.message());
    }
  }
  return attempted;
}

}  // namespace cwlogd::api::sns
