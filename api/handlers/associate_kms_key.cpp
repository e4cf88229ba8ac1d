// AssociateKmsKey / DisassociateKmsKey: the key is recorded with the group and reported as
// kmsKeyId by DescribeLogGroups. Events are not encrypted with it (there is no KMS here).
#include "api/detail/arn.h"
#include "api/detail/common.h"
#include "api/handlers/handlers.h"

namespace cwlogd::api {
namespace {

bool MatchesResourceIdentifier(std::string_view s) {  // [\w+=/:,.@\-\*]*
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_+=/:,.@-*").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

const StringRule kResourceIdentifierRule{1, 2048, R"([\w+=/:,.@\-\*]*)", &MatchesResourceIdentifier,
                                         false};

// Target of the request: a log group name, or nullopt for the account's query results.
struct Target {
  std::optional<std::string> group;
};

std::variant<Target, ApiError> ReadTarget(const std::optional<std::string>& name,
                                          const std::optional<std::string>& identifier,
                                          const Context& ctx) {
  if (name && identifier) {
    return ApiError::InvalidParameter(
        "You can't specify both logGroupName and resourceIdentifier.");
  }
  if (name) return Target{*name};
  if (!identifier) {
    return ApiError::InvalidParameter(
        "Either logGroupName or resourceIdentifier must be specified.");
  }
  std::string query_results = detail::LogGroupArn(ctx.partition, "");
  query_results.replace(query_results.size() - std::string_view("log-group:").size(),
                        std::string_view::npos, "query-result:*");
  if (*identifier == query_results) return Target{std::nullopt};
  if (auto group = detail::ResolveLogGroupIdentifier(ctx.partition, *identifier)) {
    if (identifier->starts_with("arn:")) return Target{*group};
  }
  return ApiError::ResourceNotFound("The specified resource does not exist.");
}

ApiResult SetKey(Context& ctx, const Target& target, std::optional<std::string> key) {
  // Query results are never stored encrypted here: the association has no effect to keep.
  if (!target.group) return nlohmann::json::object();
  storage::Status s =
      ctx.store.UpdateLogGroup(ctx.partition, *target.group, [&](storage::LogGroupInfo& g) {
        g.kms_key_id = key;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json::object();
}

}  // namespace

ApiResult HandleAssociateKmsKey(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("logGroupName", kLogGroupNameRule);
  auto key = in.String("kmsKeyId", kKmsKeyIdRule, /*required=*/true);
  auto identifier = in.String("resourceIdentifier", kResourceIdentifierRule);
  if (in.failed()) return in.error();
  auto target = ReadTarget(name, identifier, ctx);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  if (key->empty()) {
    // AWS answers InvalidParameterException for a key that does not exist (model doc).
    return ApiError::InvalidParameter("The specified KMS key does not exist or is not valid.");
  }
  return SetKey(ctx, std::get<Target>(target), *key);
}

ApiResult HandleDisassociateKmsKey(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("logGroupName", kLogGroupNameRule);
  auto identifier = in.String("resourceIdentifier", kResourceIdentifierRule);
  if (in.failed()) return in.error();
  auto target = ReadTarget(name, identifier, ctx);
  if (auto* e = std::get_if<ApiError>(&target)) return *e;
  return SetKey(ctx, std::get<Target>(target), std::nullopt);
}

}  // namespace cwlogd::api
