// The AWS event-stream binary framing (application/vnd.amazon.eventstream), as botocore's
// eventstream.py and the SDKs read it: a 12-byte prelude (total length, headers length, CRC32 of
// the first 8 bytes), headers, payload, and a CRC32 of everything before it. Big-endian.
// Encoding is what the server needs; decoding serves the tests and the fuzzer. Pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwlogd::api::live_tail {

// Limits the clients enforce when reading (botocore: headers 128 KiB, payload 24 MiB).
constexpr size_t kPreludeBytes = 12;
constexpr size_t kMessageCrcBytes = 4;
constexpr size_t kMaxHeadersBytes = 128u << 10;
constexpr size_t kMaxPayloadBytes = 24u << 20;

// A header's value. Only strings are written by the server (AWS uses type 7 for every
// ':'-header); the decoder reads every type, keeping scalar values as their raw bytes.
struct EventStreamHeader {
  enum class Type : uint8_t {
    kTrue = 0,
    kFalse = 1,
    kByte = 2,
    kShort = 3,
    kInteger = 4,
    kLong = 5,
    kBytes = 6,
    kString = 7,
    kTimestamp = 8,
    kUuid = 9,
  };
  std::string name;
  Type type = Type::kString;
  std::string value;  // string and bytes values; big-endian bytes of the others
};

struct EventStreamMessage {
  std::vector<EventStreamHeader> headers;
  std::string payload;

  // The value of the string header `name`, or nullopt.
  std::optional<std::string_view> StringHeader(std::string_view name) const;
};

// Appends one message with string headers (name, value) to *out. Header names must be at most
// 255 bytes and values at most 65,535 (the format's length fields); the server's are constants.
void AppendEventStreamMessage(
    std::string* out, std::initializer_list<std::pair<std::string_view, std::string_view>> headers,
    std::string_view payload);

// The usual messages of a JSON event stream.
// `:message-type event`, `:event-type <event_type>`, `:content-type application/json`.
void AppendJsonEvent(std::string* out, std::string_view event_type, std::string_view json);
// `:message-type exception`, `:exception-type <type>`, `:content-type application/json`,
// payload {"message": <message>}.
void AppendJsonException(std::string* out, std::string_view exception_type,
                         std::string_view message);

// Why a decode failed.
enum class DecodeError {
  kNeedMore,         // the bytes end inside a message: not an error for a stream reader
  kBadLength,        // total length below the minimum, headers longer than the message
  kTooLarge,         // headers or payload beyond the clients' limits
  kPreludeCrc,       // the prelude's CRC32 does not match
  kMessageCrc,       // the message's CRC32 does not match
  kBadHeader,        // a header runs past its block, has an unknown type or an empty name
  kDuplicateHeader,  // the same header name twice (botocore refuses it)
};

struct DecodeResult {
  std::optional<EventStreamMessage> message;   // set on success
  size_t consumed = 0;                         // bytes of the message read on success
  DecodeError error = DecodeError::kNeedMore;  // when message is unset
};

// Decodes the message at the start of `bytes`. Never reads past `bytes`; never throws on data.
DecodeResult DecodeEventStreamMessage(std::string_view bytes);

// CRC32 (IEEE, zlib's) of `bytes`, continuing from `crc` (0 to start).
uint32_t Crc32(std::string_view bytes, uint32_t crc = 0);

}  // namespace cwlogd::api::live_tail
