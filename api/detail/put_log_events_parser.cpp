#include "api/detail/put_log_events_parser.h"

#include <charconv>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "api/detail/request_body.h"
#include "api/request_reader.h"

namespace cwlogd::api::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view kNotAnObject = "Unable to parse the request body as a JSON object.";

JsonValueKind KindOf(element v) {
  switch (v.type()) {
    case element_type::STRING:
      return JsonValueKind::kString;
    case element_type::BOOL:
      return v.get_bool().value_unsafe() ? JsonValueKind::kTrue : JsonValueKind::kFalse;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return JsonValueKind::kNumber;
    case element_type::OBJECT:
      return JsonValueKind::kObject;
    case element_type::ARRAY:
      return JsonValueKind::kArray;
    case element_type::NULL_VALUE:
      break;
  }
  return JsonValueKind::kNull;
}

// The value as nlohmann would have held it (keys sorted), so error
// messages print non-string values exactly as nlohmann's dump does. Error paths only; the
// recursion is bounded by the parser's max depth.
nlohmann::json ToNlohmann(element v) {
  switch (v.type()) {
    case element_type::STRING:
      return std::string(v.get_string().value_unsafe());
    case element_type::BOOL:
      return v.get_bool().value_unsafe();
    case element_type::INT64: {
      int64_t x = v.get_int64().value_unsafe();
      // nlohmann keeps non-negative integers unsigned; the dump is the same either way.
      return x >= 0 ? nlohmann::json(static_cast<uint64_t>(x)) : nlohmann::json(x);
    }
    case element_type::UINT64:
      return v.get_uint64().value_unsafe();
    case element_type::DOUBLE:
      return v.get_double().value_unsafe();
    case element_type::OBJECT: {
      nlohmann::json out = nlohmann::json::object();
      simdjson::dom::object object;
      if (v.get_object().get(object) != simdjson::SUCCESS) return out;
      for (auto [key, item] : object) out[std::string(key)] = ToNlohmann(item);
      return out;
    }
    case element_type::ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      simdjson::dom::array array;
      if (v.get_array().get(array) != simdjson::SUCCESS) return out;
      for (element item : array) out.push_back(ToNlohmann(item));
      return out;
    }
    case element_type::NULL_VALUE:
      break;
  }
  return nullptr;
}

// The first member name repeated within one object of `v`, in document order (the order in
// which ParseJson finds them). Recursion is bounded by the parser's max depth.
std::optional<std::string> FirstDuplicateMember(element v) {
  if (simdjson::dom::object object; v.get_object().get(object) == simdjson::SUCCESS) {
    MemberNames names;
    for (auto [key, item] : object) {
      if (!names.Add(key)) return std::string(key);
      if (auto found = FirstDuplicateMember(item)) return found;
    }
  } else if (simdjson::dom::array array; v.get_array().get(array) == simdjson::SUCCESS) {
    for (element item : array) {
      if (auto found = FirstDuplicateMember(item)) return found;
    }
  }
  return std::nullopt;
}

bool HasDuplicateMember(element v) { return FirstDuplicateMember(v).has_value(); }

// Java toString of an InputLogEvent, as Coral prints list values in violation messages.
std::string DescribeInputEvent(simdjson::dom::object event) {
  auto field = [&](std::string_view name) -> std::string {
    std::optional<element> value;
    for (auto [key, item] : event) {
      if (key == name) value = item;  // a repeated name is answered instead (ReadRequest)
    }
    if (!value || value->is_null()) return "null";
    if (value->is_string()) return std::string(value->get_string().value_unsafe());
    return ToNlohmann(*value).dump();
  };
  return fmt::format("InputLogEvent(timestamp={}, message={})", field("timestamp"),
                     field("message"));
}

std::string DescribeEventList(simdjson::dom::array list) {
  std::string out = "[";
  bool first = true;
  for (element item : list) {
    if (!first) out += ", ";
    first = false;
    simdjson::dom::object event;
    out += item.get_object().get(event) == simdjson::SUCCESS ? DescribeInputEvent(event) : "null";
  }
  return out + "]";
}

// RequestReader::String for a simdjson member (`value` nullopt when absent or null). The result
// is only meaningful when `problems` stays free of failures.
std::string ReadString(RequestProblems& problems, std::string_view name,
                       std::optional<element> value, const StringRule& rule, bool required) {
  if (!value) {
    if (required) problems.AddViolation(name, std::nullopt, "Member must not be null");
    return {};
  }
  std::string_view text;
  if (value->get_string().get(text) != simdjson::SUCCESS) {
    problems.SerializationError(WrongTypeMessage(KindOf(*value), "String"));
    return {};
  }
  problems.CheckString(name, text, rule);
  return std::string(text);
}

// RequestReader::StructureList for logEvents.
std::optional<simdjson::dom::array> ReadEventList(RequestProblems& problems,
                                                  std::optional<element> value) {
  constexpr std::string_view kName = "logEvents";
  if (!value) {
    problems.AddViolation(kName, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  simdjson::dom::array list;
  if (value->get_array().get(list) != simdjson::SUCCESS) {
    problems.SerializationError(NotAListMessage(KindOf(*value)));
    return std::nullopt;
  }
  for (element item : list) {
    if (!item.is_object() && !item.is_null()) {
      problems.SerializationError(NotAStructureMessage(KindOf(item)));
      return std::nullopt;
    }
  }
  const size_t size = list.size();
  if (size < 1) {
    problems.AddViolation(kName, DescribeEventList(list),
                          "Member must have length greater than or equal to 1");
    return std::nullopt;
  }
  if (size > kMaxPutLogEvents) {
    problems.AddViolation(
        kName, DescribeEventList(list),
        fmt::format("Member must have length less than or equal to {}", kMaxPutLogEvents));
    return std::nullopt;
  }
  return list;
}

// Coral's Long conversion of a number element; nullopt when out of range.
std::optional<int64_t> NumberToLong(element number) {
  switch (number.type()) {
    case element_type::INT64:
      return SignedToLong(number.get_int64().value_unsafe());
    case element_type::UINT64:
      return UnsignedToLong(number.get_uint64().value_unsafe());
    default:
      return DoubleToLong(number.get_double().value_unsafe());
  }
}

// Reads logEvents[i] into `out`, recording problems under 'logEvents.<i+1>.member.*'. Sets
// *duplicate when the event names a member twice (ReadRequest then reports the first one).
void ReadEvent(RequestProblems& problems, element item, size_t i,
               std::vector<storage::InputEvent>& out, bool* duplicate) {
  simdjson::dom::object event;
  if (item.get_object().get(event) != simdjson::SUCCESS) {  // null (ReadEventList checked)
    problems.AddViolation(fmt::format("logEvents.{}.member", i + 1), std::nullopt,
                          "Member must not be null");
    return;
  }
  std::optional<element> timestamp, message;
  // The usual event has just these two members: two flags find a repeat without any lookup.
  bool seen_timestamp = false, seen_message = false, other_members = false;
  for (auto [key, value] : event) {  // null counts as absent
    if (key == "timestamp") {
      *duplicate |= std::exchange(seen_timestamp, true);
      timestamp = value.is_null() ? std::nullopt : std::optional(value);
    } else if (key == "message") {
      *duplicate |= std::exchange(seen_message, true);
      message = value.is_null() ? std::nullopt : std::optional(value);
    } else {
      other_members = true;
    }
  }
  if (other_members && HasDuplicateMember(item)) *duplicate = true;
  storage::InputEvent parsed;
  if (!timestamp) {
    problems.AddViolation(fmt::format("logEvents.{}.member.timestamp", i + 1), std::nullopt,
                          "Member must not be null");
  } else if (!timestamp->is_number()) {
    problems.SerializationError(WrongTypeMessage(KindOf(*timestamp), "Long"));
  } else if (timestamp->type() == element_type::DOUBLE &&
             HasFraction(timestamp->get_double().value_unsafe())) {
    problems.SerializationError(WrongTypeMessage(JsonValueKind::kNumber, "Long"));
  } else if (auto value = NumberToLong(*timestamp)) {
    parsed.timestamp = *value;
    if (*value < 0) {
      problems.CheckNumber(fmt::format("logEvents.{}.member.timestamp", i + 1), *value,
                           NumberRule{0});
    }
  } else {
    problems.SerializationError(OutOfRangeMessage(ToNlohmann(*timestamp).dump(), "Long"));
  }
  std::string_view text;
  if (!message) {
    problems.AddViolation(fmt::format("logEvents.{}.member.message", i + 1), std::nullopt,
                          "Member must not be null");
  } else if (message->get_string().get(text) != simdjson::SUCCESS) {
    problems.SerializationError(WrongTypeMessage(KindOf(*message), "String"));
  } else {
    if (text.empty()) {
      problems.AddViolation(fmt::format("logEvents.{}.member.message", i + 1), text,
                            "Member must have length greater than or equal to 1");
    }
    parsed.message.assign(text);
  }
  out.push_back(std::move(parsed));
}

std::variant<PutLogEventsInput, ApiError> ReadRequest(element root) {
  simdjson::dom::object request;
  if (root.get_object().get(request) != simdjson::SUCCESS) {
    return ApiError::Serialization(std::string(kNotAnObject));
  }
  std::optional<element> group, stream, events, token, entity;
  // Repeated member names are found while reading (no second pass over the events); the full
  // walk that names the first one runs only when there is one, or when the request fails
  // anyway (some events may then be unread).
  bool duplicate = false;
  MemberNames names;
  for (auto [key, value] : request) {  // null counts as absent
    duplicate |= !names.Add(key);
    std::optional<element>* member = key == "logGroupName"    ? &group
                                     : key == "logStreamName" ? &stream
                                     : key == "logEvents"     ? &events
                                     : key == "sequenceToken" ? &token
                                     : key == "entity"        ? &entity
                                                              : nullptr;
    if (member) *member = value.is_null() ? std::nullopt : std::optional(value);
    if (member != &events && HasDuplicateMember(value)) duplicate = true;
  }

  // The members in the order Coral reports their problems.
  RequestProblems problems;
  PutLogEventsInput input;
  input.group = ReadString(problems, "logGroupName", group, kLogGroupNameRule, true);
  input.stream = ReadString(problems, "logStreamName", stream, kLogStreamNameRule, true);
  std::optional<simdjson::dom::array> list = ReadEventList(problems, events);
  (void)ReadString(problems, "sequenceToken", token, kNextTokenRule, false);  // ignored, as AWS
  if (entity && !entity->is_object()) {
    // Any well-formed entity is accepted and not stored; rejectedEntityInfo is never sent.
    problems.SerializationError("Expected structure for entity");
  }
  if (list) {
    input.events.reserve(list->size());
    size_t i = 0;
    for (element item : *list) ReadEvent(problems, item, i++, input.events, &duplicate);
  }
  if (duplicate || problems.failed()) {
    if (auto name = FirstDuplicateMember(root)) {
      return ApiError::Serialization(DuplicateMemberMessage(*name));
    }
  }
  if (problems.failed()) return problems.error();
  return input;
}

// simdjson 3.0 refuses integers beyond 64 bits that nlohmann reads as doubles; writing such
// literals with a ".0" gives both parsers the same double. Returns nullopt when there is none.
std::optional<std::string> WidenHugeIntegers(std::string_view text) {
  std::string out;
  bool changed = false;
  bool in_string = false;
  size_t copied = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    size_t end = i + (c == '-' ? 1 : 0);
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    bool integer = end == text.size() || (text[end] != '.' && text[end] != 'e' && text[end] != 'E');
    size_t number_end = end;
    while (number_end < text.size() &&
           std::string_view("0123456789.eE+-").find(text[number_end]) != std::string_view::npos) {
      ++number_end;
    }
    if (integer && end > i) {
      std::string_view literal = text.substr(i, end - i);
      bool fits;
      if (c == '-') {
        int64_t value;
        fits = std::from_chars(literal.data(), literal.data() + literal.size(), value).ec ==
               std::errc();
      } else {
        uint64_t value;
        fits = std::from_chars(literal.data(), literal.data() + literal.size(), value).ec ==
               std::errc();
      }
      if (!fits) {
        out.append(text.substr(copied, end - copied));
        out += ".0";
        copied = end;
        changed = true;
      }
    }
    i = number_end - 1;
  }
  if (!changed) return std::nullopt;
  out.append(text.substr(copied));
  return out;
}

}  // namespace

std::variant<PutLogEventsInput, ApiError> ParsePutLogEvents(std::string_view body,
                                                            size_t max_json_depth) {
  thread_local simdjson::dom::parser parser;
  // simdjson refuses a document once its nesting reaches max_depth; DepthWithin refuses it
  // once it exceeds max_json_depth. One more level makes the two agree.
  const size_t simdjson_depth = max_json_depth + 1;
  if (parser.max_depth() != simdjson_depth &&
      parser.allocate(std::max<size_t>(parser.capacity(), body.size()), simdjson_depth) !=
          simdjson::SUCCESS) {
    return ApiError::ServiceUnavailable("Internal error: out of memory parsing the request");
  }
  element root;
  // The common case: a well-formed body, parsed once. simdjson validates UTF-8 and refuses
  // trailing content, as nlohmann does.
  if (parser.parse(body.data(), body.size()).get(root) == simdjson::SUCCESS) {
    return ReadRequest(root);
  }
  // Anything else is repaired or refused exactly as Dispatch does for every operation.
  if (!DepthWithin(body, max_json_depth)) {
    return ApiError::Serialization("The request body is nested too deeply.");
  }
  std::optional<std::string> repaired = ReplaceInvalidUtf8(body);
  std::string_view text = repaired ? std::string_view(*repaired) : body;
  simdjson::error_code error = simdjson::SUCCESS;
  if (repaired) error = parser.parse(text.data(), text.size()).get(root);
  if (!repaired || error == simdjson::NUMBER_ERROR) {
    std::optional<std::string> widened = WidenHugeIntegers(text);
    if (!widened) return ApiError::Serialization(std::string(kNotAnObject));
    // `root` points into the parser, which keeps its own copy of the text.
    error = parser.parse(widened->data(), widened->size()).get(root);
  }
  if (error != simdjson::SUCCESS) return ApiError::Serialization(std::string(kNotAnObject));
  return ReadRequest(root);
}

}  // namespace cwlogd::api::detail
