// Request checks of the alarm operations with AWS's (Coral) validation messages:
// `1 validation error detected: Value 'x' at 'alarmName' failed to satisfy constraint: Member
// must have length less than or equal to 255`. Keeps the first problem. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"

namespace cwlogd::api::cloudwatch::alarms {

ApiError ValidationError(std::string message);
ApiError AlarmNotFound(std::string message = "");
// InternalServiceFault for a storage failure (details go to no client).
ApiError ServiceFault();

class AlarmInput {
 public:
  explicit AlarmInput(const nlohmann::json& request) : request_(request) {}
  bool failed() const { return error_.has_value(); }
  const ApiError& error() const { return *error_; }
  void Fail(ApiError e) {
    if (!error_) error_ = std::move(e);
  }

  // `Name` (PascalCase) of the request; the messages name it camelCase as AWS does.
  std::optional<std::string> String(std::string_view name, bool required, size_t min_length,
                                    size_t max_length);
  // A string that must be one of `values` (listed in the message as given).
  std::optional<std::string> Enum(std::string_view name, bool required,
                                  const std::vector<std::string_view>& values);
  std::optional<int64_t> Integer(std::string_view name, bool required, int64_t minimum);
  std::optional<double> Double(std::string_view name, bool required);
  std::optional<bool> Bool(std::string_view name);
  std::optional<int64_t> TimestampMillis(std::string_view name);
  // A list of strings, each min..max long, at most `max_count` of them.
  std::optional<std::vector<std::string>> StringList(std::string_view name, size_t max_count,
                                                     size_t min_length, size_t max_length);
  // The raw member (nullptr when absent or null).
  const nlohmann::json* Raw(std::string_view name) const;

 private:
  // The member, or nullptr when absent (MissingParameter recorded when required) or when an
  // earlier check failed.
  const nlohmann::json* Present(std::string_view name, bool required);

  const nlohmann::json& request_;
  std::optional<ApiError> error_;
};

// Checks an action list's ARNs against the model's pattern for ResourceName; records the
// ValidationError in `in` and returns false on the first that does not match.
bool CheckActionArns(AlarmInput& in, std::string_view member, const std::vector<std::string>& arns);

// The elements of a Tags list (checked to be an array by the caller, whose list-level errors
// differ): each a {Key, Value} of strings, Key 1-128 and Value 0-256 characters. Gives the tags
// with only those two members.
std::variant<nlohmann::json, ApiError> ReadTagList(const nlohmann::json& tags);

// The Tags member of PutMetricAlarm / PutCompositeAlarm: at most 50 (kMaxAlarmTags) checked by
// ReadTagList; an empty list when absent.
std::variant<nlohmann::json, ApiError> ReadPutAlarmTags(const AlarmInput& in);

// "AlarmName" -> "alarmName", "OKActions" -> "oKActions" (Coral member paths).
std::string CamelMember(std::string_view name);

}  // namespace cwlogd::api::cloudwatch::alarms
