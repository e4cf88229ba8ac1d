// Value conversions and comparisons (docs/insights.md, "Types and comparisons").
#include "insights/value.h"

#include <charconv>
#include <cmath>

#include "insights/format.h"

namespace cwlogd::insights {

bool ParseNumber(std::string_view s, double* out) {
  if (s.empty() || s.size() > 64) return false;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  // from_chars takes "inf", "nan" and hex-free forms only; a leading '+' is not a number here.
  const char c = s.front();
  if (!(c == '-' || c == '.' || (c >= '0' && c <= '9'))) return false;
  double x = 0;
  auto r = std::from_chars(first, last, x, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != last || !std::isfinite(x)) return false;
  *out = x;
  return true;
}

bool AsNumber(const Value& v, double* out) {
  switch (v.kind) {
    case ValueKind::kNumber:
    case ValueKind::kTimestamp:
      *out = v.num;
      return true;
    case ValueKind::kString:
      return ParseNumber(v.str, out);
    case ValueKind::kNull:
      return false;
  }
  return false;
}

std::string_view AsString(const Value& v, std::string* scratch) {
  switch (v.kind) {
    case ValueKind::kString:
      return v.str;
    case ValueKind::kNull:
      return {};
    case ValueKind::kNumber:
    case ValueKind::kTimestamp:
      *scratch = FormatValue(v);
      return *scratch;
  }
  return {};
}

Value OwnedCopy(const Value& v) {
  if (v.kind != ValueKind::kString || v.owner) return v;
  return Value::Owned(std::string(v.str));
}

bool Truthy(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return false;
    case ValueKind::kNumber:
    case ValueKind::kTimestamp:
      return v.num != 0;
    case ValueKind::kString:
      return !v.str.empty();
  }
  return false;
}

bool ValuesEqual(const Value& a, const Value& b) {
  if (a.null() || b.null()) return false;
  double x = 0;
  double y = 0;
  if (AsNumber(a, &x) && AsNumber(b, &y)) return x == y;
  std::string sa;
  std::string sb;
  return AsString(a, &sa) == AsString(b, &sb);
}

int CompareValues(const Value& a, const Value& b) {
  double x = 0;
  double y = 0;
  const bool na = AsNumber(a, &x);
  const bool nb = AsNumber(b, &y);
  if (na && nb) return x < y ? -1 : (x > y ? 1 : 0);
  if (na != nb) return na ? -1 : 1;  // numbers before text
  std::string sa;
  std::string sb;
  const int c = AsString(a, &sa).compare(AsString(b, &sb));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace cwlogd::insights
