// PutIntegration: creates the account's one OpenSearch integration. AWS's documentation: "You
// can use this operation only to create a new integration. You can't modify an existing
// integration", and "you can have only one integration in your account".
#include "api/detail/resources.h"
#include "api/handlers/anomaly_integration_handlers.h"
#include "api/handlers/integrations/integration.h"

namespace cwlogd::api {
namespace {

struct OpenSearchConfig {
  std::optional<std::string> kms_key_arn;
  std::optional<std::string> data_source_role_arn;
  std::optional<std::vector<std::string>> dashboard_viewer_principals;
  std::optional<std::string> application_arn;
  std::optional<int32_t> retention_days;
};

// resourceConfig (a union; its one member today is openSearchResourceConfig). Problems are
// recorded in `in` under Coral's paths; *members counts the union's members that are set.
OpenSearchConfig ReadResourceConfig(RequestReader& in, const nlohmann::json& config, int* members) {
  OpenSearchConfig out;
  RequestReader rc(config, "resourceConfig.");
  const nlohmann::json* os = rc.Structure("openSearchResourceConfig");
  *members = 0;
  if (os != nullptr) {
    ++*members;
    RequestReader o(*os, "resourceConfig.openSearchResourceConfig.");
    out.kms_key_arn = o.String("kmsKeyArn", detail::kAnyStringRule);
    out.data_source_role_arn = o.String("dataSourceRoleArn", detail::kAnyStringRule, true);
    out.dashboard_viewer_principals =
        o.StringList("dashboardViewerPrincipals", ListRule{}, detail::kAnyStringRule, true);
    out.application_arn = o.String("applicationArn", detail::kAnyStringRule);
    out.retention_days = o.Integer("retentionDays", NumberRule{1, 30}, true);
    rc.Absorb(o);
  }
  in.Absorb(rc);
  return out;
}

}  // namespace

ApiResult HandlePutIntegration(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto name = in.String("integrationName", integrations::kIntegrationNameRule, true);
  const nlohmann::json* config = in.Structure("resourceConfig", true);
  OpenSearchConfig os;
  int members = 0;
  if (config != nullptr) os = ReadResourceConfig(in, *config, &members);
  auto type = in.Enum("integrationType", integrations::kIntegrationTypes, true);
  if (in.failed()) return in.error();
  if (members != 1) {  // our text: AWS's for an empty union is unknown
    return ApiError::Validation("resourceConfig must set exactly one of its members.");
  }
  storage::ResourceStore* store = detail::Resources(ctx);
  if (store == nullptr) return detail::NoResourceStore();
  storage::Status s =
      store->Update(ctx.partition, storage::ResourceKind::kIntegration, *name,
                    ctx.clock.NowMillis(), storage::ResourceLimit{1, ""},
                    [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
                      if (current != nullptr) {
                        return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
                      }
                      out->fields["integrationType"] = *type;
                      if (os.kms_key_arn) out->fields["kmsKeyArn"] = *os.kms_key_arn;
                      out->fields["dataSourceRoleArn"] = *os.data_source_role_arn;
                      out->fields["dashboardViewerPrincipals"] =
                          nlohmann::json(*os.dashboard_viewer_principals).dump();
                      if (os.application_arn) out->fields["applicationArn"] = *os.application_arn;
                      out->fields["retentionDays"] = std::to_string(*os.retention_days);
                      return storage::Status::OK();
                    });
  if (s.IsAlreadyExists()) {  // our text
    return ApiError::Validation("An integration named " + *name +
                                " already exists; an integration cannot be modified.");
  }
  if (!s.ok()) return FromStorage(s);
  // AWS answers PROVISIONING while it creates the OpenSearch resources; here there are none to
  // create, so GetIntegration reports ACTIVE from then on.
  return nlohmann::json{{"integrationName", *name}, {"integrationStatus", "PROVISIONING"}};
}

}  // namespace cwlogd::api
