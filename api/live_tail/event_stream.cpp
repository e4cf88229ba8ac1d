#include "api/live_tail/event_stream.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>
#include <zlib.h>

namespace cwlogd::api::live_tail {
namespace {

void AppendU32(std::string* out, uint32_t v) {
  const char bytes[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(bytes, 4);
}

void AppendU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

uint32_t ReadU32(std::string_view b, size_t at) {
  return (uint32_t{static_cast<uint8_t>(b[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(b[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(b[at + 3])};
}

uint16_t ReadU16(std::string_view b, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(b[at]) << 8) |
                               static_cast<uint8_t>(b[at + 1]));
}

// Size of the fixed-size value of a scalar header type; nullopt for the length-prefixed ones.
std::optional<size_t> FixedValueBytes(EventStreamHeader::Type type) {
  using T = EventStreamHeader::Type;
  switch (type) {
    case T::kTrue:
    case T::kFalse:
      return 0;
    case T::kByte:
      return 1;
    case T::kShort:
      return 2;
    case T::kInteger:
      return 4;
    case T::kLong:
    case T::kTimestamp:
      return 8;
    case T::kUuid:
      return 16;
    case T::kBytes:
    case T::kString:
      break;
  }
  return std::nullopt;
}

// Parses the header block; false on any malformation.
bool ParseHeaders(std::string_view block, std::vector<EventStreamHeader>* headers,
                  DecodeError* error) {
  size_t at = 0;
  while (at < block.size()) {
    const size_t name_len = static_cast<uint8_t>(block[at++]);
    if (name_len == 0 || block.size() - at < name_len + 1) break;
    EventStreamHeader h;
    h.name.assign(block.substr(at, name_len));
    at += name_len;
    const uint8_t type = static_cast<uint8_t>(block[at++]);
    if (type > static_cast<uint8_t>(EventStreamHeader::Type::kUuid)) break;
    h.type = static_cast<EventStreamHeader::Type>(type);
    size_t value_len = 0;
    if (auto fixed = FixedValueBytes(h.type)) {
      value_len = *fixed;
    } else {
      if (block.size() - at < 2) break;
      value_len = ReadU16(block, at);
      at += 2;
    }
    if (block.size() - at < value_len) break;
    h.value.assign(block.substr(at, value_len));
    at += value_len;
    const bool duplicate =
        std::any_of(headers->begin(), headers->end(),
                    [&h](const EventStreamHeader& o) { return o.name == h.name; });
    if (duplicate) {
      *error = DecodeError::kDuplicateHeader;
      return false;
    }
    headers->push_back(std::move(h));
  }
  if (at == block.size()) return true;
  *error = DecodeError::kBadHeader;
  return false;
}

}  // namespace

uint32_t Crc32(std::string_view bytes, uint32_t crc) {
  // zlib's crc32 takes a uInt length: feed large inputs in pieces.
  uLong value = crc;
  while (!bytes.empty()) {
    const size_t step = std::min<size_t>(bytes.size(), std::numeric_limits<uInt>::max());
    value = crc32(value, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(step));
    bytes.remove_prefix(step);
  }
  return static_cast<uint32_t>(value);
}

std::optional<std::string_view> EventStreamMessage::StringHeader(std::string_view name) const {
  for (const EventStreamHeader& h : headers) {
    if (h.name == name && h.type == EventStreamHeader::Type::kString) return h.value;
  }
  return std::nullopt;
}

void AppendEventStreamMessage(
    std::string* out, std::initializer_list<std::pair<std::string_view, std::string_view>> headers,
    std::string_view payload) {
  size_t headers_len = 0;
  for (const auto& [name, value] : headers) headers_len += 1 + name.size() + 1 + 2 + value.size();
  const size_t total = kPreludeBytes + headers_len + payload.size() + kMessageCrcBytes;
  const size_t start = out->size();
  out->reserve(start + total);
  AppendU32(out, static_cast<uint32_t>(total));
  AppendU32(out, static_cast<uint32_t>(headers_len));
  AppendU32(out, Crc32(std::string_view(*out).substr(start, 8)));
  for (const auto& [name, value] : headers) {
    out->push_back(static_cast<char>(name.size()));
    out->append(name);
    out->push_back(static_cast<char>(EventStreamHeader::Type::kString));
    AppendU16(out, static_cast<uint16_t>(value.size()));
    out->append(value);
  }
  out->append(payload);
  AppendU32(out, Crc32(std::string_view(*out).substr(start)));
}

void AppendJsonEvent(std::string* out, std::string_view event_type, std::string_view json) {
  AppendEventStreamMessage(out,
                           {{":message-type", "event"},
                            {":event-type", event_type},
                            {":content-type", "application/json"}},
                           json);
}

void AppendJsonException(std::string* out, std::string_view exception_type,
                         std::string_view message) {
  const std::string payload = nlohmann::json{{"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  AppendEventStreamMessage(out,
                           {{":message-type", "exception"},
                            {":exception-type", exception_type},
                            {":content-type", "application/json"}},
                           payload);
}

DecodeResult DecodeEventStreamMessage(std::string_view bytes) {
  DecodeResult result;
  if (bytes.size() < kPreludeBytes) return result;  // kNeedMore
  const uint32_t total = ReadU32(bytes, 0);
  const uint32_t headers_len = ReadU32(bytes, 4);
  if (Crc32(bytes.substr(0, 8)) != ReadU32(bytes, 8)) {
    result.error = DecodeError::kPreludeCrc;
    return result;
  }
  if (total < kPreludeBytes + kMessageCrcBytes ||
      headers_len > total - kPreludeBytes - kMessageCrcBytes) {
    result.error = DecodeError::kBadLength;
    return result;
  }
  const size_t payload_len = total - kPreludeBytes - kMessageCrcBytes - headers_len;
  if (headers_len > kMaxHeadersBytes || payload_len > kMaxPayloadBytes) {
    result.error = DecodeError::kTooLarge;
    return result;
  }
  if (bytes.size() < total) return result;  // kNeedMore
  if (Crc32(bytes.substr(0, total - kMessageCrcBytes)) !=
      ReadU32(bytes, total - kMessageCrcBytes)) {
    result.error = DecodeError::kMessageCrc;
    return result;
  }
  EventStreamMessage message;
  if (!ParseHeaders(bytes.substr(kPreludeBytes, headers_len), &message.headers, &result.error)) {
    return result;
  }
  message.payload.assign(bytes.substr(kPreludeBytes + headers_len, payload_len));
  result.message = std::move(message);
  result.consumed = total;
  return result;
}

}  // namespace cwlogd::api::live_tail
