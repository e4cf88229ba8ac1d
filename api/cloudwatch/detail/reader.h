// Type-checked reading of CloudWatch inputs (JSON 1.0 shape) with CloudWatch's error shapes and
// query-style parameter paths in messages ("MetricData.member.1.Value"). Keeps the first
// problem only, as CloudWatch reports one error at a time. Not thread-safe; one per request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::detail {

class Reader {
 public:
  bool failed() const { return error_.has_value(); }
  const ApiError& error() const { return *error_; }
  void Fail(ApiError e) {
    if (!error_) error_ = std::move(e);
  }

  // Member `name` of `object` (JSON null counts as absent); records MissingParameter when
  // required and absent. `path` is the object's parameter path ("" at the top).
  const nlohmann::json* Member(const nlohmann::json& object, std::string_view path,
                               std::string_view name, bool required);

  std::optional<std::string> String(const nlohmann::json& object, std::string_view path,
                                    std::string_view name, bool required, size_t min_length,
                                    size_t max_length);
  std::optional<double> Double(const nlohmann::json& object, std::string_view path,
                               std::string_view name, bool required);
  // An Integer member. A whole number written as a float (60.0) is that integer; a number with
  // a fraction (60.5) is SerializationException "NUMBER_VALUE can not be converted to Integer"
  // (api/request_reader.h); anything else not an integer is InvalidParameterValue.
  std::optional<int64_t> Integer(const nlohmann::json& object, std::string_view path,
                                 std::string_view name, bool required);
  std::optional<bool> Bool(const nlohmann::json& object, std::string_view path,
                           std::string_view name);
  // Epoch seconds (a number, or an ISO 8601 string) -> epoch milliseconds.
  std::optional<int64_t> TimestampMillis(const nlohmann::json& object, std::string_view path,
                                         std::string_view name, bool required);
  // A list member; nullptr when absent (or on error). Checks the maximum length.
  const nlohmann::json* List(const nlohmann::json& object, std::string_view path,
                             std::string_view name, bool required, size_t max_length);
  // An object member (or an element of a list checked to be an object).
  const nlohmann::json* Object(const nlohmann::json& object, std::string_view path,
                               std::string_view name, bool required);
  bool CheckObject(const nlohmann::json& value, std::string_view path);

  // Dimensions (list of {Name, Value}): validated, sorted, duplicates refused.
  std::optional<std::vector<storage::MetricDimension>> Dimensions(const nlohmann::json& object,
                                                                  std::string_view path,
                                                                  size_t max_count);
  // A StandardUnit value; nullopt when absent or invalid (recorded).
  std::optional<std::string> Unit(const nlohmann::json& object, std::string_view path);
  // Namespace: 1-255 and not starting with ':'.
  std::optional<std::string> Namespace(const nlohmann::json& object, std::string_view path,
                                       bool required);

 private:
  std::optional<ApiError> error_;
};

// "Prefix.Name", or "Name" at the top level.
std::string Join(std::string_view path, std::string_view name);
// "Prefix.member.N" (N is 1-based).
std::string MemberPath(std::string_view path, size_t zero_based_index);

bool IsStandardUnit(std::string_view unit);
// Length in Unicode code points (CloudWatch counts characters).
size_t CodePointLength(std::string_view s);
// A MetricDataQuery Id (GetMetricData, alarm Metrics): a lower-case letter, then letters, digits
// and underscores.
bool IsQueryId(std::string_view id);

// Opaque pagination tokens (api/detail/tokens.h): a JSON document tagged with the operation,
// bound to the partition that issued it; DecodeToken gives nullopt for any other token.
std::string EncodeToken(std::string_view kind, const storage::Partition& partition,
                        const nlohmann::json& state);
std::optional<nlohmann::json> DecodeToken(std::string_view kind,
                                          const storage::Partition& partition,
                                          std::string_view token);

}  // namespace cwlogd::api::cloudwatch::detail
