// CreateLogAnomalyDetector: stores a detector over one existing log group under a new id.
#include <string>

#include "api/detail/arn.h"
#include "api/detail/insights.h"
#include "api/detail/resources.h"
#include "api/detail/tags.h"
#include "api/handlers/anomaly_detectors/anomaly_detector.h"
#include "api/handlers/anomaly_integration_handlers.h"

namespace cwlogd::api {
namespace {

// ^arn:aws[a-z\-]*:kms:[-a-z0-9]*:[0-9]*:key/[-a-z0-9]*$
bool IsKmsKeyArn(std::string_view s) {
  auto skip = [&s](auto allowed) {
    size_t n = 0;
    while (n < s.size() && allowed(s[n])) ++n;
    s.remove_prefix(n);
  };
  auto literal = [&s](std::string_view text) {
    if (!s.starts_with(text)) return false;
    s.remove_prefix(text.size());
    return true;
  };
  auto lower_or_dash = [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; };
  auto lower_digit_dash = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!literal("arn:aws")) return false;
  skip(lower_or_dash);
  if (!literal(":kms:")) return false;
  skip(lower_digit_dash);
  if (!literal(":")) return false;
  skip(digit);
  if (!literal(":key/")) return false;
  skip(lower_digit_dash);
  return s.empty();
}

const StringRule kDetectorKmsKeyRule{
    0, 256, "^arn:aws[a-z\\-]*:kms:[-a-z0-9]*:[0-9]*:key/[-a-z0-9]*$", &IsKmsKeyArn, false};

}  // namespace

ApiResult HandleCreateLogAnomalyDetector(const nlohmann::json& request, Context& ctx) {
  namespace ad = anomaly_detectors;
  RequestReader in(request);
  auto groups = in.StringList("logGroupArnList", ListRule{}, ad::kLogGroupArnRule, true);
  auto name = in.String("detectorName", ad::kDetectorNameRule);
  auto frequency = in.Enum("evaluationFrequency", ad::kEvaluationFrequencies);
  auto pattern = in.String("filterPattern", ad::kFilterPatternRule);
  auto kms = in.String("kmsKeyId", kDetectorKmsKeyRule);
  auto visibility = in.Long("anomalyVisibilityTime", ad::kVisibilityRule);
  auto tags = in.StringMap("tags", detail::kTagMapRule, kTagKeyRule, kTagValueRule);
  if (in.failed()) return in.error();
  if (tags) {
    if (auto e = detail::CheckTagKeys(*tags)) return *e;
  }
  // The model documents "You can specify only one log group ARN" (our text).
  if (groups->size() != 1) {
    return ApiError::InvalidParameter("logGroupArnList must hold exactly one log group ARN.");
  }
  for (const std::string& arn : *groups) {
    if (!arn.starts_with("arn:")) {
      return ApiError::InvalidParameter("Invalid log group ARN: " + arn);
    }
    auto group = detail::ExistingGroup(ctx, arn);
    if (auto* e = std::get_if<ApiError>(&group)) return *e;
  }
  if (pattern) {
    if (auto e = ad::CheckFilterPattern(*pattern)) return *e;
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  const std::string id = detail::NewUuid();
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kAnomalyDetector, id, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {  // a random id met an existing one: the caller may retry
          return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
        }
        out->fields["logGroupArnList"] = nlohmann::json(*groups).dump();
        if (name) out->fields["detectorName"] = *name;
        if (frequency) out->fields["evaluationFrequency"] = *frequency;
        if (pattern) out->fields["filterPattern"] = *pattern;
        if (kms) out->fields["kmsKeyId"] = *kms;
        if (visibility) out->fields["anomalyVisibilityTime"] = std::to_string(*visibility);
        out->fields["enabled"] = "true";
        if (tags) out->tags = *tags;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"anomalyDetectorArn", ad::DetectorArn(ctx.partition, id)}};
}

}  // namespace cwlogd::api
