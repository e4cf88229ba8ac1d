// TestMetricFilter (AWS API reference): which of up to 50 messages a filter pattern matches,
// with the values it extracts (docs/filter-patterns.md, "Extracted values"). No log group is
// involved.
#include <limits>

#include "api/handlers/handlers.h"
#include "api/request_reader.h"
#include "filters/filter_pattern.h"

namespace cwlogd::api {
namespace {

const StringRule kLogEventMessageRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};

}  // namespace

ApiResult HandleTestMetricFilter(const nlohmann::json& request, Context& /*ctx*/) {
  RequestReader in(request);
  auto pattern_text = in.String("filterPattern", kFilterPatternRule, /*required=*/true);
  auto messages = in.StringList("logEventMessages", ListRule{1, 50}, kLogEventMessageRule,
                                /*required=*/true);
  if (in.failed()) return in.error();

  filters::ParseError parse_error;
  auto pattern = filters::ParseFilterPattern(*pattern_text, &parse_error);
  // Metric-filter operations send the filter module's text as it is (PutMetricFilter style:
  // "Invalid character(s) in term '/api'"), without FilterLogEvents' prefix.
  if (!pattern) return ApiError::InvalidParameter(parse_error.message);

  nlohmann::json matches = nlohmann::json::array();
  filters::ExtractedValues values;
  for (size_t i = 0; i < messages->size(); ++i) {
    const std::string& message = (*messages)[i];
    if (!pattern->Match(message, &values)) continue;
    nlohmann::json extracted = nlohmann::json::object();
    for (auto& [key, value] : values) extracted.emplace(key, std::move(value));
    matches.push_back({{"eventNumber", static_cast<int64_t>(i)},
                       {"eventMessage", message},
                       {"extractedValues", std::move(extracted)}});
  }
  return nlohmann::json{{"matches", std::move(matches)}};
}

}  // namespace cwlogd::api
