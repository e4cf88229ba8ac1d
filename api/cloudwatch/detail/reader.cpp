#include "api/cloudwatch/detail/reader.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "api/cloudwatch/cloudwatch_api.h"
#include "api/detail/tokens.h"
#include "api/request_reader.h"

namespace cwlogd::api::cloudwatch::detail {
namespace {

using nlohmann::json;

constexpr std::string_view kStandardUnits[] = {"Seconds",
                                               "Microseconds",
                                               "Milliseconds",
                                               "Bytes",
                                               "Kilobytes",
                                               "Megabytes",
                                               "Gigabytes",
                                               "Terabytes",
                                               "Bits",
                                               "Kilobits",
                                               "Megabits",
                                               "Gigabits",
                                               "Terabits",
                                               "Percent",
                                               "Count",
                                               "Bytes/Second",
                                               "Kilobytes/Second",
                                               "Megabytes/Second",
                                               "Gigabytes/Second",
                                               "Terabytes/Second",
                                               "Bits/Second",
                                               "Kilobits/Second",
                                               "Megabits/Second",
                                               "Gigabits/Second",
                                               "Terabits/Second",
                                               "Count/Second",
                                               "None"};

}  // namespace

bool IsQueryId(std::string_view id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

size_t CodePointLength(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

std::string Join(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

std::string MemberPath(std::string_view path, size_t zero_based_index) {
  return std::string(path) + ".member." + std::to_string(zero_based_index + 1);
}

bool IsStandardUnit(std::string_view unit) {
  for (auto u : kStandardUnits) {
    if (u == unit) return true;
  }
  return false;
}

const json* Reader::Member(const json& object, std::string_view path, std::string_view name,
                           bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) Fail(MissingParameter("The parameter " + Join(path, name) + " is required."));
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> Reader::String(const json& object, std::string_view path,
                                          std::string_view name, bool required, size_t min_length,
                                          size_t max_length) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return std::nullopt;
  if (!v->is_string()) {
    Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be a string."));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  const size_t len = CodePointLength(s);
  if (len < min_length || len > max_length) {
    Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be between " +
                               std::to_string(min_length) + " and " + std::to_string(max_length) +
                               " characters long."));
    return std::nullopt;
  }
  return s;
}

std::optional<double> Reader::Double(const json& object, std::string_view path,
                                     std::string_view name, bool required) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return std::nullopt;
  if (!v->is_number()) {
    Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be a number."));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<int64_t> Reader::Integer(const json& object, std::string_view path,
                                       std::string_view name, bool required) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return std::nullopt;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) {
    // Larger than int64: clamp; every limit we check is far below.
    return std::numeric_limits<int64_t>::max();
  }
  if (v->is_number_float()) {
    const double d = v->get<double>();
    // A fraction is no integer at all: refused while deserializing, as the Logs readers do
    // and Smithy's malformed-request rules require (every integer member of the CloudWatch
    // model is an Integer), rather than truncated. A whole float (60.0, 6e1) is that integer.
    if (HasFraction(d)) {
      Fail(ApiError::Serialization(WrongTypeMessage(JsonValueKind::kNumber, "Integer")));
      return std::nullopt;
    }
    if (std::isfinite(d) && std::fabs(d) < 9e18) return static_cast<int64_t>(d);
  }
  Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be an integer."));
  return std::nullopt;
}

std::optional<bool> Reader::Bool(const json& object, std::string_view path, std::string_view name) {
  const json* v = Member(object, path, name, false);
  if (v == nullptr || failed()) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be a boolean."));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> Reader::TimestampMillis(const json& object, std::string_view path,
                                               std::string_view name, bool required) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return std::nullopt;
  if (v->is_number()) {
    const double seconds = v->get<double>();
    // Beyond year ~292 million the millisecond value does not fit an int64.
    if (std::isfinite(seconds) && std::fabs(seconds) < 9.2e15) {
      return static_cast<int64_t>(std::llround(seconds * 1000.0));
    }
  }
  Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be a timestamp."));
  return std::nullopt;
}

const json* Reader::List(const json& object, std::string_view path, std::string_view name,
                         bool required, size_t max_length) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return nullptr;
  if (!v->is_array()) {
    Fail(InvalidParameterValue("The parameter " + Join(path, name) + " must be a list."));
    return nullptr;
  }
  if (v->size() > max_length) {
    Fail(InvalidParameterValue("The collection " + Join(path, name) +
                               " must not have a size greater than " + std::to_string(max_length) +
                               "."));
    return nullptr;
  }
  return v;
}

const json* Reader::Object(const json& object, std::string_view path, std::string_view name,
                           bool required) {
  const json* v = Member(object, path, name, required);
  if (v == nullptr || failed()) return nullptr;
  return CheckObject(*v, Join(path, name)) ? v : nullptr;
}

bool Reader::CheckObject(const json& value, std::string_view path) {
  if (value.is_object()) return true;
  Fail(InvalidParameterValue("The parameter " + std::string(path) + " must be a structure."));
  return false;
}

std::optional<std::vector<storage::MetricDimension>> Reader::Dimensions(const json& object,
                                                                        std::string_view path,
                                                                        size_t max_count) {
  std::vector<storage::MetricDimension> out;
  const json* list = List(object, path, "Dimensions", false, max_count);
  if (failed()) return std::nullopt;
  if (list == nullptr) return out;
  const std::string list_path = Join(path, "Dimensions");
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string p = MemberPath(list_path, i);
    if (!CheckObject((*list)[i], p)) return std::nullopt;
    auto name = String((*list)[i], p, "Name", true, 1, 255);
    auto value = String((*list)[i], p, "Value", true, 1, 1024);
    if (failed()) return std::nullopt;
    out.push_back({*name, *value});
  }
  storage::SortDimensions(out);
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].name == out[i - 1].name) {
      Fail(InvalidParameterValue(
          "No Metric may specify the same dimension name twice: " + out[i].name + "."));
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> Reader::Unit(const json& object, std::string_view path) {
  auto unit = String(object, path, "Unit", false, 0, 64);
  if (!unit) return std::nullopt;
  if (!IsStandardUnit(*unit)) {
    Fail(InvalidParameterValue("The parameter " + Join(path, "Unit") +
                               " must be a value in the set [ Seconds, Microseconds, "
                               "Milliseconds, Bytes, Kilobytes, Megabytes, Gigabytes, Terabytes, "
                               "Bits, Kilobits, Megabits, Gigabits, Terabits, Percent, Count, "
                               "Bytes/Second, Kilobytes/Second, Megabytes/Second, "
                               "Gigabytes/Second, Terabytes/Second, Bits/Second, "
                               "Kilobits/Second, Megabits/Second, Gigabits/Second, "
                               "Terabits/Second, Count/Second, None ]."));
    return std::nullopt;
  }
  return unit;
}

std::optional<std::string> Reader::Namespace(const json& object, std::string_view path,
                                             bool required) {
  auto ns = String(object, path, "Namespace", required, 1, 255);
  if (!ns) return std::nullopt;
  if ((*ns)[0] == ':') {
    Fail(InvalidParameterValue("The value " + *ns + " for parameter " + Join(path, "Namespace") +
                               " is invalid."));
    return std::nullopt;
  }
  return ns;
}

std::string EncodeToken(std::string_view kind, const storage::Partition& partition,
                        const json& state) {
  return api::detail::TokenWriter(api::detail::token_kind::kCloudWatchListPage, partition)
      .Str(kind)
      .Str(state.dump())
      .Finish();
}

std::optional<json> DecodeToken(std::string_view kind, const storage::Partition& partition,
                                std::string_view token) {
  api::detail::TokenReader reader(token, api::detail::token_kind::kCloudWatchListPage, partition);
  const std::string token_kind = reader.Str();
  const std::string state = reader.Str();
  if (!reader.Done() || token_kind != kind) return std::nullopt;
  json doc = json::parse(state, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

}  // namespace cwlogd::api::cloudwatch::detail
