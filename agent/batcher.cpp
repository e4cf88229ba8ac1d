#include "agent/batcher.h"

#include <algorithm>

namespace cwlogd::agent {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

}  // namespace

std::string SanitizeMessage(std::string_view raw, bool latin1) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    size_t len = 0;
    const auto c = static_cast<unsigned char>(raw[i]);
    if (latin1) {
      if (c < 0x80) {
        len = 1;
        if (out.size() + 1 > kMaxMessageBytes) break;
        out += raw[i];
      } else {
        if (out.size() + 2 > kMaxMessageBytes) break;
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
        len = 1;
      }
      i += len;
      continue;
    }
    len = Utf8SeqLen(raw, i);
    if (len == 0) {
      if (out.size() + 3 > kMaxMessageBytes) break;
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (out.size() + len > kMaxMessageBytes) break;
    out.append(raw.data() + i, len);
    i += len;
  }
  return out;
}

bool Batch::Fits(const Event& event) const {
  if (events_.empty()) return true;
  if (static_cast<int>(events_.size()) >= max_events_) return false;
  if (bytes_ + static_cast<int64_t>(event.message.size()) + kEventOverheadBytes > max_bytes_) {
    return false;
  }
  const int64_t lo = std::min(min_ts_, event.timestamp_ms);
  const int64_t hi = std::max(max_ts_, event.timestamp_ms);
  return hi - lo < kMaxBatchSpanMs;
}

void Batch::Add(Event event) {
  if (events_.empty()) {
    min_ts_ = max_ts_ = event.timestamp_ms;
  } else {
    min_ts_ = std::min(min_ts_, event.timestamp_ms);
    max_ts_ = std::max(max_ts_, event.timestamp_ms);
  }
  bytes_ += static_cast<int64_t>(event.message.size()) + kEventOverheadBytes;
  events_.push_back(std::move(event));
}

void Batch::Clear() {
  events_.clear();
  bytes_ = 0;
}

void AppendJsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the current run of bytes needing no escape
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

std::string Batch::Body(std::string_view group, std::string_view stream) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Event& a, const Event& b) { return a.timestamp_ms < b.timestamp_ms; });
  std::string body;
  body.reserve(static_cast<size_t>(bytes_) + events_.size() * 16 + 256);
  body += "{\"logGroupName\":";
  AppendJsonString(group, &body);
  body += ",\"logStreamName\":";
  AppendJsonString(stream, &body);
  body += ",\"logEvents\":[";
  for (size_t i = 0; i < events_.size(); ++i) {
    if (i > 0) body += ',';
    body += "{\"timestamp\":";
    body += std::to_string(events_[i].timestamp_ms);
    body += ",\"message\":";
    AppendJsonString(events_[i].message, &body);
    body += '}';
  }
  body += "]}";
  return body;
}

}  // namespace cwlogd::agent
