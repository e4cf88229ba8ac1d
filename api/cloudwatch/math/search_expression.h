// The query string of SEARCH('{Namespace,Dim} MetricName="x" term', 'Average', 300): an
// optional schema, then terms (key=value, key="value", words, "phrases") joined by AND
// (also implicit), OR and NOT with parentheses. Thread-safe (pure functions).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/cloudwatch/math/expression_parser.h"
#include "storage/metric_store.h"

namespace cwlogd::api::cloudwatch::math {

struct SearchTerm {
  enum class Kind { kTerm, kAnd, kOr, kNot };
  Kind kind = Kind::kTerm;
  std::optional<std::string> key;  // MetricName, Namespace or a dimension name
  std::string value;
  bool exact = false;  // quoted: the whole field must equal `value`
  std::vector<SearchTerm> children;
};

struct SearchQuery {
  // {Namespace,Dim1,Dim2}: the metric's namespace and exactly these dimension names.
  std::optional<std::string> schema_namespace;
  std::vector<std::string> schema_dimensions;
  std::optional<SearchTerm> terms;  // absent: every metric of the schema
};

std::optional<SearchQuery> ParseSearchQuery(std::string_view text, ParseError* error);
bool SearchMatches(const SearchQuery& query, const storage::MetricId& metric);

}  // namespace cwlogd::api::cloudwatch::math
