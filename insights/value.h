// A value as Insights expressions see it: absent (null), a number, a timestamp (ms) or a string.
// Strings are views; `owner` keeps computed strings alive, record strings live during Add only.
// Plain data, not thread-safe to share while being written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace cwlogd::insights {

enum class ValueKind : uint8_t { kNull, kNumber, kTimestamp, kString };

struct Value {
  ValueKind kind = ValueKind::kNull;
  double num = 0;
  std::string_view str;
  std::shared_ptr<const std::string> owner;  // set when `str` points into a computed string

  static Value Number(double x) {
    Value v;
    v.kind = ValueKind::kNumber;
    v.num = x;
    return v;
  }
  static Value Timestamp(double ms) {
    Value v;
    v.kind = ValueKind::kTimestamp;
    v.num = ms;
    return v;
  }
  static Value Bool(bool b) { return Number(b ? 1 : 0); }
  // A view that must outlive the value (record data, query text, static strings).
  static Value View(std::string_view s) {
    Value v;
    v.kind = ValueKind::kString;
    v.str = s;
    return v;
  }
  static Value Owned(std::string s) {
    Value v;
    v.kind = ValueKind::kString;
    auto owned = std::make_shared<const std::string>(std::move(s));
    v.str = *owned;
    v.owner = std::move(owned);
    return v;
  }
  bool null() const { return kind == ValueKind::kNull; }
  bool numeric() const { return kind == ValueKind::kNumber || kind == ValueKind::kTimestamp; }
};

// Parses a whole string as a finite decimal number ("120", "-1.5", "2e3"); false otherwise.
bool ParseNumber(std::string_view s, double* out);
// The number a value stands for: numbers and timestamps as they are, numeric strings parsed.
bool AsNumber(const Value& v, double* out);
// The text of a value (numbers and timestamps formatted as in results); uses `scratch` for them.
std::string_view AsString(const Value& v, std::string* scratch);
// A copy that owns its string, safe to keep after the record is gone.
Value OwnedCopy(const Value& v);
// Truthiness for `filter`: present and not 0 / not "" (docs/insights.md).
bool Truthy(const Value& v);
// Equality as `=` and `in` compare: numerically when both sides are numeric, else as text.
// Null on either side is never equal.
bool ValuesEqual(const Value& a, const Value& b);
// Ordering for `<`, `sort`, min/max of strings: numbers before strings, numbers numerically,
// strings bytewise. Both must be non-null. Returns <0, 0, >0.
int CompareValues(const Value& a, const Value& b);

}  // namespace cwlogd::insights
