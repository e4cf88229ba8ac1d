// The e-mail text AWS sends an `email` subscriber for a CloudWatch alarm notification (the
// alarm's JSON message: AlarmName, NewStateValue, Trigger, ...). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cwlogd::api::sns {

// The alarm e-mail's body (without SNS's "--" footer), or nullopt when `message` is no alarm
// notification.
std::optional<std::string> AlarmEmailText(std::string_view message,
                                          std::string_view subscription_arn);

}  // namespace cwlogd::api::sns
