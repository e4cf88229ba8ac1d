#include "api/request_reader.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace cwlogd::api {
namespace {

using nlohmann::json;

// ---- patterns of the model, as predicates --------------------------------------------------

bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool MatchesLogGroupName(std::string_view s) {  // [\.\-_/#A-Za-z0-9]+
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsAsciiAlnum(c) && c != '.' && c != '-' && c != '_' && c != '/' && c != '#') return false;
  }
  return true;
}

bool HasNoColonStarDollar(std::string_view s) {  // [^:*$]*
  return s.find_first_of(":*$") == std::string_view::npos;
}
// AWS accepted a namespace containing ':' although the model's pattern is [^:*$]*, so only '*'
// and '$' are refused.
bool HasNoStarDollar(std::string_view s) { return s.find_first_of("*$") == std::string_view::npos; }

// [\w#+=/:,.@-]*, plus a trailing ":*": the model's pattern has no '*', yet AWS's own
// GetLogEvents example (AWS API reference) passes "arn:...:log-group:name:*", so we accept it.
bool MatchesIdentifier(std::string_view s) {
  if (s.ends_with(":*")) s.remove_suffix(2);
  for (unsigned char c : s) {
    if (!IsAsciiAlnum(c) &&
        std::string_view("_#+=/:,.@-").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool MatchesResourceArn(std::string_view s) {  // [\w+=/:,.@-]*
  for (unsigned char c : s) {
    if (!IsAsciiAlnum(c) &&
        std::string_view("_+=/:,.@-").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool MatchesAccountId(std::string_view s) {  // ^\d{12}$
  if (s.size() != 12) return false;
  for (unsigned char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Decodes one UTF-8 code point at s[i] (input is valid UTF-8: nlohmann validated it).
char32_t NextCodePoint(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
  ++i;
  for (int k = 0; k < extra && i < s.size(); ++k, ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  return cp;
}

// \p{L}, \p{Z} or \p{N} for a non-ASCII code point. An approximation without Unicode tables:
// everything is a letter/number/separator except the C1 controls and the main blocks of
// punctuation, symbols and emoji.
bool IsUnicodeLetterNumberOrSeparator(char32_t cp) {
  if (cp < 0xA0) return false;  // C1 controls
  if (cp == 0xA0) return true;  // no-break space (Zs)
  if (cp <= 0xBF) {
    // Latin-1: ª ² ³ µ ¹ º ¼ ½ ¾ are letters/numbers; the rest are punctuation/symbols.
    return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA ||
           cp == 0xBC || cp == 0xBD || cp == 0xBE;
  }
  if (cp == 0xD7 || cp == 0xF7) return false;     // × ÷
  if (cp >= 0x2000 && cp <= 0x200A) return true;  // spaces (Zs)
  if (cp == 0x2028 || cp == 0x2029) return true;  // line/paragraph separators
  if (cp == 0x202F || cp == 0x205F || cp == 0x3000) return true;
  if (cp >= 0x200B && cp <= 0x206F) return false;  // general punctuation, format chars
  if (cp >= 0x20A0 && cp <= 0x20CF) return false;  // currency symbols
  if (cp >= 0x2190 && cp <= 0x2BFF) return false;  // arrows, math, technical, boxes, dingbats
  if (cp >= 0x3001 && cp <= 0x3003) return false;  // CJK punctuation
  if (cp >= 0x3008 && cp <= 0x3020) return false;
  if (cp >= 0xD800 && cp <= 0xF8FF) return false;    // surrogates, private use
  if (cp >= 0xFE10 && cp <= 0xFE6F) return false;    // vertical forms, small forms
  if (cp >= 0xFF01 && cp <= 0xFF0F) return false;    // fullwidth punctuation
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;    // specials
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;  // emoji and pictographs
  return true;
}

bool MatchesTagChars(std::string_view s) {  // [\p{L}\p{Z}\p{N}_.:/=+\-@]*
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = NextCodePoint(s, i);
    if (cp < 0x80) {
      auto c = static_cast<unsigned char>(cp);
      if (!IsAsciiAlnum(c) && c != ' ' &&
          std::string_view("_.:/=+-@").find(static_cast<char>(c)) == std::string_view::npos) {
        return false;
      }
    } else if (!IsUnicodeLetterNumberOrSeparator(cp)) {
      return false;
    }
  }
  return true;
}

bool MatchesTagKey(std::string_view s) { return !s.empty() && MatchesTagChars(s); }

JsonValueKind KindOf(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return JsonValueKind::kString;
    case json::value_t::boolean:
      return v.get<bool>() ? JsonValueKind::kTrue : JsonValueKind::kFalse;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return JsonValueKind::kNumber;
    case json::value_t::object:
      return JsonValueKind::kObject;
    case json::value_t::array:
      return JsonValueKind::kArray;
    default:
      return JsonValueKind::kNull;
  }
}

std::string_view KindName(JsonValueKind kind) {
  switch (kind) {
    case JsonValueKind::kString:
      return "STRING_VALUE";
    case JsonValueKind::kTrue:
      return "TRUE_VALUE";
    case JsonValueKind::kFalse:
      return "FALSE_VALUE";
    case JsonValueKind::kNumber:
      return "NUMBER_VALUE";
    case JsonValueKind::kObject:
      return "START_OBJECT";
    case JsonValueKind::kArray:
      return "START_ARRAY";
    case JsonValueKind::kNull:
      break;
  }
  return "VALUE_NULL";
}

std::string WrongType(const json& v, std::string_view expected) {
  return WrongTypeMessage(KindOf(v), expected);
}

// Java-style toString of a list/map value, as Coral prints it in violation messages.
std::string DescribeValue(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      out += DescribeValue(v[i]);
    }
    return out + "]";
  }
  if (v.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, item] : v.items()) {
      if (!first) out += ", ";
      first = false;
      out += k + "=" + DescribeValue(item);
    }
    return out + "}";
  }
  if (v.is_null()) return "null";
  return v.dump();
}

}  // namespace

const StringRule kLogGroupNameRule{1, 512, R"([\.\-_/#A-Za-z0-9]+)", &MatchesLogGroupName, true};
const StringRule kLogGroupNamePrefixRule{1, 512, R"([\.\-_/#A-Za-z0-9]+)", &MatchesLogGroupName,
                                         false};
const StringRule kLogStreamNameRule{1, 512, "[^:*]*", &HasNoColonOrStar, true};
const StringRule kLogStreamNamePrefixRule{1, 512, "[^:*]*", &HasNoColonOrStar, false};
const StringRule kLogGroupIdentifierRule{1, 2048, R"([\w#+=/:,.@-]*)", &MatchesIdentifier, false};
const StringRule kNextTokenRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kResourceArnRule{1, 1011, R"([\w+=/:,.@-]*)", &MatchesResourceArn, false};
const StringRule kKmsKeyIdRule{0, 256, "", nullptr, false};
const StringRule kTagKeyRule{1, 128, R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$)", &MatchesTagKey, false};
const StringRule kTagValueRule{0, 256, R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$)", &MatchesTagChars,
                               false};
const StringRule kAccountIdRule{12, 12, R"(^\d{12}$)", &MatchesAccountId, false};
const StringRule kFilterNameRule{1, 512, "[^:*]*", &HasNoColonOrStar, false};
const StringRule kFilterPatternRule{0, 1024, "", nullptr, false};
const StringRule kMetricNameRule{0, 255, "[^:*$]*", &HasNoColonStarDollar, false};
const StringRule kMetricNamespaceRule{0, 255, "[^:*$]*", &HasNoStarDollar, false};

bool HasNoColonOrStar(std::string_view s) {
  return s.find_first_of(":*") == std::string_view::npos;
}

// Coral/Jackson wording for a value of the wrong type. Clients (botocore and the other SDKs)
// only use __type; the message just has to say what went wrong.
std::string WrongTypeMessage(JsonValueKind kind, std::string_view expected) {
  if (kind == JsonValueKind::kObject) return "Start of structure or map found where not expected.";
  if (kind == JsonValueKind::kArray) return "Start of list found where not expected.";
  return fmt::format("{} can not be converted to {}", KindName(kind), expected);
}

std::string NotAListMessage(JsonValueKind kind) {
  if (kind == JsonValueKind::kObject) return "Start of structure or map found where not expected.";
  return fmt::format("Expected list or set but found {}", KindName(kind));
}

std::string NotAStructureMessage(JsonValueKind kind) {
  if (kind == JsonValueKind::kArray) return "Start of list found where not expected.";
  return fmt::format("Expected structure but found {}", KindName(kind));
}

std::string OutOfRangeMessage(std::string_view number_text, std::string_view type) {
  return fmt::format("NUMBER_VALUE {} is out of range for {}", number_text, type);
}

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  return n;
}

std::optional<std::string> JsonToString(const json& v, std::string* message) {
  if (v.is_string()) return v.get<std::string>();
  *message = WrongType(v, "String");
  return std::nullopt;
}

namespace {

// Integer members convert within [lo, hi]; the top of the double range check must stay below
// 2^63 to convert safely, hence Long's hi of 2^63 - 1 - 1024.
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max() - 1024;

std::optional<int64_t> SignedInRange(int64_t x, int64_t lo, int64_t hi) {
  if (x >= lo && x <= hi) return x;
  return std::nullopt;
}

std::optional<int64_t> UnsignedInRange(uint64_t x, int64_t hi) {
  if (x <= static_cast<uint64_t>(hi)) return static_cast<int64_t>(x);
  return std::nullopt;
}

// `d` is a whole number (callers refuse fractions first, HasFraction).
std::optional<int64_t> DoubleInRange(double d, int64_t lo, int64_t hi) {
  if (std::isfinite(d) && d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) {
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<int64_t> JsonToNumber(const json& v, std::string* message, std::string_view type,
                                    int64_t lo, int64_t hi) {
  std::optional<int64_t> x;
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    x = SignedInRange(v.get<int64_t>(), lo, hi);
  } else if (v.is_number_unsigned()) {
    x = UnsignedInRange(v.get<uint64_t>(), hi);
  } else if (v.is_number_float()) {
    if (HasFraction(v.get<double>())) {
      *message = WrongTypeMessage(JsonValueKind::kNumber, type);
      return std::nullopt;
    }
    x = DoubleInRange(v.get<double>(), lo, hi);
  } else {
    *message = WrongType(v, type);
    return std::nullopt;
  }
  if (!x) *message = OutOfRangeMessage(v.dump(), type);
  return x;
}
}  // namespace

std::optional<int64_t> SignedToLong(int64_t value) {
  return SignedInRange(value, kLongMin, kLongMax);
}
std::optional<int64_t> UnsignedToLong(uint64_t value) { return UnsignedInRange(value, kLongMax); }
std::optional<int64_t> DoubleToLong(double value) {
  return DoubleInRange(value, kLongMin, kLongMax);
}
bool HasFraction(double value) { return std::isfinite(value) && value != std::trunc(value); }

std::optional<int64_t> JsonToLong(const json& v, std::string* message) {
  return JsonToNumber(v, message, "Long", kLongMin, kLongMax);
}

std::optional<int64_t> JsonToInteger(const json& v, std::string* message) {
  return JsonToNumber(v, message, "Integer", std::numeric_limits<int32_t>::min(),
                      std::numeric_limits<int32_t>::max());
}

std::optional<bool> JsonToBool(const json& v, std::string* message) {
  if (v.is_boolean()) return v.get<bool>();
  *message = WrongType(v, "Boolean");
  return std::nullopt;
}

const json* RequestReader::Find(std::string_view name) const {
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void RequestProblems::AddViolation(std::string_view path,
                                   std::optional<std::string_view> value_text,
                                   std::string_view constraint) {
  if (value_text) {
    violations_.push_back(fmt::format("Value '{}' at '{}{}' failed to satisfy constraint: {}",
                                      *value_text, path_prefix_, path, constraint));
  } else {
    violations_.push_back(fmt::format("Value null at '{}{}' failed to satisfy constraint: {}",
                                      path_prefix_, path, constraint));
  }
}

void RequestProblems::Absorb(const RequestProblems& nested) {
  if (nested.serialization_) SerializationError(*nested.serialization_);
  special_ = special_ || nested.special_;
  violations_.insert(violations_.end(), nested.violations_.begin(), nested.violations_.end());
}

void RequestProblems::SerializationError(std::string message) {
  if (!serialization_) serialization_ = std::move(message);
}

void RequestProblems::CheckString(std::string_view path, std::string_view value,
                                  const StringRule& rule) {
  size_t length = Utf16Length(value);
  if (rule.name_length_message && length > rule.max_length) {
    special_ = true;
    return;
  }
  // Coral lists the pattern violation before the length violations.
  if (rule.matches && !rule.matches(value)) {
    AddViolation(path, value,
                 fmt::format("Member must satisfy regular expression pattern: {}", rule.pattern));
  }
  if (length < rule.min_length) {
    AddViolation(
        path, value,
        fmt::format("Member must have length greater than or equal to {}", rule.min_length));
  }
  if (length > rule.max_length) {
    AddViolation(path, value,
                 fmt::format("Member must have length less than or equal to {}", rule.max_length));
  }
}

void RequestProblems::CheckNumber(std::string_view path, int64_t value, const NumberRule& rule) {
  if (value < rule.min) {
    AddViolation(path, std::to_string(value),
                 fmt::format("Member must have value greater than or equal to {}", rule.min));
  }
  if (value > rule.max) {
    AddViolation(path, std::to_string(value),
                 fmt::format("Member must have value less than or equal to {}", rule.max));
  }
}

std::optional<std::string> RequestReader::String(std::string_view name, const StringRule& rule,
                                                 bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto s = JsonToString(*v, &message);
  if (!s) {
    SerializationError(std::move(message));
    return std::nullopt;
  }
  size_t before = violation_count();
  bool special_before = special();
  CheckString(name, *s, rule);
  if (violation_count() != before || special() != special_before) return std::nullopt;
  return s;
}

std::optional<std::string> RequestReader::NestedString(const json& object,
                                                       std::string_view path_prefix,
                                                       std::string_view name,
                                                       const StringRule& rule, bool required) {
  const std::string path = std::string(path_prefix) + std::string(name);
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) AddViolation(path, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto value = JsonToString(*it, &message);
  if (!value) {
    SerializationError(std::move(message));
    return std::nullopt;
  }
  CheckString(path, *value, rule);
  return value;
}

std::optional<std::string> RequestReader::Enum(std::string_view name,
                                               std::span<const std::string_view> values,
                                               bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto s = JsonToString(*v, &message);
  if (!s) {
    SerializationError(std::move(message));
    return std::nullopt;
  }
  for (std::string_view allowed : values) {
    if (*s == allowed) return s;
  }
  std::string set;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) set += ", ";
    set += values[i];
  }
  AddViolation(name, *s, fmt::format("Member must satisfy enum value set: [{}]", set));
  return std::nullopt;
}

std::optional<int64_t> RequestReader::Long(std::string_view name, const NumberRule& rule,
                                           bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto x = JsonToLong(*v, &message);
  if (!x) {
    SerializationError(std::move(message));
    return std::nullopt;
  }
  size_t before = violation_count();
  CheckNumber(name, *x, rule);
  if (violation_count() != before) return std::nullopt;
  return x;
}

std::optional<int32_t> RequestReader::Integer(std::string_view name, const NumberRule& rule,
                                              bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto x = JsonToInteger(*v, &message);
  if (!x) {
    SerializationError(std::move(message));
    return std::nullopt;
  }
  size_t before = violation_count();
  CheckNumber(name, *x, rule);
  if (violation_count() != before) return std::nullopt;
  return static_cast<int32_t>(*x);
}

std::optional<bool> RequestReader::Bool(std::string_view name, bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  std::string message;
  auto b = JsonToBool(*v, &message);
  if (!b) SerializationError(std::move(message));
  return b;
}

std::optional<std::vector<std::string>> RequestReader::StringList(std::string_view name,
                                                                  const ListRule& list,
                                                                  const StringRule& element,
                                                                  bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  if (!v->is_array()) {
    SerializationError(NotAListMessage(KindOf(*v)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(v->size());
  size_t before = violation_count();
  bool special_before = special();
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (item.is_null()) continue;  // Coral drops null list elements
    std::string message;
    auto s = JsonToString(item, &message);
    if (!s) {
      SerializationError(std::move(message));
      return std::nullopt;
    }
    CheckString(fmt::format("{}.{}.member", name, i + 1), *s, element);
    out.push_back(std::move(*s));
  }
  if (out.size() < list.min_length) {
    AddViolation(
        name, DescribeValue(*v),
        fmt::format("Member must have length greater than or equal to {}", list.min_length));
  }
  if (out.size() > list.max_length) {
    AddViolation(name, DescribeValue(*v),
                 fmt::format("Member must have length less than or equal to {}", list.max_length));
  }
  if (violation_count() != before || special() != special_before) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> RequestReader::EnumList(
    std::string_view name, const ListRule& list, std::span<const std::string_view> values,
    bool required) {
  auto strings = StringList(name, list, StringRule{}, required);
  if (!strings) return std::nullopt;
  std::string set;
  for (std::string_view v : values) set += (set.empty() ? "" : ", ") + std::string(v);
  bool all_known = true;
  for (size_t i = 0; i < strings->size(); ++i) {
    if (std::find(values.begin(), values.end(), (*strings)[i]) != values.end()) continue;
    AddViolation(fmt::format("{}.{}.member", name, i + 1), (*strings)[i],
                 fmt::format("Member must satisfy enum value set: [{}]", set));
    all_known = false;
  }
  if (!all_known) return std::nullopt;
  return strings;
}

std::optional<std::map<std::string, std::string>> RequestReader::StringMap(std::string_view name,
                                                                           const ListRule& list,
                                                                           const StringRule& key,
                                                                           const StringRule& value,
                                                                           bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return std::nullopt;
  }
  if (!v->is_object()) {
    SerializationError(v->is_array()
                           ? "Start of list found where not expected."
                           : fmt::format("Expected map but found {}", KindName(KindOf(*v))));
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  size_t before = violation_count();
  for (const auto& [k, item] : v->items()) {
    if (item.is_null()) continue;
    std::string message;
    auto s = JsonToString(item, &message);
    if (!s) {
      SerializationError(std::move(message));
      return std::nullopt;
    }
    CheckString(fmt::format("{}.{}.member.key", name, k), k, key);
    CheckString(fmt::format("{}.{}.member.value", name, k), *s, value);
    out.emplace(k, std::move(*s));
  }
  if (out.size() < list.min_length) {
    AddViolation(
        name, DescribeValue(*v),
        fmt::format("Member must have length greater than or equal to {}", list.min_length));
  }
  if (out.size() > list.max_length) {
    AddViolation(name, DescribeValue(*v),
                 fmt::format("Member must have length less than or equal to {}", list.max_length));
  }
  if (violation_count() != before) return std::nullopt;
  return out;
}

const json* RequestReader::Structure(std::string_view name, bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return nullptr;
  }
  if (!v->is_object()) {
    SerializationError(NotAStructureMessage(KindOf(*v)));
    return nullptr;
  }
  return v;
}

const json* RequestReader::StructureList(std::string_view name, const ListRule& list,
                                         std::string (*describe)(const json& element),
                                         bool required) {
  const json* v = Find(name);
  if (!v) {
    if (required) AddViolation(name, std::nullopt, "Member must not be null");
    return nullptr;
  }
  if (!v->is_array()) {
    SerializationError(NotAListMessage(KindOf(*v)));
    return nullptr;
  }
  for (const json& item : *v) {
    if (!item.is_object() && !item.is_null()) {
      SerializationError(NotAStructureMessage(KindOf(item)));
      return nullptr;
    }
  }
  auto print = [&] {
    std::string out = "[";
    for (size_t i = 0; i < v->size(); ++i) {
      if (i) out += ", ";
      out += (*v)[i].is_null() ? "null" : describe((*v)[i]);
    }
    return out + "]";
  };
  if (v->size() < list.min_length) {
    AddViolation(
        name, print(),
        fmt::format("Member must have length greater than or equal to {}", list.min_length));
    return nullptr;
  }
  if (v->size() > list.max_length) {
    AddViolation(name, print(),
                 fmt::format("Member must have length less than or equal to {}", list.max_length));
    return nullptr;
  }
  return v;
}

ApiError RequestProblems::error() const {
  if (serialization_) return ApiError::Serialization(*serialization_);
  if (special_) {
    return ApiError::InvalidParameter(
        "Invalid LogGroup or LogStream, both must have length less than or equal to 512.");
  }
  std::string message = fmt::format("{} validation error{} detected: ", violations_.size(),
                                    violations_.size() == 1 ? "" : "s");
  for (size_t i = 0; i < violations_.size(); ++i) {
    if (i) message += "; ";
    message += violations_[i];
  }
  return ApiError::InvalidParameter(std::move(message));
}

}  // namespace cwlogd::api
