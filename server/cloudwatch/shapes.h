// A small model of the CloudWatch (2010-08-01) input shapes we serve, enough to turn a query
// protocol form into the JSON 1.0 shape: which members are lists, maps, numbers, booleans and
// timestamps. Static, immutable data; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace cwlogd::server::cloudwatch {

enum class ShapeKind { kString, kInteger, kDouble, kBoolean, kTimestamp, kList, kMap, kStructure };

struct Member;

struct Shape {
  ShapeKind kind = ShapeKind::kString;
  std::span<const Member> members = {};  // kStructure
  const Shape* element = nullptr;        // kList: the member shape; kMap: the value shape
};

struct Member {
  std::string_view name;  // PascalCase model name, as on the wire
  const Shape* shape;
};

struct OperationModel {
  std::string_view name;  // "PutMetricData"
  const Shape* input;
  bool has_output;  // false: the query response has no <OpResult> element
};

// The operation named `name` (case-sensitive), or nullptr when we do not serve it.
const OperationModel* FindOperationModel(std::string_view name);

// True for the output members that hold timestamps or lists of timestamps ("Timestamp",
// "Timestamps", "StateUpdatedTimestamp"); they become tag 1 in CBOR and ISO 8601 in XML.
bool IsTimestampMember(std::string_view name);

}  // namespace cwlogd::server::cloudwatch
