#include "api/handlers/anomaly_detectors/anomaly_detector.h"

#include <cctype>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/detail/resources.h"
#include "filters/filter_pattern.h"

namespace cwlogd::api::anomaly_detectors {
namespace {

// [\w#+=/:,.@-]* (Java's \w: ASCII letters, digits and '_')
bool ArnCharacters(std::string_view s) {
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
        std::string_view("_#+=/:,.@-").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kArnPattern = "[\\w#+=/:,.@-]*";

}  // namespace

const StringRule kDetectorArnRule{1, std::numeric_limits<size_t>::max(), kArnPattern,
                                  &ArnCharacters, false};
const StringRule kLogGroupArnRule{1, 2048, kArnPattern, &ArnCharacters, false};
const StringRule kDetectorNameRule{1, std::numeric_limits<size_t>::max(), "", nullptr, false};
const StringRule kFilterPatternRule{0, 1024, "", nullptr, false};

std::string DetectorArn(const storage::Partition& p, std::string_view id) {
  return detail::LogsResourceArn(p, "anomaly-detector", id);
}

std::optional<std::string> DetectorIdFromArn(const storage::Partition& p, std::string_view arn) {
  return detail::NameFromLogsResourceArn(p, "anomaly-detector", arn);
}

ApiError DetectorNotFound() {
  return ApiError::ResourceNotFound("The specified anomaly detector does not exist.");
}

std::variant<storage::ResourceRecord, ApiError> FindDetector(Context& ctx, std::string_view arn) {
  return detail::FindRecordByArn(ctx, storage::ResourceKind::kAnomalyDetector, "anomaly-detector",
                                 arn, DetectorNotFound());
}

std::optional<ApiError> CheckFilterPattern(std::string_view pattern) {
  filters::ParseError error;
  if (!filters::ParseFilterPattern(pattern, &error)) return detail::InvalidFilterPattern(error);
  return std::nullopt;
}

nlohmann::json DetectorJson(const storage::ResourceRecord& r) {
  nlohmann::json out = nlohmann::json::object();
  if (const std::string* v = r.FindField("detectorName")) out["detectorName"] = *v;
  nlohmann::json groups = nlohmann::json::array();
  if (const std::string* v = r.FindField("logGroupArnList")) {
    groups = nlohmann::json::parse(*v, nullptr, false);
    if (groups.is_discarded() || !groups.is_array()) groups = nlohmann::json::array();
  }
  out["logGroupArnList"] = std::move(groups);
  if (const std::string* v = r.FindField("evaluationFrequency")) out["evaluationFrequency"] = *v;
  if (const std::string* v = r.FindField("filterPattern")) out["filterPattern"] = *v;
  // Nothing trains here: an enabled detector stays INITIALIZING, a disabled one is PAUSED.
  const std::string* enabled = r.FindField("enabled");
  out["anomalyDetectorStatus"] =
      enabled != nullptr && *enabled == "false" ? "PAUSED" : "INITIALIZING";
  if (const std::string* v = r.FindField("kmsKeyId")) out["kmsKeyId"] = *v;
  out["creationTimeStamp"] = r.creation_time_ms;
  out["lastModifiedTimeStamp"] = r.last_updated_ms;
  if (const std::string* v = r.FindField("anomalyVisibilityTime")) {
    out["anomalyVisibilityTime"] = std::strtoll(v->c_str(), nullptr, 10);
  }
  return out;
}

}  // namespace cwlogd::api::anomaly_detectors
