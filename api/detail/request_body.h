// Checks and repairs of a raw request body before any JSON parser sees it, shared by Dispatch
// (the nlohmann DOM of most operations) and the PutLogEvents parser (simdjson), so that every
// operation refuses and repairs bodies the same way, and the duplicate-member rule both parsers
// apply while they parse. Pure functions and per-request objects; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace cwlogd::api::detail {

// Cheap pre-scan: false when `{` / `[` nest deeper than max_depth anywhere outside strings
// (recursive parsers must not be driven arbitrarily deep). Works on any bytes, valid JSON or not.
bool DepthWithin(std::string_view body, size_t max_depth);

// AWS decodes bytes that are not UTF-8 as U+FFFD; JSON parsers would refuse the whole body, so
// invalid bytes are replaced first. Returns nullopt when the body is valid.
std::optional<std::string> ReplaceInvalidUtf8(std::string_view body);

// An object that names a member twice, at any depth, is refused with SerializationException
// and this text, naming the first repeated name in document order (Jackson's strict duplicate
// detection wording). It takes priority over every other problem of the body's members:
// which of the two values a server would use is exactly what a client cannot know.
std::string DuplicateMemberMessage(std::string_view name);

// The member names of one JSON object seen so far (unescaped). Not thread-safe.
class MemberNames {
 public:
  // False when `name` was added before.
  bool Add(std::string_view name);

 private:
  // Objects of a request have a handful of members: a short list is compared linearly, and
  // only an object with many members pays for a hash set (no quadratic work on hostile input).
  static constexpr size_t kLinearMax = 16;
  std::vector<std::string> few_;
  std::unordered_set<std::string> many_;
};

// nlohmann::json::parse(text, nullptr, false) that also sets *duplicate to the first repeated
// member name in document order (left alone when there is none), in the same single pass.
nlohmann::json ParseJson(std::string_view text, std::optional<std::string>* duplicate);

}  // namespace cwlogd::api::detail
