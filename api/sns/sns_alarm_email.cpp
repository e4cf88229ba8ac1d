#include "api/sns/sns_alarm_email.h"

namespace cwlogd::api::sns {

std::optional<std::string> AlarmEmailText(std::string_view /*message*/,
                                          std::string_view /*subscription_arn*/) {
  return std::nullopt;
}

}  // namespace cwlogd::api::sns
