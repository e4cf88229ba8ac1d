#include "api/cloudwatch/alarms/alarm_validation.h"

#include <cmath>
#include <regex>

#include "api/cloudwatch/alarms/alarm_handlers.h"
#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/detail/reader.h"

namespace cwlogd::api::cloudwatch::alarms {

using detail::CodePointLength;
using nlohmann::json;

ApiError ValidationError(std::string message) {
  return {"ValidationError", std::move(message), 400};
}

ApiError AlarmNotFound(std::string message) {
  return {"ResourceNotFound", std::move(message), 404};
}

ApiError ServiceFault() { return InternalServiceFault("The service cannot complete the request."); }

std::string CamelMember(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] + 32);
  return out;
}

bool CheckActionArns(AlarmInput& in, std::string_view member,
                     const std::vector<std::string>& arns) {
  static const std::regex kArn("arn:aws[a-z\\-]*:[a-z0-9\\-]+:.*");
  for (const auto& arn : arns) {
    if (!std::regex_match(arn, kArn)) {
      std::string list = "[";
      for (size_t i = 0; i < arns.size(); ++i) list += (i > 0 ? ", " : "") + arns[i];
      in.Fail(ValidationError("1 validation error detected: Value '" + list + "]' at '" +
                              CamelMember(member) +
                              "' failed to satisfy constraint: Member must satisfy regular "
                              "expression pattern: arn:aws[a-z\\-]*:[a-z0-9\\-]+:.*"));
      return false;
    }
  }
  return true;
}

std::variant<json, ApiError> ReadTagList(const json& tags) {
  json out = json::array();
  for (const auto& tag : tags) {
    if (!tag.is_object() || !tag.contains("Key") || !tag["Key"].is_string() ||
        !tag.contains("Value") || !tag["Value"].is_string()) {
      return ValidationError("Each tag must have a Key and a Value.");
    }
    const size_t key_length = CodePointLength(tag["Key"].get_ref<const std::string&>());
    if (key_length < 1 || key_length > 128 ||
        CodePointLength(tag["Value"].get_ref<const std::string&>()) > 256) {
      return ValidationError(
          "1 validation error detected: Value at 'tags' failed to satisfy "
          "constraint: Member must satisfy constraint: [Key length 1-128, "
          "Value length 0-256]");
    }
    out.push_back({{"Key", tag["Key"]}, {"Value", tag["Value"]}});
  }
  return out;
}

std::variant<json, ApiError> ReadPutAlarmTags(const AlarmInput& in) {
  const json* t = in.Raw("Tags");
  if (t == nullptr) return json::array();
  if (!t->is_array() || t->size() > kMaxAlarmTags) {
    return ValidationError(
        "1 validation error detected: Value at 'tags' failed to satisfy "
        "constraint: Member must have length less than or equal to 50");
  }
  return ReadTagList(*t);
}

namespace {

std::string Constraint(std::string_view value, std::string_view name, std::string_view rule) {
  return "1 validation error detected: Value '" + std::string(value) + "' at '" +
         CamelMember(name) + "' failed to satisfy constraint: Member must " + std::string(rule);
}

std::string ListText(const json& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += list[i].is_string() ? list[i].get<std::string>() : list[i].dump();
  }
  return out + "]";
}

}  // namespace

const json* AlarmInput::Present(std::string_view name, bool required) {
  if (failed()) return nullptr;
  const json* v = Raw(name);
  if (v == nullptr && required) {
    Fail(MissingParameter("The parameter " + std::string(name) + " is required."));
  }
  return v;
}

const json* AlarmInput::Raw(std::string_view name) const {
  auto it = request_.find(name);
  if (it == request_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> AlarmInput::String(std::string_view name, bool required,
                                              size_t min_length, size_t max_length) {
  const json* v = Present(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(ApiError::Serialization("STRING_VALUE expected for member " + std::string(name)));
    return std::nullopt;
  }
  const auto& s = v->get_ref<const std::string&>();
  const size_t len = CodePointLength(s);
  if (len < min_length) {
    Fail(ValidationError(
        Constraint(s, name, "have length greater than or equal to " + std::to_string(min_length))));
    return std::nullopt;
  }
  if (len > max_length) {
    Fail(ValidationError(
        Constraint(s, name, "have length less than or equal to " + std::to_string(max_length))));
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> AlarmInput::Enum(std::string_view name, bool required,
                                            const std::vector<std::string_view>& values) {
  auto s = String(name, required, 0, 1 << 20);
  if (!s) return std::nullopt;
  for (auto v : values) {
    if (v == *s) return s;
  }
  std::string set = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) set += ", ";
    set += values[i];
  }
  Fail(ValidationError(Constraint(*s, name, "satisfy enum value set: " + set + "]")));
  return std::nullopt;
}

std::optional<int64_t> AlarmInput::Integer(std::string_view name, bool required, int64_t minimum) {
  const json* v = Present(name, required);
  if (v == nullptr) return std::nullopt;
  std::optional<int64_t> n;
  if (v->is_number_integer()) {
    n = v->get<int64_t>();
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) {
      n = static_cast<int64_t>(d);
    }
  }
  if (!n || *n > INT32_MAX || *n < INT32_MIN) {
    Fail(ApiError::Serialization("NUMBER_VALUE can not be converted to Integer"));
    return std::nullopt;
  }
  if (*n < minimum) {
    Fail(ValidationError(
        Constraint(std::to_string(*n), name,
                   "have value greater than or equal to " + std::to_string(minimum))));
    return std::nullopt;
  }
  return n;
}

std::optional<double> AlarmInput::Double(std::string_view name, bool required) {
  const json* v = Present(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    Fail(ApiError::Serialization("NUMBER_VALUE expected for member " + std::string(name)));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<bool> AlarmInput::Bool(std::string_view name) {
  const json* v = Present(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(ApiError::Serialization("BOOLEAN_VALUE expected for member " + std::string(name)));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<int64_t> AlarmInput::TimestampMillis(std::string_view name) {
  const json* v = Present(name, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || std::fabs(v->get<double>()) > 1e13) {
    Fail(ApiError::Serialization("TIMESTAMP_VALUE expected for member " + std::string(name)));
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(v->get<double>() * 1000.0));
}

std::optional<std::vector<std::string>> AlarmInput::StringList(std::string_view name,
                                                               size_t max_count, size_t min_length,
                                                               size_t max_length) {
  if (failed()) return std::nullopt;
  std::vector<std::string> out;
  const json* v = Raw(name);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    Fail(ApiError::Serialization("LIST_VALUE expected for member " + std::string(name)));
    return std::nullopt;
  }
  if (v->size() > max_count) {
    Fail(ValidationError(Constraint(
        ListText(*v), name, "have length less than or equal to " + std::to_string(max_count))));
    return std::nullopt;
  }
  for (const auto& e : *v) {
    if (!e.is_string()) {
      Fail(ApiError::Serialization("STRING_VALUE expected for member " + std::string(name)));
      return std::nullopt;
    }
    const auto& s = e.get_ref<const std::string&>();
    const size_t len = CodePointLength(s);
    if (len < min_length || len > max_length) {
      Fail(ValidationError(
          Constraint(ListText(*v), name,
                     "satisfy constraint: [Member must have length " +
                         std::string(len < min_length
                                         ? "greater than or equal to " + std::to_string(min_length)
                                         : "less than or equal to " + std::to_string(max_length)) +
                         "]")));
      return std::nullopt;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace cwlogd::api::cloudwatch::alarms
