// AssociateSourceToS3TableIntegration: records that a data source is associated with an S3
// Table Integration. The identifier is derived from the integration and the data source, so
// associating the same source again answers the same identifier and stores nothing new.
#include <fmt/format.h>

#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {
namespace {

// An ARN has at least six ':'-separated parts and starts "arn:".
bool LooksLikeArn(std::string_view s) {
  if (!s.starts_with("arn:")) return false;
  size_t colons = 0;
  for (char c : s) colons += c == ':' ? 1 : 0;
  return colons >= 5;
}

// A UUID-shaped identifier of (integration, data source name, type).
std::string SourceIdentifier(std::string_view integration, std::string_view name,
                             const std::optional<std::string>& type) {
  std::string key = fmt::format("{}\n{}\n{}", integration, name, type.value_or(""));
  if (!type) key.push_back('\x01');  // no type differs from an empty one
  const uint64_t a = detail::HashBytes(key, 0x5333);
  const uint64_t b = detail::HashBytes(key, a);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff,
                     b >> 48, b & 0xffffffffffffULL);
}

}  // namespace

ApiResult HandleAssociateSourceToS3TableIntegration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto integration = in.String("integrationArn", detail::kAnyStringRule, true);
  const nlohmann::json* source = in.Structure("dataSource", true);
  std::optional<std::string> name;
  std::optional<std::string> type;
  if (source != nullptr) {
    RequestReader nested(*source, "dataSource.");
    name = nested.String("name", detail::kAnyStringRule, true);
    type = nested.String("type", detail::kAnyStringRule);
    in.Absorb(nested);
  }
  if (in.failed()) return integrations::AsValidation(in.error());
  if (!LooksLikeArn(*integration)) {  // our text
    return ApiError::Validation("Invalid integrationArn: " + *integration);
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  const std::string id = SourceIdentifier(*integration, *name, type);
  storage::Status s = store->Update(
      ctx.partition, storage::ResourceKind::kS3TableSource, id, ctx.clock.NowMillis(), {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {
          *out = *current;  // already associated: the same record, rewritten unchanged
          return storage::Status::OK();
        }
        out->fields["integrationArn"] = *integration;
        out->fields["dataSourceName"] = *name;
        if (type) out->fields["dataSourceType"] = *type;
        return storage::Status::OK();
      });
  if (!s.ok()) return FromStorage(s);
  return nlohmann::json{{"identifier", id}};
}

}  // namespace cwlogd::api
