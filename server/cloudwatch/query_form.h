// The AWS query protocol's request side: an x-www-form-urlencoded body (or URL query string)
// -> the JSON 1.0 shape of the operation's input, guided by shapes.h.
// `A.member.N.B` lists (1-based, any order), `M.entry.N.key/value` maps, `S.C` structures;
// numbers, booleans and ISO 8601 timestamps are converted (timestamps -> epoch seconds).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "server/cloudwatch/shapes.h"

namespace cwlogd::server::cloudwatch {

using FormParams = std::vector<std::pair<std::string, std::string>>;

// Splits `a=b&c=d` and percent-decodes names and values (`+` is a space). nullopt when a
// percent escape is malformed.
std::optional<FormParams> ParseForm(std::string_view text);

// The value of the first parameter named `name`, if any.
std::optional<std::string_view> FindParam(const FormParams& params, std::string_view name);

// A parameter named more than once (`Namespace=a&Namespace=b`, the URL's and the body's
// parameters together) gives InvalidQueryParameter "The parameter <name> is given more than
// once." (400, Sender), the first repeated name in order: no SDK writes one, and a front end
// reading one of the values while we act on the other is what the Logs API's duplicate-field
// rule prevents too. nullopt when every name is unique.
std::optional<api::ApiError> CheckRepeatedParams(const FormParams& params);

// Builds the input object of an operation; `Action` and `Version` are skipped, unknown
// parameters ignored. Refuses repeated parameters (CheckRepeatedParams), also when spelt
// differently (`MetricData.member.01.Value` after `MetricData.member.1.Value`), and a map that
// gives one key in two entries, with InvalidQueryParameter. A value of the wrong type (e.g.
// `Period=abc`, or a fraction `Period=60.5` for an Integer member: the query form writes
// integers as decimal digits only, so `60.0` is refused too) gives
// InvalidParameterValueException "Value '<v>' for parameter <name> is invalid.".
std::variant<nlohmann::json, api::ApiError> DecodeQueryInput(const FormParams& params,
                                                             const Shape& input);

}  // namespace cwlogd::server::cloudwatch
