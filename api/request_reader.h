// RequestReader: type-checked access to the members of a request object, recording problems the
// way AWS's Coral front end reports them (below). Not thread-safe; one per request.
//
// Two kinds of problems, in this priority:
//  1. a member of the wrong JSON type -> SerializationException (deserialization fails first);
//  2. model-constraint violations -> InvalidParameterException, all of them, in the order the
//     handler read the members: "2 validation errors detected: <v1>; <v2>". A group or stream
//     name longer than 512 gives AWS's special "Invalid LogGroup or LogStream, ..." message
//     instead of the Coral text.
// JSON null counts as absent (Coral does the same). Unknown members are ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"

namespace cwlogd::api {

// Model constraints of a string member. Lengths count UTF-16 code units, as Java does.
struct StringRule {
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  std::string_view pattern;                     // printed in the message; empty = none
  bool (*matches)(std::string_view) = nullptr;  // implements `pattern`
  // Over max_length gives "Invalid LogGroup or LogStream, both must have length less than or
  // equal to 512." (log group and stream names).
  bool name_length_message = false;
};

struct NumberRule {
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
};

struct ListRule {
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
};

// Rules shared by many operations (the members' constraints in the AWS API reference).
extern const StringRule kLogGroupNameRule;        // 1-512, [\.\-_/#A-Za-z0-9]+
extern const StringRule kLogGroupNamePrefixRule;  // same pattern, no special 512 message
extern const StringRule kLogStreamNameRule;       // 1-512, [^:*]*
extern const StringRule kLogStreamNamePrefixRule;
extern const StringRule kLogGroupIdentifierRule;  // 1-2048, [\w#+=/:,.@-]*
extern const StringRule kNextTokenRule;           // >= 1
extern const StringRule kResourceArnRule;         // 1-1011, [\w+=/:,.@-]*
extern const StringRule kKmsKeyIdRule;            // <= 256
extern const StringRule kTagKeyRule;              // 1-128, ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$
extern const StringRule kTagValueRule;            // 0-256, ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$
extern const StringRule kAccountIdRule;           // 12 digits
extern const StringRule kFilterNameRule;          // 1-512, [^:*]* (metric filter names, prefixes)
extern const StringRule kFilterPatternRule;       // 0-1024
extern const StringRule kMetricNameRule;          // 0-255, [^:*$]*
extern const StringRule kMetricNamespaceRule;     // 0-255, [^:*$]*, but ':' is accepted (AWS does)

// [^:*]*: for an operation's own rule with that pattern.
bool HasNoColonOrStar(std::string_view s);

// Length of `s` in UTF-16 code units (`s` is valid UTF-8).
size_t Utf16Length(std::string_view s);

// The kinds of JSON value the SerializationException texts name (Jackson's token names).
enum class JsonValueKind { kString, kTrue, kFalse, kNumber, kObject, kArray, kNull };

// SerializationException texts, one definition each, for any JSON parser's values:
// a scalar member of the wrong type ("<KIND> can not be converted to <expected>"), ...
std::string WrongTypeMessage(JsonValueKind kind, std::string_view expected);
// ... a list member that is not an array, ...
std::string NotAListMessage(JsonValueKind kind);
// ... a list element that is not a structure, ...
std::string NotAStructureMessage(JsonValueKind kind);
// ... and a number outside the range of `type` ("Long"), printed as `number_text`.
std::string OutOfRangeMessage(std::string_view number_text, std::string_view type);

// The conversion of a JSON number into a Long member: integers within range as they are, and
// whole numbers written as floats (1.0, 1e3) too. nullopt when out of range.
std::optional<int64_t> SignedToLong(int64_t value);
std::optional<int64_t> UnsignedToLong(uint64_t value);
std::optional<int64_t> DoubleToLong(double value);
// A finite number with a fractional part is no integer at all: an integer member (Long,
// Integer) refuses it with SerializationException WrongTypeMessage(kNumber, type) instead of
// storing it truncated, as Smithy's malformed-request rules for AWS protocols require.
bool HasFraction(double value);

// The problems found in one request, in the priority described at the top of this file, and
// the ApiError they make. Fed by RequestReader (nlohmann values) and by parsers of other JSON
// libraries (the PutLogEvents parser reads simdjson values). Not thread-safe.
class RequestProblems {
 public:
  // Checks `value` against `rule` under the member path `path`; records violations.
  void CheckString(std::string_view path, std::string_view value, const StringRule& rule);
  void CheckNumber(std::string_view path, int64_t value, const NumberRule& rule);
  // Records one Coral violation: "Value '<value>' at '<path>' failed to satisfy constraint:
  // <constraint>". value_text nullopt prints "Value null".
  void AddViolation(std::string_view path, std::optional<std::string_view> value_text,
                    std::string_view constraint);
  // Records a SerializationException (the first one wins).
  void SerializationError(std::string message);
  // Adds the problems of `nested` (the reader of a nested structure, RequestReader below) after
  // this one's.
  void Absorb(const RequestProblems& nested);

  bool failed() const { return serialization_.has_value() || special_ || !violations_.empty(); }
  ApiError error() const;

 protected:
  size_t violation_count() const { return violations_.size(); }
  bool special() const { return special_; }
  // Prepended to every violation's path: the Coral path of a nested structure ("a.b.").
  std::string path_prefix_;

 private:
  std::optional<std::string> serialization_;
  bool special_ = false;  // the 512-character name message
  std::vector<std::string> violations_;
};

class RequestReader : public RequestProblems {
 public:
  // `object` must be a JSON object (Dispatch guarantees it for the top level).
  explicit RequestReader(const nlohmann::json& object) : object_(object) {}
  // The reader of a structure nested in the request (see Structure): problems are recorded
  // under `path_prefix` + the member's name (Coral's path, e.g. "suppressionPeriod."); the
  // request's reader takes them with Absorb.
  RequestReader(const nlohmann::json& object, std::string path_prefix) : object_(object) {
    path_prefix_ = std::move(path_prefix);
  }

  // Each accessor returns nullopt when the member is absent or has a problem (recorded).
  // `required` members that are absent record "Value null at '<name>' ... must not be null".
  std::optional<std::string> String(std::string_view name, const StringRule& rule,
                                    bool required = false);
  std::optional<std::string> Enum(std::string_view name, std::span<const std::string_view> values,
                                  bool required = false);
  // A string member of a structure nested in the request (an element of a list of
  // structures): problems are recorded under `path_prefix` + `name`, Coral's path
  // (e.g. "parameters.1.member.name"). Unlike String, a value that breaks `rule` is returned
  // too (the request fails on the recorded violation).
  std::optional<std::string> NestedString(const nlohmann::json& object,
                                          std::string_view path_prefix, std::string_view name,
                                          const StringRule& rule, bool required);
  std::optional<int64_t> Long(std::string_view name, const NumberRule& rule, bool required = false);
  std::optional<int32_t> Integer(std::string_view name, const NumberRule& rule,
                                 bool required = false);
  std::optional<bool> Bool(std::string_view name, bool required = false);
  std::optional<std::vector<std::string>> StringList(std::string_view name, const ListRule& list,
                                                     const StringRule& element,
                                                     bool required = false);
  // A list of strings each of which must be one of `values` (violations name
  // "<name>.<i>.member", as Coral does).
  std::optional<std::vector<std::string>> EnumList(std::string_view name, const ListRule& list,
                                                   std::span<const std::string_view> values,
                                                   bool required = false);
  std::optional<std::map<std::string, std::string>> StringMap(std::string_view name,
                                                              const ListRule& list,
                                                              const StringRule& key,
                                                              const StringRule& value,
                                                              bool required = false);
  // A structure member: nullptr when absent (recorded when `required`) or not a JSON object
  // (SerializationException).
  const nlohmann::json* Structure(std::string_view name, bool required = false);
  // A list of structures: type-checks the list and each element and checks the list length
  // (printing the value with `describe`, a Java-style toString). The caller reads the elements.
  const nlohmann::json* StructureList(std::string_view name, const ListRule& list,
                                      std::string (*describe)(const nlohmann::json& element),
                                      bool required = false);

 private:
  const nlohmann::json* Find(std::string_view name) const;

  const nlohmann::json& object_;
};

// Coral-style conversions of one JSON value; on a type mismatch they return nullopt and set
// *message to the SerializationException text.
std::optional<std::string> JsonToString(const nlohmann::json& v, std::string* message);
std::optional<int64_t> JsonToLong(const nlohmann::json& v, std::string* message);
std::optional<int64_t> JsonToInteger(const nlohmann::json& v, std::string* message);
std::optional<bool> JsonToBool(const nlohmann::json& v, std::string* message);

}  // namespace cwlogd::api
