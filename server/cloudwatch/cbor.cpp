#include "server/cloudwatch/cbor.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace cwlogd::server::cloudwatch {
namespace {

using nlohmann::json;

constexpr uint8_t kBreak = 0xff;
constexpr uint64_t kIndefinite = std::numeric_limits<uint64_t>::max();

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

double HalfToDouble(uint16_t half) {
  const int exponent = (half >> 10) & 0x1f;
  const int mantissa = half & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent != 31) {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  } else {
    value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) ? -value : value;
}

class Decoder {
 public:
  Decoder(std::string_view bytes, const CborLimits& limits,
          std::optional<std::string>* repeated_key)
      : in_(bytes), limits_(limits), repeated_key_(repeated_key) {}

  bool DecodeAll(json* out) {
    if (!Item(out, 0)) return false;
    if (pos_ != in_.size()) return Fail("trailing bytes after the CBOR data item");
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message) + " (at byte " + std::to_string(pos_) + ")";
    return false;
  }

  size_t Remaining() const { return in_.size() - pos_; }

  bool ReadByte(uint8_t* b) {
    if (pos_ >= in_.size()) return Fail("unexpected end of CBOR data");
    *b = static_cast<uint8_t>(in_[pos_++]);
    return true;
  }

  bool ReadUint(size_t nbytes, uint64_t* v) {
    if (Remaining() < nbytes) return Fail("unexpected end of CBOR data");
    uint64_t r = 0;
    for (size_t i = 0; i < nbytes; ++i) r = (r << 8) | static_cast<uint8_t>(in_[pos_++]);
    *v = r;
    return true;
  }

  // The argument of a head: its value, or kIndefinite for additional info 31.
  bool Argument(uint8_t info, uint64_t* v, bool allow_indefinite) {
    if (info < 24) {
      *v = info;
      return true;
    }
    switch (info) {
      case 24:
        return ReadUint(1, v);
      case 25:
        return ReadUint(2, v);
      case 26:
        return ReadUint(4, v);
      case 27:
        return ReadUint(8, v);
      case 31:
        if (!allow_indefinite) return Fail("indefinite length not allowed here");
        *v = kIndefinite;
        return true;
      default:
        return Fail("reserved additional information value");
    }
  }

  // Text or byte string with major type `major`, definite or chunked.
  bool String(uint8_t major, uint8_t info, std::string* out) {
    uint64_t len = 0;
    if (!Argument(info, &len, true)) return false;
    if (len != kIndefinite) return AppendChunk(len, out);
    while (true) {
      uint8_t b = 0;
      if (!ReadByte(&b)) return false;
      if (b == kBreak) return true;
      if ((b >> 5) != major) return Fail("indefinite-length string chunk of another type");
      uint64_t chunk_len = 0;
      if (!Argument(b & 0x1f, &chunk_len, false)) return false;
      if (!AppendChunk(chunk_len, out)) return false;
    }
  }

  bool AppendChunk(uint64_t len, std::string* out) {
    if (len > Remaining()) return Fail("string length past the end of the data");
    if (out->size() + len > limits_.max_string_bytes) return Fail("string too long");
    out->append(in_.data() + pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return true;
  }

  bool Item(json* out, size_t depth) {
    if (depth > limits_.max_depth) return Fail("CBOR nesting too deep");
    uint8_t head = 0;
    if (!ReadByte(&head)) return false;
    const uint8_t major = head >> 5;
    const uint8_t info = head & 0x1f;
    switch (major) {
      case 0: {
        uint64_t v = 0;
        if (!Argument(info, &v, false)) return false;
        *out = v;
        return true;
      }
      case 1: {
        uint64_t v = 0;
        if (!Argument(info, &v, false)) return false;
        // -1 - v; beyond int64 it becomes a double (precision loss is fine for our numbers).
        if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          *out = -1 - static_cast<int64_t>(v);
        } else {
          *out = -1.0 - static_cast<double>(v);
        }
        return true;
      }
      case 2: {
        std::string bytes;
        if (!String(2, info, &bytes)) return false;
        *out = json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
        return true;
      }
      case 3: {
        std::string text;
        if (!String(3, info, &text)) return false;
        if (!ValidUtf8(text)) return Fail("text string is not valid UTF-8");
        *out = std::move(text);
        return true;
      }
      case 4:
        return Array(info, out, depth);
      case 5:
        return Map(info, out, depth);
      case 6: {
        uint64_t tag = 0;
        if (!Argument(info, &tag, false)) return false;
        json content;
        if (!Item(&content, depth + 1)) return false;
        if (tag == 1 && !content.is_number()) return Fail("tag 1 must wrap a number");
        *out = std::move(content);
        return true;
      }
      default:
        return Simple(info, out);
    }
  }

  bool Array(uint8_t info, json* out, size_t depth) {
    uint64_t len = 0;
    if (!Argument(info, &len, true)) return false;
    *out = json::array();
    if (len == kIndefinite) {
      while (true) {
        if (Remaining() == 0) return Fail("unterminated indefinite-length array");
        if (static_cast<uint8_t>(in_[pos_]) == kBreak) {
          ++pos_;
          return true;
        }
        json element;
        if (!Item(&element, depth + 1)) return false;
        out->push_back(std::move(element));
      }
    }
    // Every element takes at least one byte: a count beyond that is a lie, refuse early.
    if (len > Remaining()) return Fail("array length past the end of the data");
    for (uint64_t i = 0; i < len; ++i) {
      json element;
      if (!Item(&element, depth + 1)) return false;
      out->push_back(std::move(element));
    }
    return true;
  }

  bool MapEntry(json* out, size_t depth) {
    uint8_t head = 0;
    if (!ReadByte(&head)) return false;
    if ((head >> 5) != 3) return Fail("map key is not a text string");
    std::string key;
    if (!String(3, head & 0x1f, &key)) return false;
    if (!ValidUtf8(key)) return Fail("map key is not valid UTF-8");
    // Checked before the value is read, so that the first repeated key in document order is
    // the one reported, as a JSON parser meets them.
    const bool repeated = out->contains(key);
    if (repeated) {
      if (repeated_key_ == nullptr) return Fail("map key '" + key + "' repeated");
      if (!repeated_key_->has_value()) *repeated_key_ = key;
    }
    json value;
    if (!Item(&value, depth + 1)) return false;
    if (!repeated) out->emplace(std::move(key), std::move(value));
    return true;
  }

  bool Map(uint8_t info, json* out, size_t depth) {
    uint64_t len = 0;
    if (!Argument(info, &len, true)) return false;
    *out = json::object();
    if (len == kIndefinite) {
      while (true) {
        if (Remaining() == 0) return Fail("unterminated indefinite-length map");
        if (static_cast<uint8_t>(in_[pos_]) == kBreak) {
          ++pos_;
          return true;
        }
        if (!MapEntry(out, depth)) return false;
      }
    }
    if (len > Remaining() / 2) return Fail("map length past the end of the data");
    for (uint64_t i = 0; i < len; ++i) {
      if (!MapEntry(out, depth)) return false;
    }
    return true;
  }

  bool Simple(uint8_t info, json* out) {
    switch (info) {
      case 20:
        *out = false;
        return true;
      case 21:
        *out = true;
        return true;
      case 22:
      case 23:
        *out = nullptr;
        return true;
      case 25: {
        uint64_t v = 0;
        if (!ReadUint(2, &v)) return false;
        *out = HalfToDouble(static_cast<uint16_t>(v));
        return true;
      }
      case 26: {
        uint64_t v = 0;
        if (!ReadUint(4, &v)) return false;
        const auto bits = static_cast<uint32_t>(v);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        *out = static_cast<double>(f);
        return true;
      }
      case 27: {
        uint64_t v = 0;
        if (!ReadUint(8, &v)) return false;
        double d;
        std::memcpy(&d, &v, sizeof d);
        *out = d;
        return true;
      }
      case 31:
        return Fail("unexpected break code");
      default:
        return Fail("unsupported simple value");
    }
  }

  std::string_view in_;
  const CborLimits& limits_;
  std::optional<std::string>* repeated_key_;
  size_t pos_ = 0;
  std::string error_;
};

class Encoder {
 public:
  explicit Encoder(TimestampMemberPredicate is_timestamp) : is_timestamp_(is_timestamp) {}

  void Value(const json& v, bool timestamp) {
    switch (v.type()) {
      case json::value_t::null:
        out_.push_back(static_cast<char>(0xf6));
        break;
      case json::value_t::boolean:
        out_.push_back(static_cast<char>(v.get<bool>() ? 0xf5 : 0xf4));
        break;
      case json::value_t::number_unsigned:
        if (timestamp) {
          Double(static_cast<double>(v.get<uint64_t>()), true);
        } else {
          Head(0, v.get<uint64_t>());
        }
        break;
      case json::value_t::number_integer: {
        const int64_t i = v.get<int64_t>();
        if (timestamp) {
          Double(static_cast<double>(i), true);
        } else if (i >= 0) {
          Head(0, static_cast<uint64_t>(i));
        } else {
          Head(1, static_cast<uint64_t>(-(i + 1)));
        }
        break;
      }
      case json::value_t::number_float:
        Double(v.get<double>(), timestamp);
        break;
      case json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        Head(3, s.size());
        out_.append(s);
        break;
      }
      case json::value_t::binary: {
        const auto& b = v.get_binary();
        Head(2, b.size());
        out_.append(b.begin(), b.end());
        break;
      }
      case json::value_t::array:
        Head(4, v.size());
        // Elements of a timestamp list ("Timestamps") are timestamps too.
        for (const auto& element : v) Value(element, timestamp);
        break;
      case json::value_t::object:
        Head(5, v.size());
        for (const auto& [key, member] : v.items()) {
          Head(3, key.size());
          out_.append(key);
          Value(member, is_timestamp_ != nullptr && is_timestamp_(key));
        }
        break;
      case json::value_t::discarded:
        out_.push_back(static_cast<char>(0xf7));
        break;
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  void Head(uint8_t major, uint64_t arg) {
    const auto m = static_cast<uint8_t>(major << 5);
    if (arg < 24) {
      out_.push_back(static_cast<char>(m | arg));
    } else if (arg <= 0xff) {
      out_.push_back(static_cast<char>(m | 24));
      Big(arg, 1);
    } else if (arg <= 0xffff) {
      out_.push_back(static_cast<char>(m | 25));
      Big(arg, 2);
    } else if (arg <= 0xffffffffu) {
      out_.push_back(static_cast<char>(m | 26));
      Big(arg, 4);
    } else {
      out_.push_back(static_cast<char>(m | 27));
      Big(arg, 8);
    }
  }

  void Big(uint64_t v, int nbytes) {
    for (int i = nbytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }

  void Double(double d, bool timestamp) {
    if (timestamp) out_.push_back(static_cast<char>(0xc1));  // tag 1: epoch seconds
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    out_.push_back(static_cast<char>(0xfb));
    Big(bits, 8);
  }

  TimestampMemberPredicate is_timestamp_;
  std::string out_;
};

}  // namespace

std::optional<nlohmann::json> DecodeCbor(std::string_view bytes, std::string* error,
                                         const CborLimits& limits,
                                         std::optional<std::string>* repeated_key) {
  Decoder decoder(bytes, limits, repeated_key);
  nlohmann::json out;
  if (!decoder.DecodeAll(&out)) {
    if (error != nullptr) *error = decoder.error();
    return std::nullopt;
  }
  return out;
}

std::string EncodeCbor(const nlohmann::json& value, TimestampMemberPredicate is_timestamp) {
  Encoder encoder(is_timestamp);
  encoder.Value(value, false);
  return encoder.Take();
}

}  // namespace cwlogd::server::cloudwatch
