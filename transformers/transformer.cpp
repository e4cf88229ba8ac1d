#include "transformers/transformer.h"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "base/civil_time.h"
#include "transformers/date_time_pattern.h"

namespace cwlogd::transformers {
namespace {

// ordered_json keeps the members in the order the event had them and the processors added them.
using Json = nlohmann::ordered_json;

constexpr size_t kMaxProcessors = 20;  // model Processors max
constexpr size_t kMaxParsers = 5;      // "as many as five parser-type processors"
constexpr size_t kMaxFields = 200;     // "extract at most 200 fields from a log event"
constexpr size_t kMaxMessageBytes = 1 << 20;
constexpr int kMaxParseDepth = 64;  // nested JSON deeper than this is refused, not recursed

}  // namespace

// The parsed processors (named: Transformer::Impl holds them).
namespace internal {

enum class Op {
  kParseJson,
  kParseKeyValue,
  kCsv,
  kAddKeys,
  kDeleteKeys,
  kMoveKeys,
  kRenameKeys,
  kCopyValue,
  kListToMap,
  kLowerCase,
  kUpperCase,
  kTrim,
  kSplitString,
  kSubstituteString,
  kTypeConverter,
  kGrok,
  kDateTimeConverter,
};

struct Entry {
  std::string from;  // key / source
  std::string to;    // value / target / renameTo / delimiter / type
  bool overwrite = false;
  std::shared_ptr<RE2> regex;  // substituteString
  std::string replacement;     // substituteString, in RE2's \N syntax
};

struct Processor {
  Op op = Op::kParseJson;
  std::string source = "@message";
  std::string destination;  // empty: the root
  std::vector<Entry> entries;
  std::vector<std::string> keys;  // withKeys, csv columns
  // grok: the compiled match and, per generated group name, the field and its type ("" = string)
  std::shared_ptr<RE2> grok;
  std::vector<std::pair<std::string, std::string>> grok_fields;
  std::string grok_source;  // the match as written, for the error texts
  // parseKeyValue
  std::string field_delimiter = "&";
  std::string key_value_delimiter = "=";
  std::string key_prefix;
  std::optional<std::string> non_match_value;
  bool overwrite = false;
  // csv
  char quote = '"';
  std::string delimiter = ",";
  // listToMap
  std::string key;
  std::string value_key;
  std::string target;
  bool flatten = false;
  bool flatten_last = false;
  // dateTimeConverter: `source` -> `target`, the first of `match_patterns` that reads the value
  std::vector<DateTimePattern> match_patterns;
  std::vector<std::string> match_pattern_texts;  // as written, compiled after reading
  std::string target_format = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
  std::shared_ptr<DateTimePattern> target_pattern;
  std::string source_timezone = "UTC";
  std::string target_timezone = "UTC";
  int source_offset_minutes = 0;
  int target_offset_minutes = 0;
};

}  // namespace internal

namespace {

using internal::Entry;
using internal::Op;
using internal::Processor;

// ---------------------------------------------------------------- config reading

size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // a 4-byte sequence is a surrogate pair in Java
  }
  return n;
}

std::string_view KindName(const Json& v) {
  if (v.is_string()) return "STRING_VALUE";
  if (v.is_boolean()) return v.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE";
  if (v.is_number()) return "NUMBER_VALUE";
  if (v.is_object()) return "START_OBJECT";
  if (v.is_array()) return "START_ARRAY";
  return "VALUE_NULL";
}

// The model's structures as Coral prints them in a violation's value: Java's toString of the
// generated class, "Name(member=value, ...)" with every member in model order, null when unset.
struct Shape {
  std::string_view name;
  std::vector<std::string_view> members;
  const Shape* entry = nullptr;  // the element shape of member "entries"
};

const Shape kAddKeyEntry{"AddKeyEntry", {"key", "value", "overwriteIfExists"}};
const Shape kCopyValueEntry{"CopyValueEntry", {"source", "target", "overwriteIfExists"}};
const Shape kMoveKeyEntry{"MoveKeyEntry", {"source", "target", "overwriteIfExists"}};
const Shape kRenameKeyEntry{"RenameKeyEntry", {"key", "renameTo", "overwriteIfExists"}};
const Shape kSplitStringEntry{"SplitStringEntry", {"source", "delimiter"}};
const Shape kSubstituteStringEntry{"SubstituteStringEntry", {"source", "from", "to"}};
const Shape kTypeConverterEntry{"TypeConverterEntry", {"key", "type"}};

// Processor member name -> its structure.
const std::map<std::string_view, Shape>& ProcessorShapes() {
  static const std::map<std::string_view, Shape> shapes = {
      {"addKeys", {"AddKeys", {"entries"}, &kAddKeyEntry}},
      {"copyValue", {"CopyValue", {"entries"}, &kCopyValueEntry}},
      {"csv", {"CSV", {"quoteCharacter", "delimiter", "columns", "source", "destination"}}},
      {"dateTimeConverter",
       {"DateTimeConverter",
        {"source", "target", "targetFormat", "matchPatterns", "sourceTimezone", "targetTimezone",
         "locale"}}},
      {"deleteKeys", {"DeleteKeys", {"withKeys"}}},
      {"grok", {"Grok", {"source", "match"}}},
      {"listToMap",
       {"ListToMap", {"source", "key", "valueKey", "target", "flatten", "flattenedElement"}}},
      {"lowerCaseString", {"LowerCaseString", {"withKeys"}}},
      {"moveKeys", {"MoveKeys", {"entries"}, &kMoveKeyEntry}},
      {"parseCloudfront", {"ParseCloudfront", {"source"}}},
      {"parseJSON", {"ParseJSON", {"source", "destination"}}},
      {"parseKeyValue",
       {"ParseKeyValue",
        {"source", "destination", "fieldDelimiter", "keyValueDelimiter", "keyPrefix",
         "nonMatchValue", "overwriteIfExists"}}},
      {"parseRoute53", {"ParseRoute53", {"source"}}},
      {"parseToOCSF", {"ParseToOCSF", {"source", "eventSource", "ocsfVersion", "mappingVersion"}}},
      {"parsePostgres", {"ParsePostgres", {"source"}}},
      {"parseVPC", {"ParseVPC", {"source"}}},
      {"parseWAF", {"ParseWAF", {"source"}}},
      {"renameKeys", {"RenameKeys", {"entries"}, &kRenameKeyEntry}},
      {"splitString", {"SplitString", {"entries"}, &kSplitStringEntry}},
      {"substituteString", {"SubstituteString", {"entries"}, &kSubstituteStringEntry}},
      {"trimString", {"TrimString", {"withKeys"}}},
      {"typeConverter", {"TypeConverter", {"entries"}, &kTypeConverterEntry}},
      {"upperCaseString", {"UpperCaseString", {"withKeys"}}},
  };
  return shapes;
}

// `depth` bounds the recursion: values nested deeper than kMaxDescribeDepth print as "...".
constexpr int kMaxDescribeDepth = 32;
std::string Describe(const Json& v, const Shape* shape, int depth = 0);

std::string DescribeList(const Json& list, const Shape* element, int depth = 0) {
  if (depth > kMaxDescribeDepth) return "...";
  std::string out = "[";
  bool first = true;
  for (const auto& item : list) {
    if (!first) out += ", ";
    first = false;
    out += Describe(item, element, depth + 1);
  }
  return out + "]";
}

std::string DescribeStructure(const Json& v, std::string_view name,
                              const std::vector<std::string_view>& members,
                              const std::function<const Shape*(std::string_view)>& shape_of,
                              const Shape* entry, int depth) {
  std::string out(name);
  out += '(';
  bool first = true;
  for (std::string_view member : members) {
    if (!first) out += ", ";
    first = false;
    out += member;
    out += '=';
    auto it = v.find(member);
    if (it == v.end()) {
      out += "null";
    } else if (it->is_array()) {
      out += DescribeList(*it, member == "entries" ? entry : nullptr, depth + 1);
    } else {
      out += Describe(*it, shape_of(member), depth + 1);
    }
  }
  return out + ")";
}

// `shape` nullptr: a Processor when `v` is an object, else a scalar or a list of scalars.
std::string Describe(const Json& v, const Shape* shape, int depth) {
  if (depth > kMaxDescribeDepth) return "...";
  if (v.is_null()) return "null";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) return DescribeList(v, nullptr, depth + 1);
  if (!v.is_object()) return v.dump();
  if (shape != nullptr) {
    return DescribeStructure(
        v, shape->name, shape->members, [](std::string_view) -> const Shape* { return nullptr; },
        shape->entry, depth);
  }
  // Model order, which is alphabetical except parseToOCSF before parsePostgres.
  static const std::vector<std::string_view> kOrdered = {
      "addKeys",           "copyValue",        "csv",
      "dateTimeConverter", "deleteKeys",       "grok",
      "listToMap",         "lowerCaseString",  "moveKeys",
      "parseCloudfront",   "parseJSON",        "parseKeyValue",
      "parseRoute53",      "parseToOCSF",      "parsePostgres",
      "parseVPC",          "parseWAF",         "renameKeys",
      "splitString",       "substituteString", "trimString",
      "typeConverter",     "upperCaseString"};
  return DescribeStructure(
      v, "Processor", kOrdered,
      [](std::string_view member) -> const Shape* {
        auto it = ProcessorShapes().find(member);
        return it == ProcessorShapes().end() ? nullptr : &it->second;
      },
      nullptr, depth);
}

class ConfigReader {
 public:
  explicit ConfigReader(std::vector<ConfigProblem>* problems) : problems_(problems) {}

  bool serialization_failed() const { return serialization_failed_; }
  size_t constraint_count() const { return constraints_; }

  void Serialization(std::string message) {
    if (serialization_failed_) return;
    serialization_failed_ = true;
    problems_->push_back(
        {ConfigProblem::Kind::kSerialization, "", std::nullopt, std::move(message)});
  }
  void Constraint(std::string path, std::optional<std::string> value, std::string constraint) {
    ++constraints_;
    problems_->push_back({ConfigProblem::Kind::kConstraint, std::move(path), std::move(value),
                          std::move(constraint)});
  }

  // A member of `obj`; nullptr when absent or null (a required one records "must not be null").
  const Json* Member(const Json& obj, const char* name, const std::string& path, bool required) {
    auto it = obj.find(name);
    if (it == obj.end() || it->is_null()) {
      if (required) Constraint(path, std::nullopt, "Member must not be null");
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> String(const Json& obj, const char* name, const std::string& prefix,
                                    size_t min, size_t max, bool required) {
    const std::string path = prefix + name;
    const Json* v = Member(obj, name, path, required);
    if (v == nullptr) return std::nullopt;
    std::string s;
    if (v->is_string()) {
      s = v->get<std::string>();
    } else if (v->is_object()) {
      Serialization("Start of structure or map found where not expected.");
      return std::nullopt;
    } else if (v->is_array()) {
      Serialization("Start of list found where not expected.");
      return std::nullopt;
    } else {
      // Jackson reads a scalar into a String member as its text.
      s = v->dump();
    }
    CheckLength(path, s, min, max);
    return s;
  }

  void CheckLength(const std::string& path, const std::string& s, size_t min, size_t max) {
    const size_t n = Utf16Length(s);
    if (n < min) {
      Constraint(path, s,
                 "Member must have length greater than or equal to " + std::to_string(min));
    }
    if (n > max) {
      Constraint(path, s, "Member must have length less than or equal to " + std::to_string(max));
    }
  }

  std::optional<bool> Bool(const Json& obj, const char* name, const std::string& prefix) {
    const Json* v = Member(obj, name, prefix + name, false);
    if (v == nullptr) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
    if (v->is_object()) {
      Serialization("Start of structure or map found where not expected.");
    } else if (v->is_array()) {
      Serialization("Start of list found where not expected.");
    } else {
      Serialization(std::string(KindName(*v)) + " can not be converted to Boolean");
    }
    return std::nullopt;
  }

  std::optional<std::string> Enum(const Json& obj, const char* name, const std::string& prefix,
                                  std::initializer_list<std::string_view> values, bool required) {
    auto s = String(obj, name, prefix, 0, SIZE_MAX, required);
    if (!s) return std::nullopt;
    std::string set;
    for (auto value : values) {
      if (value == *s) return s;
      if (!set.empty()) set += ", ";
      set += value;
    }
    Constraint(prefix + name, *s, "Member must satisfy enum value set: [" + set + "]");
    return std::nullopt;
  }

  // A list member: nullptr when absent or not a list (recorded).
  const Json* List(const Json& obj, const char* name, const std::string& prefix, size_t min,
                   size_t max, bool required, const Shape* element = nullptr) {
    const std::string path = prefix + name;
    const Json* v = Member(obj, name, path, required);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Serialization(v->is_object()
                        ? std::string("Start of structure or map found where not expected.")
                        : "Expected list or set but found " + std::string(KindName(*v)));
      return nullptr;
    }
    CheckListSize(path, *v, min, max, element);
    return v;
  }

  // `element`: the shape of the elements (nullptr: processors or scalars).
  void CheckListSize(const std::string& path, const Json& list, size_t min, size_t max,
                     const Shape* element = nullptr) {
    if (list.size() < min) {
      Constraint(path, DescribeList(list, element),
                 "Member must have length greater than or equal to " + std::to_string(min));
    }
    if (list.size() > max) {
      Constraint(path, DescribeList(list, element),
                 "Member must have length less than or equal to " + std::to_string(max));
    }
  }

  bool IsStructure(const Json& v) {
    if (v.is_object()) return true;
    Serialization(v.is_array() ? std::string("Start of list found where not expected.")
                               : "Expected structure but found " + std::string(KindName(v)));
    return false;
  }

  // A list of strings with each element's length checked.
  std::vector<std::string> Strings(const Json& obj, const char* name, const std::string& prefix,
                                   size_t min_items, size_t max_items, size_t min_len,
                                   size_t max_len, bool required) {
    std::vector<std::string> out;
    const Json* list = List(obj, name, prefix, min_items, max_items, required);
    if (list == nullptr) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& v = (*list)[i];
      if (v.is_null()) continue;
      const std::string path = prefix + name + "." + std::to_string(i + 1) + ".member";
      if (v.is_object() || v.is_array()) {
        Serialization(v.is_object() ? "Start of structure or map found where not expected."
                                    : "Start of list found where not expected.");
        continue;
      }
      std::string s = v.is_string() ? v.get<std::string>() : v.dump();
      CheckLength(path, s, min_len, max_len);
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  std::vector<ConfigProblem>* problems_;
  bool serialization_failed_ = false;
  size_t constraints_ = 0;
};

// Model lengths shared by many members.
constexpr size_t kKeyMax = 128;

struct ProcessorSpec {
  std::string_view name;
  bool parser;
  bool vended;       // a pre-configured parser of AWS vended logs: first and alone
  bool implemented;  // cwlogd applies it (docs/transformers.md lists the others)
};

constexpr ProcessorSpec kProcessorSpecs[] = {
    {"addKeys", false, false, true},
    {"copyValue", false, false, true},
    {"csv", true, false, true},
    {"dateTimeConverter", false, false, true},
    {"deleteKeys", false, false, true},
    {"grok", true, false, true},
    {"listToMap", false, false, true},
    {"lowerCaseString", false, false, true},
    {"moveKeys", false, false, true},
    {"parseCloudfront", true, true, false},
    {"parseJSON", true, false, true},
    {"parseKeyValue", true, false, true},
    {"parseRoute53", true, true, false},
    {"parseToOCSF", true, true, false},
    {"parsePostgres", true, true, false},
    {"parseVPC", true, true, false},
    {"parseWAF", true, true, false},
    {"renameKeys", false, false, true},
    {"splitString", false, false, true},
    {"substituteString", false, false, true},
    {"trimString", false, false, true},
    {"typeConverter", false, false, true},
    {"upperCaseString", false, false, true},
};

const ProcessorSpec* FindSpec(std::string_view name) {
  for (const auto& spec : kProcessorSpecs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Reads the members of one processor's structure `body` (Coral path `p`, ending in '.').
Processor ReadProcessor(ConfigReader& in, std::string_view name, const Json& body,
                        const std::string& p) {
  Processor out;
  auto entries = [&](const char* list_name, size_t max, auto&& read_entry) {
    const Shape* entry_shape = ProcessorShapes().at(std::string_view(name)).entry;
    const Json* list = in.List(body, list_name, p, 1, max, true, entry_shape);
    if (list == nullptr) return;
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& e = (*list)[i];
      if (e.is_null() || !in.IsStructure(e)) continue;
      Entry entry;
      read_entry(e, p + list_name + "." + std::to_string(i + 1) + ".member.", entry);
      out.entries.push_back(std::move(entry));
    }
  };
  auto source_target = [&](const Json& e, const std::string& ep, Entry& entry) {
    entry.from = in.String(e, "source", ep, 1, kKeyMax, true).value_or("");
    entry.to = in.String(e, "target", ep, 1, kKeyMax, true).value_or("");
    entry.overwrite = in.Bool(e, "overwriteIfExists", ep).value_or(false);
  };
  auto with_keys = [&](size_t max) {
    out.keys = in.Strings(body, "withKeys", p, 1, max, 1, SIZE_MAX, true);
  };
  auto optional_source = [&]() {
    if (auto s = in.String(body, "source", p, 1, kKeyMax, false)) out.source = *s;
  };
  auto optional_destination = [&]() {
    if (auto s = in.String(body, "destination", p, 1, kKeyMax, false)) out.destination = *s;
  };

  if (name == "parseJSON") {
    out.op = Op::kParseJson;
    optional_source();
    optional_destination();
  } else if (name == "parseKeyValue") {
    out.op = Op::kParseKeyValue;
    optional_source();
    optional_destination();
    if (auto s = in.String(body, "fieldDelimiter", p, 1, kKeyMax, false)) out.field_delimiter = *s;
    if (auto s = in.String(body, "keyValueDelimiter", p, 1, kKeyMax, false)) {
      out.key_value_delimiter = *s;
    }
    if (auto s = in.String(body, "keyPrefix", p, 1, kKeyMax, false)) out.key_prefix = *s;
    out.non_match_value = in.String(body, "nonMatchValue", p, 1, kKeyMax, false);
    out.overwrite = in.Bool(body, "overwriteIfExists", p).value_or(false);
  } else if (name == "csv") {
    out.op = Op::kCsv;
    if (auto s = in.String(body, "quoteCharacter", p, 1, 1, false); s && s->size() == 1) {
      out.quote = (*s)[0];
    }
    if (auto s = in.String(body, "delimiter", p, 1, 2, false)) out.delimiter = *s;
    out.keys = in.Strings(body, "columns", p, 0, 100, 1, kKeyMax, false);
    optional_source();
    optional_destination();
  } else if (name == "addKeys") {
    out.op = Op::kAddKeys;
    entries("entries", 5, [&](const Json& e, const std::string& ep, Entry& entry) {
      entry.from = in.String(e, "key", ep, 1, kKeyMax, true).value_or("");
      entry.to = in.String(e, "value", ep, 1, 256, true).value_or("");
      entry.overwrite = in.Bool(e, "overwriteIfExists", ep).value_or(false);
    });
  } else if (name == "deleteKeys") {
    out.op = Op::kDeleteKeys;
    out.keys = in.Strings(body, "withKeys", p, 1, 5, 1, SIZE_MAX, true);
  } else if (name == "moveKeys") {
    out.op = Op::kMoveKeys;
    entries("entries", 5, source_target);
  } else if (name == "copyValue") {
    out.op = Op::kCopyValue;
    entries("entries", 5, source_target);
  } else if (name == "renameKeys") {
    out.op = Op::kRenameKeys;
    entries("entries", 5, [&](const Json& e, const std::string& ep, Entry& entry) {
      entry.from = in.String(e, "key", ep, 1, kKeyMax, true).value_or("");
      entry.to = in.String(e, "renameTo", ep, 1, kKeyMax, true).value_or("");
      entry.overwrite = in.Bool(e, "overwriteIfExists", ep).value_or(false);
    });
  } else if (name == "listToMap") {
    out.op = Op::kListToMap;
    out.source = in.String(body, "source", p, 1, kKeyMax, true).value_or("");
    out.key = in.String(body, "key", p, 1, kKeyMax, true).value_or("");
    out.value_key = in.String(body, "valueKey", p, 1, kKeyMax, false).value_or("");
    out.target = in.String(body, "target", p, 1, kKeyMax, false).value_or("");
    out.flatten = in.Bool(body, "flatten", p).value_or(false);
    auto element = in.Enum(body, "flattenedElement", p, {"first", "last"}, false);
    out.flatten_last = element && *element == "last";
  } else if (name == "lowerCaseString") {
    out.op = Op::kLowerCase;
    with_keys(10);
  } else if (name == "upperCaseString") {
    out.op = Op::kUpperCase;
    with_keys(10);
  } else if (name == "trimString") {
    out.op = Op::kTrim;
    with_keys(10);
  } else if (name == "splitString") {
    out.op = Op::kSplitString;
    entries("entries", 10, [&](const Json& e, const std::string& ep, Entry& entry) {
      entry.from = in.String(e, "source", ep, 1, kKeyMax, true).value_or("");
      entry.to = in.String(e, "delimiter", ep, 1, kKeyMax, true).value_or("");
    });
  } else if (name == "substituteString") {
    out.op = Op::kSubstituteString;
    entries("entries", 10, [&](const Json& e, const std::string& ep, Entry& entry) {
      entry.from = in.String(e, "source", ep, 1, kKeyMax, true).value_or("");
      entry.to = in.String(e, "from", ep, 1, kKeyMax, true).value_or("");
      entry.replacement = in.String(e, "to", ep, 1, kKeyMax, true).value_or("");
    });
  } else if (name == "grok") {
    out.op = Op::kGrok;
    optional_source();
    out.grok_source = in.String(body, "match", p, 1, 512, true).value_or("");
  } else if (name == "dateTimeConverter") {
    out.op = Op::kDateTimeConverter;
    out.source = in.String(body, "source", p, 1, kKeyMax, true).value_or("");
    out.target = in.String(body, "target", p, 1, kKeyMax, true).value_or("");
    out.match_pattern_texts = in.Strings(body, "matchPatterns", p, 1, 5, 1, SIZE_MAX, true);
    if (auto s = in.String(body, "targetFormat", p, 1, 64, false)) out.target_format = *s;
    if (auto s = in.String(body, "sourceTimezone", p, 1, SIZE_MAX, false)) out.source_timezone = *s;
    if (auto s = in.String(body, "targetTimezone", p, 1, SIZE_MAX, false)) out.target_timezone = *s;
    (void)in.String(body, "locale", p, 1, SIZE_MAX, false);  // names are English in any locale
  } else if (name == "typeConverter") {
    out.op = Op::kTypeConverter;
    entries("entries", 5, [&](const Json& e, const std::string& ep, Entry& entry) {
      entry.from = in.String(e, "key", ep, 1, kKeyMax, true).value_or("");
      entry.to =
          in.Enum(e, "type", ep, {"boolean", "integer", "double", "string"}, true).value_or("");
    });
  }
  return out;
}

// Java's $N group references become RE2's \N; a literal backslash is escaped for RE2.
std::string Re2Replacement(std::string_view java) {
  std::string out;
  for (size_t i = 0; i < java.size(); ++i) {
    char c = java[i];
    if (c == '$' && i + 1 < java.size() && std::isdigit(static_cast<unsigned char>(java[i + 1]))) {
      out += '\\';
      continue;
    }
    if (c == '\\' && i + 1 < java.size()) {
      ++i;  // Java's \x is x literally
      if (java[i] == '\\') {
        out += "\\\\";
      } else {
        out += java[i];
      }
      continue;
    }
    out += c;
  }
  return out;
}

// The grok patterns cwlogd knows (the common ones of the Logstash/AWS libraries), in RE2 syntax:
// where the originals use lookaround (which RE2 lacks) they are simplified.
const std::map<std::string_view, std::string_view>& GrokPatterns() {
  static const std::map<std::string_view, std::string_view> patterns = {
      {"USERNAME", R"([a-zA-Z0-9._-]+)"},
      {"USER", R"(%{USERNAME})"},
      {"EMAILLOCALPART",
       R"([a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[a-zA-Z0-9!#$%&'*+\-/=?^_`{|}~]+)*)"},
      {"EMAILADDRESS", R"(%{EMAILLOCALPART}@%{HOSTNAME})"},
      {"INT", R"((?:[+-]?(?:[0-9]+)))"},
      {"BASE10NUM", R"((?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)))"},
      {"NUMBER", R"((?:%{BASE10NUM}))"},
      {"BASE16NUM", R"((?:[+-]?(?:0[xX])?[0-9A-Fa-f]+))"},
      {"POSINT", R"(\b(?:[1-9][0-9]*)\b)"},
      {"NONNEGINT", R"(\b(?:[0-9]+)\b)"},
      {"WORD", R"(\b\w+\b)"},
      {"NOTSPACE", R"(\S+)"},
      {"SPACE", R"(\s*)"},
      {"DATA", R"(.*?)"},
      {"GREEDYDATA", R"(.*)"},
      {"QUOTEDSTRING", R"((?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`))"},
      {"QS", R"(%{QUOTEDSTRING})"},
      {"UUID", R"([A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12})"},
      {"MAC", R"((?:[A-Fa-f0-9]{2}[:-]){5}[A-Fa-f0-9]{2})"},
      {"IPV4",
       R"((?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?))"},
      {"IPV6",
       R"((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}|::)"},
      {"IP", R"((?:%{IPV6}|%{IPV4}))"},
      {"HOSTNAME",
       R"(\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*\.?\b)"},
      {"IPORHOST", R"((?:%{IP}|%{HOSTNAME}))"},
      {"HOSTPORT", R"(%{IPORHOST}:%{POSINT})"},
      {"UNIXPATH", R"((?:/[\w_%!$@:.,+~-]*)+)"},
      {"URIPROTO", R"([A-Za-z][A-Za-z0-9+\-.]+)"},
      {"URIHOST", R"(%{IPORHOST}(?::%{POSINT})?)"},
      {"URIPATH", R"((?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+)"},
      {"URIPARAM", R"(\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*)"},
      {"URIPATHPARAM", R"(%{URIPATH}(?:%{URIPARAM})?)"},
      {"URI", R"(%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?)"},
      {"MONTH",
       R"(\b(?:[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]un(?:e)?|[Jj]ul(?:y)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?)\b)"},
      {"MONTHNUM", R"((?:0?[1-9]|1[0-2]))"},
      {"MONTHDAY", R"((?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9]))"},
      {"DAY",
       R"((?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?))"},
      {"YEAR", R"((?:\d\d){1,2})"},
      {"HOUR", R"((?:2[0123]|[01]?[0-9]))"},
      {"MINUTE", R"((?:[0-5][0-9]))"},
      {"SECOND", R"((?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))"},
      {"TIME", R"(%{HOUR}:%{MINUTE}(?::%{SECOND})?)"},
      {"DATE_US", R"(%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR})"},
      {"DATE_EU", R"(%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR})"},
      {"DATE", R"((?:%{DATE_US}|%{DATE_EU}))"},
      {"ISO8601_TIMEZONE", R"((?:Z|[+-]%{HOUR}(?::?%{MINUTE})))"},
      {"TIMESTAMP_ISO8601",
       R"(%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?)"},
      {"HTTPDATE", R"(%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT})"},
      {"SYSLOGTIMESTAMP", R"(%{MONTH} +%{MONTHDAY} %{TIME})"},
      {"LOGLEVEL",
       R"((?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?))"},
      {"COMMONAPACHELOG",
       R"g(%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \[%{HTTPDATE:timestamp}\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" %{NUMBER:response} (?:%{NUMBER:bytes}|-))g"},
  };
  return patterns;
}

constexpr int kMaxGrokDepth = 10;
constexpr size_t kMaxGrokFields = 100;

// Expands the %{NAME}, %{NAME:field} and %{NAME:field:type} references of `text` into RE2
// syntax; each field becomes a named group gN (fields recorded in `fields`). An error text when
// a reference is unknown or malformed.
std::optional<std::string> ExpandGrok(std::string_view text, int depth, std::string* out,
                                      std::vector<std::pair<std::string, std::string>>* fields) {
  if (depth > kMaxGrokDepth) return "grok patterns are nested too deeply";
  size_t i = 0;
  while (i < text.size()) {
    size_t at = text.find("%{", i);
    if (at == std::string_view::npos) {
      out->append(text.substr(i));
      break;
    }
    out->append(text.substr(i, at - i));
    size_t end = text.find('}', at);
    if (end == std::string_view::npos) return "unterminated grok reference in the match";
    std::string_view ref = text.substr(at + 2, end - at - 2);
    std::string_view name = ref.substr(0, ref.find(':'));
    std::string field;
    std::string type;
    if (name.size() < ref.size()) {
      std::string_view rest = ref.substr(name.size() + 1);
      size_t colon = rest.find(':');
      field = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) type = std::string(rest.substr(colon + 1));
      if (field.empty()) return "empty field name in grok reference %{" + std::string(ref) + "}";
      if (!type.empty() && type != "int" && type != "float") {
        return "unsupported grok type '" + type + "' (int or float)";
      }
    }
    auto pattern = GrokPatterns().find(name);
    if (pattern == GrokPatterns().end()) return "unknown grok pattern %{" + std::string(name) + "}";
    if (!field.empty()) {
      if (fields->size() >= kMaxGrokFields) return "too many grok fields";
      *out += "(?P<g" + std::to_string(fields->size()) + ">";
      fields->emplace_back(std::move(field), std::move(type));
    } else {
      *out += "(?:";
    }
    if (auto e = ExpandGrok(pattern->second, depth + 1, out, fields)) return e;
    *out += ')';
    i = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> CompileGrok(Processor* p) {
  std::string expanded;
  if (auto e = ExpandGrok(p->grok_source, 0, &expanded, &p->grok_fields)) {
    return "Invalid grok match: " + *e + ".";
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  p->grok = std::make_shared<RE2>(expanded, options);
  if (!p->grok->ok()) return "Invalid grok match: " + p->grok->error() + ".";
  return std::nullopt;
}

}  // namespace

struct Transformer::Impl {
  std::vector<internal::Processor> processors;
};

Transformer::Transformer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

namespace {

// dateTimeConverter's patterns and zones, checked when the transformer is put [our texts: AWS's
// answers for these are unknown].
std::optional<std::string> CompileDateTimeConverter(Processor* p) {
  std::string error;
  for (const std::string& text : p->match_pattern_texts) {
    auto pattern = DateTimePattern::Compile(text, &error);
    if (!pattern) return "Invalid matchPatterns entry in dateTimeConverter: " + error;
    p->match_patterns.push_back(std::move(*pattern));
  }
  auto target = DateTimePattern::Compile(p->target_format, &error);
  if (!target) return "Invalid targetFormat in dateTimeConverter: " + error;
  p->target_pattern = std::make_shared<DateTimePattern>(std::move(*target));
  for (auto [zone, offset] : {std::pair{&p->source_timezone, &p->source_offset_minutes},
                              std::pair{&p->target_timezone, &p->target_offset_minutes}}) {
    auto minutes = FixedZoneOffsetMinutes(*zone);
    if (!minutes) {
      return "The time zone " + *zone +
             " is not supported by cwlogd: use UTC or a fixed offset such as +05:30.";
    }
    *offset = *minutes;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Transformer> ParseTransformer(std::string_view config_json,
                                            std::vector<ConfigProblem>* problems) {
  Json config = Json::parse(config_json, nullptr, false);
  ConfigReader in(problems);
  if (config.is_discarded() || !config.is_array()) {
    in.Serialization(config.is_object()
                         ? std::string("Start of structure or map found where not expected.")
                         : "Expected list or set but found " + std::string(KindName(config)));
    return std::nullopt;
  }
  in.CheckListSize("transformerConfig", config, 1, kMaxProcessors);
  auto impl = std::make_unique<Transformer::Impl>();
  // The kinds of the processors in order, for the service's rules checked after the model's.
  std::vector<const ProcessorSpec*> kinds;
  std::optional<std::string> rule_broken;
  for (size_t i = 0; i < config.size() && !in.serialization_failed(); ++i) {
    const Json& item = config[i];
    if (item.is_null() || !in.IsStructure(item)) continue;
    const std::string prefix = "transformerConfig." + std::to_string(i + 1) + ".member.";
    const ProcessorSpec* spec = nullptr;
    const Json* body = nullptr;
    size_t set = 0;
    for (const auto& [name, value] : item.items()) {
      const ProcessorSpec* s = FindSpec(name);
      if (s == nullptr || value.is_null()) continue;  // unknown members are ignored (Coral)
      ++set;
      spec = s;
      body = &value;
    }
    if (set != 1) {
      if (!rule_broken) {
        rule_broken = "Each processor of transformerConfig must set exactly one processor type.";
      }
      continue;
    }
    if (!in.IsStructure(*body)) continue;
    Processor processor =
        ReadProcessor(in, spec->name, *body, prefix + std::string(spec->name) + ".");
    kinds.push_back(spec);
    if (!spec->implemented && !rule_broken) {
      rule_broken = "The " + std::string(spec->name) + " processor is not supported by cwlogd.";
    }
    if (processor.op == Op::kSubstituteString) {
      for (auto& entry : processor.entries) {
        RE2::Options options;
        options.set_log_errors(false);
        options.set_max_mem(1 << 20);
        entry.regex = std::make_shared<RE2>(entry.to, options);
        if (!entry.regex->ok() && !rule_broken) {
          rule_broken = "Invalid regular expression in substituteString: " + entry.to;
        }
        entry.replacement = Re2Replacement(entry.replacement);
      }
    }
    if (processor.op == Op::kGrok && !processor.grok_source.empty()) {
      if (auto error = CompileGrok(&processor); error && !rule_broken) rule_broken = *error;
    }
    if (processor.op == Op::kDateTimeConverter) {
      if (auto error = CompileDateTimeConverter(&processor); error && !rule_broken) {
        rule_broken = *error;
      }
    }
    if (processor.op == Op::kListToMap && processor.flatten &&
        !body->contains("flattenedElement") && !rule_broken) {
      rule_broken = "flattenedElement is required when flatten is true in listToMap.";
    }
    impl->processors.push_back(std::move(processor));
  }
  if (in.serialization_failed() || in.constraint_count() > 0) return std::nullopt;
  if (!rule_broken && !kinds.empty()) {
    size_t parsers = 0;
    size_t grok = 0;
    size_t add_keys = 0;
    size_t copy_value = 0;
    for (size_t i = 0; i < kinds.size(); ++i) {
      const ProcessorSpec& k = *kinds[i];
      parsers += k.parser ? 1 : 0;
      grok += k.name == "grok" ? 1 : 0;
      add_keys += k.name == "addKeys" ? 1 : 0;
      copy_value += k.name == "copyValue" ? 1 : 0;
      if (k.vended && i != 0 && !rule_broken) {
        rule_broken = "The " + std::string(k.name) + " processor must be the first processor.";
      }
    }
    if (rule_broken) {
    } else if (!kinds[0]->parser) {
      rule_broken = "The first processor of a transformer must be a parser.";
    } else if (parsers > kMaxParsers) {
      rule_broken = "A transformer can have at most 5 parser-type processors.";
    } else if (grok > 1) {
      rule_broken = "A transformer can have at most one grok processor.";
    } else if (add_keys > 1) {
      rule_broken = "A transformer can have at most one addKeys processor.";
    } else if (copy_value > 1) {
      rule_broken = "A transformer can have at most one copyValue processor.";
    }
  }
  if (rule_broken) {
    problems->push_back({ConfigProblem::Kind::kInvalid, "", std::nullopt, *rule_broken});
    return std::nullopt;
  }
  return Transformer(std::move(impl));
}

// ---------------------------------------------------------------- application

namespace {

// A dotted key names a member of nested objects ("a.b" is member b of object a). When the
// event has a member whose name is the whole key, that member wins.
Json* Find(Json& root, std::string_view key) {
  if (!root.is_object()) return nullptr;
  if (auto it = root.find(key); it != root.end()) return &*it;
  size_t dot = key.find('.');
  if (dot == std::string_view::npos) return nullptr;
  auto head = root.find(key.substr(0, dot));
  if (head == root.end()) return nullptr;
  return Find(*head, key.substr(dot + 1));
}

// The object that holds `key`'s last part, creating the intermediate objects when `create`;
// nullptr when a part in the way is not an object.
Json* Parent(Json& root, std::string_view key, bool create, std::string* last) {
  Json* node = &root;
  while (true) {
    if (!node->is_object()) return nullptr;
    size_t dot = key.find('.');
    if (dot == std::string_view::npos || node->contains(key)) {
      *last = std::string(key);
      return node;
    }
    std::string head(key.substr(0, dot));
    auto it = node->find(head);
    if (it == node->end()) {
      if (!create) return nullptr;
      it = node->emplace(head, Json::object()).first;
    }
    node = &*it;
    key = key.substr(dot + 1);
  }
}

bool Erase(Json& root, std::string_view key) {
  std::string last;
  Json* parent = Parent(root, key, false, &last);
  return parent != nullptr && parent->erase(last) > 0;
}

// Sets `key` to `value`; false when a part in the way is not an object.
bool Set(Json& root, std::string_view key, Json value, bool overwrite) {
  std::string last;
  Json* parent = Parent(root, key, true, &last);
  if (parent == nullptr) return false;
  if (!overwrite && parent->contains(last)) return true;
  (*parent)[last] = std::move(value);
  return true;
}

// Puts the members of `fields` at `destination` (empty: the root), merging into an object
// already there.
void Merge(Json& root, const std::string& destination, Json fields, bool overwrite) {
  Json* target = &root;
  if (!destination.empty()) {
    Json* existing = Find(root, destination);
    if (existing == nullptr || !existing->is_object()) {
      Set(root, destination, Json::object(), true);
      existing = Find(root, destination);
    }
    if (existing == nullptr) return;
    target = existing;
  }
  for (auto& [k, v] : fields.items()) {
    if (!overwrite && target->contains(k)) continue;
    (*target)[k] = std::move(v);
  }
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> Split(std::string_view s, std::string_view delimiter) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(delimiter, start);
    if (at == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, at - start));
    start = at + delimiter.size();
  }
}

// One CSV record: fields split at `delimiter` outside quotes; a doubled quote inside quotes is
// one quote character.
std::vector<std::string> CsvFields(std::string_view line, char quote, std::string_view delimiter) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size();) {
    char c = line[i];
    if (quoted) {
      if (c == quote) {
        if (i + 1 < line.size() && line[i + 1] == quote) {
          field += quote;
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      ++i;
    } else if (c == quote) {
      quoted = true;
      ++i;
    } else if (line.compare(i, delimiter.size(), delimiter) == 0) {
      out.push_back(std::move(field));
      field.clear();
      i += delimiter.size();
    } else {
      field += c;
      ++i;
    }
  }
  out.push_back(std::move(field));
  return out;
}

size_t Depth(const Json& v, size_t limit) {
  if (!v.is_structured() || limit == 0) return 0;
  size_t deepest = 0;
  for (const auto& child : v) deepest = std::max(deepest, Depth(child, limit - 1));
  return deepest + 1;
}

// What a parser reads: the message itself while the event is not yet structured, else the
// string value at `source`.
std::optional<std::string> ParserInput(const Json& event, bool structured, std::string_view message,
                                       const std::string& source) {
  if (source == "@message" && !structured) return std::string(message);
  if (!structured) return std::nullopt;
  const Json* v = Find(const_cast<Json&>(event), source);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<Json> ConvertType(const Json& v, std::string_view type) {
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (type == "string") return Json(text);
  if (type == "boolean") {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true") return Json(true);
    if (lower == "false") return Json(false);
    return std::nullopt;
  }
  std::string_view t = Trim(text);
  if (t.empty()) return std::nullopt;
  if (type == "integer") {
    int64_t out = 0;
    size_t i = 0;
    bool negative = false;
    if (t[0] == '-' || t[0] == '+') {
      negative = t[0] == '-';
      i = 1;
    }
    if (i == t.size()) return std::nullopt;
    for (; i < t.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
      int digit = t[i] - '0';
      if (out > (INT32_MAX - digit) / 10) return std::nullopt;  // Java Integer
      out = out * 10 + digit;
    }
    return Json(negative ? -out : out);
  }
  if (type == "double") {
    std::string s(t);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
    return Json(d);
  }
  return std::nullopt;
}

size_t CountFields(const Json& v) {
  if (!v.is_object()) return 0;
  size_t n = 0;
  for (const auto& child : v) n += 1 + CountFields(child);
  return n;
}

// Applies one processor; an error message when the event cannot be transformed.
std::optional<std::string> ApplyOne(const Processor& p, Json& event, bool& structured,
                                    std::string_view message, const EventMetadata& metadata) {
  switch (p.op) {
    case Op::kParseJson: {
      auto input = ParserInput(event, structured, message, p.source);
      if (!input) return "parseJSON: the source " + p.source + " is not a string";
      Json parsed = Json::parse(*input, nullptr, false);
      if (parsed.is_discarded() || !parsed.is_object()) {
        return "parseJSON: the source " + p.source + " is not a JSON object";
      }
      if (Depth(parsed, kMaxParseDepth + 1) > kMaxParseDepth) return "parseJSON: nested too deep";
      if (!structured) event = Json::object();
      structured = true;
      if (p.destination.empty()) {
        Merge(event, "", std::move(parsed), true);
      } else {
        Set(event, p.destination, std::move(parsed), true);
      }
      return std::nullopt;
    }
    case Op::kParseKeyValue: {
      auto input = ParserInput(event, structured, message, p.source);
      if (!input) return "parseKeyValue: the source " + p.source + " is not a string";
      Json fields = Json::object();
      for (const std::string& pair : Split(*input, p.field_delimiter)) {
        size_t at = pair.find(p.key_value_delimiter);
        if (at == std::string::npos) {
          if (p.non_match_value && !pair.empty()) fields[p.key_prefix + pair] = *p.non_match_value;
          continue;
        }
        std::string k = p.key_prefix + pair.substr(0, at);
        if (k.empty()) continue;
        fields[k] = pair.substr(at + p.key_value_delimiter.size());
      }
      if (!structured) event = Json::object();
      structured = true;
      Merge(event, p.destination, std::move(fields), p.overwrite);
      return std::nullopt;
    }
    case Op::kGrok: {
      auto input = ParserInput(event, structured, message, p.source);
      if (!input) return "grok: the source " + p.source + " is not a string";
      const int groups = p.grok->NumberOfCapturingGroups();
      std::vector<re2::StringPiece> match(static_cast<size_t>(groups) + 1);
      if (!p.grok->Match(*input, 0, input->size(), RE2::UNANCHORED, match.data(),
                         static_cast<int>(match.size()))) {
        return "grok: the match did not match the source " + p.source;
      }
      const std::map<std::string, int>& groups_by_name = p.grok->NamedCapturingGroups();
      // In the order the fields appear in the match (the map orders g10 before g2).
      for (size_t field = 0; field < p.grok_fields.size(); ++field) {
        auto group = groups_by_name.find("g" + std::to_string(field));
        if (group == groups_by_name.end()) continue;
        const int index = group->second;
        if (match[index].data() == nullptr) continue;
        const auto& [name, type] = p.grok_fields[field];
        Json value = std::string(match[index].data(), match[index].size());
        if (!type.empty()) {
          auto converted = ConvertType(value, type == "int" ? "integer" : "double");
          if (!converted) {
            std::string error = "grok: cannot convert ";
            error += name;
            error += " to ";
            error += type;
            return error;
          }
          value = std::move(*converted);
        }
        if (!structured) event = Json::object();
        structured = true;
        Set(event, name, std::move(value), true);
      }
      if (!structured) event = Json::object();
      structured = true;
      return std::nullopt;
    }
    case Op::kCsv: {
      auto input = ParserInput(event, structured, message, p.source);
      if (!input) return "csv: the source " + p.source + " is not a string";
      std::vector<std::string> values = CsvFields(*input, p.quote, p.delimiter);
      Json fields = Json::object();
      for (size_t i = 0; i < values.size(); ++i) {
        std::string column = i < p.keys.size() ? p.keys[i] : "column_" + std::to_string(i + 1);
        if (!p.keys.empty() && i >= p.keys.size()) break;  // named columns: extra values dropped
        fields[column] = std::move(values[i]);
      }
      if (!structured) event = Json::object();
      structured = true;
      Merge(event, p.destination, std::move(fields), true);
      return std::nullopt;
    }
    default:
      break;
  }
  if (!structured) return "the event is not structured: the first processor must parse it";
  switch (p.op) {
    case Op::kAddKeys:
      for (const Entry& e : p.entries) Set(event, e.from, Json(e.to), e.overwrite);
      break;
    case Op::kDeleteKeys:
      for (const std::string& k : p.keys) Erase(event, k);
      break;
    case Op::kMoveKeys:
    case Op::kRenameKeys:
    case Op::kCopyValue:
      for (const Entry& e : p.entries) {
        const bool copy = p.op == Op::kCopyValue;
        // renameKeys: the new name is a sibling of the old key.
        std::string target = e.to;
        if (p.op == Op::kRenameKeys) {
          std::string last;
          if (Parent(event, e.from, false, &last) != nullptr && last.size() < e.from.size()) {
            target = e.from.substr(0, e.from.size() - last.size()) + e.to;
          }
        }
        Json value;
        if (copy && e.from == "@logGroupName") {
          value = std::string(metadata.log_group_name);
        } else if (copy && e.from == "@logGroupStream") {
          value = std::string(metadata.log_stream_name);
        } else if (copy && e.from == "@accountId") {
          value = std::string(metadata.account_id);
        } else if (copy && e.from == "@regionName") {
          value = std::string(metadata.region);
        } else {
          Json* found = Find(event, e.from);
          if (found == nullptr) continue;
          value = *found;
        }
        if (!e.overwrite && Find(event, target) != nullptr) continue;
        if (!copy) Erase(event, e.from);
        Set(event, target, std::move(value), true);
      }
      break;
    case Op::kLowerCase:
    case Op::kUpperCase:
    case Op::kTrim:
      for (const std::string& k : p.keys) {
        Json* v = Find(event, k);
        if (v == nullptr || !v->is_string()) continue;
        std::string s = v->get<std::string>();
        if (p.op == Op::kTrim) {
          s = std::string(Trim(s));
        } else {
          for (char& c : s) {
            c = static_cast<char>(p.op == Op::kLowerCase
                                      ? std::tolower(static_cast<unsigned char>(c))
                                      : std::toupper(static_cast<unsigned char>(c)));
          }
        }
        *v = std::move(s);
      }
      break;
    case Op::kSplitString:
      for (const Entry& e : p.entries) {
        Json* v = Find(event, e.from);
        if (v == nullptr || !v->is_string()) continue;
        Json parts = Json::array();
        for (auto& part : Split(v->get<std::string>(), e.to)) parts.push_back(std::move(part));
        *v = std::move(parts);
      }
      break;
    case Op::kSubstituteString:
      for (const Entry& e : p.entries) {
        Json* v = Find(event, e.from);
        if (v == nullptr || !v->is_string() || !e.regex) continue;
        std::string s = v->get<std::string>();
        RE2::GlobalReplace(&s, *e.regex, e.replacement);
        *v = std::move(s);
      }
      break;
    case Op::kTypeConverter:
      for (const Entry& e : p.entries) {
        Json* v = Find(event, e.from);
        if (v == nullptr || v->is_structured()) continue;
        auto converted = ConvertType(*v, e.to);
        if (!converted) return "typeConverter: cannot convert " + e.from + " to " + e.to;
        *v = std::move(*converted);
      }
      break;
    case Op::kDateTimeConverter: {
      Json* v = Find(event, p.source);
      if (v == nullptr || !v->is_string() || !p.target_pattern) break;
      // A pattern without a year reads the current one (syslog's "MMM dd HH:mm:ss").
      const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      const int64_t this_year = base::CivilFromDays(base::SplitEpochMillis(now_ms).day).year;
      std::optional<int64_t> instant;
      for (const DateTimePattern& pattern : p.match_patterns) {
        instant =
            pattern.Parse(v->get_ref<const std::string&>(), p.source_offset_minutes, this_year);
        if (instant) break;
      }
      if (!instant) return "dateTimeConverter: " + p.source + " matches no pattern";
      Set(event, p.target, Json(p.target_pattern->Format(*instant, p.target_offset_minutes)), true);
      break;
    }
    case Op::kListToMap: {
      Json* list = Find(event, p.source);
      if (list == nullptr || !list->is_array()) return "listToMap: " + p.source + " is not a list";
      Json map = Json::object();
      for (const Json& item : *list) {
        if (!item.is_object()) continue;
        auto k = item.find(p.key);
        if (k == item.end() || k->is_structured()) continue;
        std::string name = k->is_string() ? k->get<std::string>() : k->dump();
        Json value = item;
        if (!p.value_key.empty()) {
          auto vk = item.find(p.value_key);
          if (vk == item.end()) continue;
          value = *vk;
        }
        if (p.flatten) {
          if (p.flatten_last || !map.contains(name)) map[name] = std::move(value);
        } else {
          if (!map.contains(name)) map[name] = Json::array();
          map[name].push_back(std::move(value));
        }
      }
      Merge(event, p.target, std::move(map), true);
      break;
    }
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace

ApplyOutcome Transformer::Apply(std::string_view message, const EventMetadata& metadata) const {
  ApplyOutcome out;
  if (message.size() > kMaxMessageBytes) {
    out.text = "the message is too large to transform";
    return out;
  }
  Json event;
  bool structured = false;
  for (const Processor& p : impl_->processors) {
    if (auto error = ApplyOne(p, event, structured, message, metadata)) {
      out.text = std::move(*error);
      return out;
    }
  }
  if (!structured) {
    out.text = "the event was not parsed";
    return out;
  }
  if (CountFields(event) > kMaxFields) {
    out.text = "the transformer extracted more than 200 fields";
    return out;
  }
  out.ok = true;
  out.text = event.dump(-1, ' ', false, Json::error_handler_t::replace);
  return out;
}

}  // namespace cwlogd::transformers
