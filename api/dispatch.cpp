// X-Amz-Target -> handler. A new operation is one new file in api/handlers/ plus one line in
// kOperations.
#include "api/dispatch.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>

#include "api/detail/put_log_events_fast.h"
#include "api/handlers/handlers.h"
#include "api/handlers/metric_filter_handlers.h"

namespace cwlogd::api {
namespace {

using Handler = ApiResult (*)(const nlohmann::json& request, Context& ctx);
struct Operation {
  std::string_view name;  // the part of X-Amz-Target after "Logs_20140328."
  Handler handle;
};

constexpr std::string_view kTargetPrefix = "Logs_20140328.";

constexpr Operation kOperations[] = {
    {"AssociateKmsKey", &HandleAssociateKmsKey},
    {"CreateLogGroup", &HandleCreateLogGroup},
    {"CreateLogStream", &HandleCreateLogStream},
    {"DeleteLogGroup", &HandleDeleteLogGroup},
    {"DeleteLogStream", &HandleDeleteLogStream},
    {"DeleteMetricFilter", &HandleDeleteMetricFilter},
    {"DeleteRetentionPolicy", &HandleDeleteRetentionPolicy},
    {"DescribeLogGroups", &HandleDescribeLogGroups},
    {"DescribeLogStreams", &HandleDescribeLogStreams},
    {"DescribeMetricFilters", &HandleDescribeMetricFilters},
    {"DisassociateKmsKey", &HandleDisassociateKmsKey},
    {"FilterLogEvents", &HandleFilterLogEvents},
    {"GetLogEvents", &HandleGetLogEvents},
    {"ListLogGroups", &HandleListLogGroups},
    {"ListTagsForResource", &HandleListTagsForResource},
    {"ListTagsLogGroup", &HandleListTagsLogGroup},
    {"PutLogEvents", &HandlePutLogEvents},
    {"PutLogGroupDeletionProtection", &HandlePutLogGroupDeletionProtection},
    {"PutMetricFilter", &HandlePutMetricFilter},
    {"PutRetentionPolicy", &HandlePutRetentionPolicy},
    {"TagLogGroup", &HandleTagLogGroup},
    {"TagResource", &HandleTagResource},
    {"TestMetricFilter", &HandleTestMetricFilter},
    {"UntagLogGroup", &HandleUntagLogGroup},
    {"UntagResource", &HandleUntagResource},
};

Handler FindHandler(std::string_view target) {
  if (!target.starts_with(kTargetPrefix)) return nullptr;
  std::string_view name = target.substr(kTargetPrefix.size());
  for (const Operation& op : kOperations) {
    if (op.name == name) return op.handle;
  }
  return nullptr;
}

// Cheap pre-scan before building the DOM: the body must start an object, and nesting deeper
// than max_depth is refused (nlohmann's recursive parser must not be driven arbitrarily deep).
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

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t left = s.size() - i;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && (b(i + 1) & 0xC0) == 0x80 ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || (b(i + 1) & 0xC0) != 0x80 || (b(i + 2) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;
    if (c == 0xED && b(i + 1) > 0x9F) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || (b(i + 1) & 0xC0) != 0x80 || (b(i + 2) & 0xC0) != 0x80 ||
        (b(i + 3) & 0xC0) != 0x80) {
      return 0;
    }
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;
    if (c == 0xF4 && b(i + 1) > 0x8F) return 0;
    return 4;
  }
  return 0;
}

// AWS decodes bytes that are not UTF-8 as U+FFFD; nlohmann would refuse the whole body, so
// invalid bytes are replaced first. Returns nullopt when the body is valid.
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

}  // namespace

// Error texts chosen here (AWS does not document its exact wording; clients use
// only __type):
//   unknown target       -> UnknownOperationException "Unknown operation: <target>"
//   body not a JSON object, or nested deeper than ApiOptions::max_json_depth
//                        -> SerializationException "Unable to parse the request body as a JSON object."
//                           / "The request body is nested too deeply."
//   member of wrong type -> SerializationException, Coral/Jackson wording (request_reader.cpp)
ApiResult Dispatch(std::string_view target, std::string_view body, Context& ctx) {
  Handler handler = FindHandler(target);
  if (!handler) return ApiError::UnknownOperation("Unknown operation: " + std::string(target));
  if (handler == &HandlePutLogEvents) {
    // The ingest hot path: well-formed requests skip the nlohmann DOM; anything else (including
    // every invalid request) takes the ordinary route below, which owns the error messages.
    if (auto input = detail::ParsePutLogEventsFast(body)) {
      try {
        return detail::PutValidatedLogEvents(*input, ctx);
      } catch (const std::exception& e) {
        return ApiError::ServiceUnavailable(std::string("Internal error: ") + e.what());
      }
    }
  }
  if (!DepthWithin(body, ctx.options.max_json_depth)) {
    return ApiError::Serialization("The request body is nested too deeply.");
  }
  std::optional<std::string> repaired = ReplaceInvalidUtf8(body);
  if (repaired) body = *repaired;
  nlohmann::json request = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded() || !request.is_object()) {
    return ApiError::Serialization("Unable to parse the request body as a JSON object.");
  }
  // Handlers never throw on request data; this guard only turns a bug (e.g. std::bad_alloc on
  // a huge page) into a 500 instead of tearing down the server's session.
  try {
    return handler(request, ctx);
  } catch (const std::exception& e) {
    return ApiError::ServiceUnavailable(std::string("Internal error: ") + e.what());
  }
}

}  // namespace cwlogd::api
