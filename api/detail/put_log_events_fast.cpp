#include "api/detail/put_log_events_fast.h"

#include <simdjson.h>

#include "api/request_reader.h"

namespace cwlogd::api::detail {
namespace {

constexpr size_t kMaxEvents = 10'000;

bool ValidName(std::string_view s, const StringRule& rule) {
  size_t n = Utf16Length(s);
  return n >= rule.min_length && n <= rule.max_length && (!rule.matches || rule.matches(s));
}

bool ReadEvent(simdjson::dom::element element, storage::InputEvent* out) {
  simdjson::dom::object event;
  if (element.get_object().get(event) != simdjson::SUCCESS) return false;
  bool have_timestamp = false, have_message = false;
  for (auto [key, value] : event) {
    if (key == "timestamp" && !have_timestamp) {
      if (!value.is_int64()) return false;  // doubles, big unsigned: the slow path decides
      int64_t ts = value.get_int64().value_unsafe();
      if (ts < 0) return false;
      out->timestamp = ts;
      have_timestamp = true;
    } else if (key == "message" && !have_message) {
      std::string_view message;
      if (value.get_string().get(message) != simdjson::SUCCESS || message.empty()) return false;
      out->message.assign(message);
      have_message = true;
    } else {
      return false;  // unknown or duplicate member
    }
  }
  return have_timestamp && have_message;
}

}  // namespace

std::optional<PutLogEventsInput> ParsePutLogEventsFast(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  // Validates the whole document, UTF-8 included, and refuses trailing content.
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;

  PutLogEventsInput input;
  bool have_group = false, have_stream = false, have_events = false, have_token = false;
  for (auto [key, value] : object) {
    if (key == "logGroupName" && !have_group) {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS || !ValidName(s, kLogGroupNameRule)) {
        return std::nullopt;
      }
      input.group.assign(s);
      have_group = true;
    } else if (key == "logStreamName" && !have_stream) {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS || !ValidName(s, kLogStreamNameRule)) {
        return std::nullopt;
      }
      input.stream.assign(s);
      have_stream = true;
    } else if (key == "sequenceToken" && !have_token) {
      std::string_view s;  // ignored, but must be a valid value
      if (value.get_string().get(s) != simdjson::SUCCESS || s.empty()) return std::nullopt;
      have_token = true;
    } else if (key == "logEvents" && !have_events) {
      simdjson::dom::array events;
      if (value.get_array().get(events) != simdjson::SUCCESS) return std::nullopt;
      size_t n = events.size();
      if (n < 1 || n > kMaxEvents) return std::nullopt;
      input.events.resize(n);
      size_t i = 0;
      for (simdjson::dom::element e : events) {
        if (!ReadEvent(e, &input.events[i++])) return std::nullopt;
      }
      have_events = true;
    } else {
      return std::nullopt;
    }
  }
  if (!have_group || !have_stream || !have_events) return std::nullopt;
  return input;
}

}  // namespace cwlogd::api::detail
