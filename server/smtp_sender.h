// SNS e-mail through an SMTP relay (--smtp-url smtp://[user:password@]host:port): one
// connection per message, EHLO, STARTTLS when the relay offers it, AUTH PLAIN when a user is
// given, then a text/plain UTF-8 message (base64 body) From "AWS Notifications
// <no-reply@sns.amazonaws.com>". Every step within 10 s. Thread-safety: used by the one SNS
// delivery thread.
#pragma once

#include <memory>
#include <string>

#include "api/sns/sns_delivery.h"

namespace cwlogd::server {

struct SmtpUrl {
  std::string host;
  std::string port = "25";
  std::string user;  // empty = no login
  std::string password;
};

// nullptr with `error` when `url` is not smtp://[user:password@]host[:port].
std::unique_ptr<api::sns::MailSender> MakeSmtpSender(const std::string& url, std::string* error);

}  // namespace cwlogd::server
