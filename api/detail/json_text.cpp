#include "api/detail/json_text.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

namespace cwlogd::api::detail {
namespace {

// Bytes that cannot be copied as they are: `"`, `\`, control characters, and (only when the
// string is not known to be valid UTF-8) bytes from 0x80 up.
constexpr std::array<bool, 256> MakeSpecialTable(bool non_ascii) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<size_t>(c)] = true;
  t['"'] = true;
  t['\\'] = true;
  for (int c = 0x80; c < 0x100; ++c) t[static_cast<size_t>(c)] = non_ascii;
  return t;
}
constexpr std::array<bool, 256> kSpecialInValidUtf8 = MakeSpecialTable(false);
constexpr std::array<bool, 256> kSpecialInAnyBytes = MakeSpecialTable(true);

// True when one of the 8 bytes of `w` is below 0x20, '"' or '\\' (the ASCII bytes a JSON
// string escapes): the word-at-a-time tests of "Bit Twiddling Hacks" (haszero, hasless), exact
// for "any byte" though not for which one.
bool MayHoldEscapedAscii(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c < 0x80) {
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

void AppendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::array<bool, 256>& special = simdjson::validate_utf8(value.data(), value.size())
                                             ? kSpecialInValidUtf8
                                             : kSpecialInAnyBytes;
  out.reserve(out.size() + value.size() + 2);
  out.push_back('"');
  size_t copied = 0;  // value[copied, i) is pending, to be appended as is
  // Valid UTF-8 is copied as it is but for the escaped ASCII bytes: skip 8 bytes at a time.
  const bool skip_words = &special == &kSpecialInValidUtf8;
  for (size_t i = 0; i < value.size(); ++i) {
    if (skip_words) {
      uint64_t word = 0;
      while (i + sizeof(word) <= value.size() &&
             (std::memcpy(&word, value.data() + i, sizeof(word)), !MayHoldEscapedAscii(word))) {
        i += sizeof(word);
      }
      if (i == value.size()) break;
    }
    const auto c = static_cast<unsigned char>(value[i]);
    if (!special[c]) continue;
    out.append(value.data() + copied, i - copied);
    copied = i + 1;
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(value, i);
      if (len == 0) {
        out.append("\xEF\xBF\xBD");
      } else {
        out.append(value.data() + i, len);
        i += len - 1;
        copied = i + 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
  }
  out.append(value.data() + copied, value.size() - copied);
  out.push_back('"');
}

void AppendJsonInt(std::string& out, int64_t value) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 24 bytes always hold an int64
  out.append(buf, static_cast<size_t>(end - buf));
}

void AppendEventMembers(std::string& out, int64_t timestamp, std::string_view message,
                        int64_t ingestion_time) {
  out += "\"timestamp\":";
  AppendJsonInt(out, timestamp);
  out += ",\"message\":";
  AppendJsonString(out, message);
  out += ",\"ingestionTime\":";
  AppendJsonInt(out, ingestion_time);
}

}  // namespace cwlogd::api::detail
