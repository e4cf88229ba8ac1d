#include "api/detail/request_body.h"

#include <cstdint>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "api/detail/json_text.h"

namespace cwlogd::api::detail {

bool DepthWithin(std::string_view body, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      if (depth > 0) --depth;
    }
  }
  return true;
}

std::optional<std::string> ReplaceInvalidUtf8(std::string_view body) {
  size_t i = 0;
  while (i < body.size()) {
    // Skip plain ASCII eight bytes at a time: most bodies are nearly all ASCII.
    if (i + 8 <= body.size()) {
      uint64_t word;
      std::memcpy(&word, body.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    size_t n = Utf8SequenceLength(body, i);
    if (n == 0) break;
    i += n;
  }
  if (i == body.size()) return std::nullopt;
  std::string out(body.substr(0, i));
  while (i < body.size()) {
    size_t n = Utf8SequenceLength(body, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(body.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string DuplicateMemberMessage(std::string_view name) {
  return fmt::format("Duplicate field '{}'", name);
}

bool MemberNames::Add(std::string_view name) {
  if (many_.empty()) {
    for (const std::string& seen : few_) {
      if (seen == name) return false;
    }
    if (few_.size() < kLinearMax) {
      few_.emplace_back(name);
      return true;
    }
    many_.insert(std::make_move_iterator(few_.begin()), std::make_move_iterator(few_.end()));
    few_.clear();
  }
  return many_.emplace(name).second;
}

nlohmann::json ParseJson(std::string_view text, std::optional<std::string>* duplicate) {
  // One MemberNames per object being parsed: keys always belong to the innermost open object.
  std::vector<MemberNames> open_objects;
  auto track = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case nlohmann::json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case nlohmann::json::parse_event_t::key:
        if (!duplicate->has_value() && !open_objects.empty() && parsed.is_string() &&
            !open_objects.back().Add(parsed.get_ref<const std::string&>())) {
          *duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  return nlohmann::json::parse(text, track, /*allow_exceptions=*/false);
}

}  // namespace cwlogd::api::detail
