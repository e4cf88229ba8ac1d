// PutDashboard, GetDashboard, ListDashboards, DeleteDashboards.
#include <string>
#include <vector>

#include "api/cloudwatch/dashboards/dashboard_body.h"
#include "api/cloudwatch/dashboards/dashboard_handlers.h"
#include "api/cloudwatch/detail/reader.h"

namespace cwlogd::api::cloudwatch::dashboards {
namespace {

using detail::Reader;
using nlohmann::json;
using storage::ResourceKind;
using storage::ResourceRecord;

constexpr std::string_view kBodyField = "body";
constexpr std::string_view kListDashboardsToken = "ListDashboards";

// Dashboards are global in CloudWatch: their ARN has no region.
std::string DashboardArn(const storage::Partition& p, std::string_view name) {
  return "arn:aws:cloudwatch::" + p.account + ":dashboard/" + std::string(name);
}

ApiError NoStore() { return InternalServiceFault("This server keeps no dashboards."); }

json Entry(const storage::Partition& p, const ResourceRecord& r) {
  const std::string* body = r.FindField(kBodyField);
  return {{"DashboardName", r.name},
          {"DashboardArn", DashboardArn(p, r.name)},
          {"LastModified", static_cast<double>(r.last_updated_ms) / 1000.0},
          {"Size", body == nullptr ? 0 : static_cast<int64_t>(body->size())}};
}

ApiError NameError() {
  return DashboardInvalidInput(
      "The value for field DashboardName contains invalid characters. It can only contain "
      "alphanumerics, dash (-) and underscore (_).");
}

}  // namespace

ApiResult HandlePutDashboard(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "DashboardName", true, 0, SIZE_MAX);
  auto body = r.String(request, "", "DashboardBody", true, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoStore();
  if (!IsValidDashboardName(*name)) return NameError();
  std::vector<ValidationMessage> problems = ValidateDashboardBody(*body);
  if (!problems.empty()) {
    json list = json::array();
    for (const auto& m : problems) {
      list.push_back({{"DataPath", m.data_path}, {"Message", m.message}});
    }
    json lower = json::array();  // the message text uses ajv's member names
    for (const auto& m : problems) {
      lower.push_back({{"dataPath", m.data_path}, {"message", m.message}});
    }
    ApiError e = DashboardInvalidInput(
        "The dashboard body is invalid, there are " + std::to_string(problems.size()) +
        " validation errors: " + lower.dump(-1, ' ', false, json::error_handler_t::replace));
    e.extra_json.emplace_back("dashboardValidationMessages",
                              list.dump(-1, ' ', false, json::error_handler_t::replace));
    return e;
  }
  storage::Status s =
      ctx.resources->Update(ctx.partition, ResourceKind::kDashboard, *name, ctx.clock.NowMillis(),
                            {}, [&](const ResourceRecord* current, ResourceRecord* out) {
                              if (current != nullptr) *out = *current;
                              out->fields[std::string(kBodyField)] = *body;
                              return storage::Status::OK();
                            });
  if (!s.ok()) return FromStorage(s);
  return json{{"DashboardValidationMessages", json::array()}};
}

ApiResult HandleGetDashboard(const json& request, Context& ctx) {
  Reader r;
  auto name = r.String(request, "", "DashboardName", true, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoStore();
  auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kDashboard, *name);
  if (!rec.ok()) {
    if (rec.status().code() == storage::Status::Code::kNotFound) {
      return DashboardNotFound("Dashboard " + *name + " does not exist");
    }
    return FromStorage(rec.status());
  }
  return json{{"DashboardArn", DashboardArn(ctx.partition, rec->name)},
              {"DashboardBody", rec->FieldOrEmpty(kBodyField)},
              {"DashboardName", rec->name}};
}

ApiResult HandleListDashboards(const json& request, Context& ctx) {
  Reader r;
  auto prefix = r.String(request, "", "DashboardNamePrefix", false, 0, 255);
  auto token = r.String(request, "", "NextToken", false, 0, SIZE_MAX);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoStore();
  if (prefix && !prefix->empty() && !IsValidDashboardName(*prefix)) {
    return InvalidParameterValue(
        "The value for field DashboardNamePrefix contains invalid characters. It can only "
        "contain alphanumerics, dash (-) and underscore (_).");
  }
  const std::string want = prefix.value_or("");
  std::string start_after;
  if (token) {
    auto state = detail::DecodeToken(kListDashboardsToken, ctx.partition, *token);
    if (!state || !state->is_object() || !state->contains("after") ||
        !(*state)["after"].is_string() || state->value("prefix", std::string()) != want) {
      return InvalidNextToken();
    }
    start_after = (*state)["after"].get<std::string>();
  }
  json entries = json::array();
  std::string last;
  bool more = false;
  storage::Status s = ctx.resources->List(ctx.partition, ResourceKind::kDashboard, want,
                                          start_after, [&](const ResourceRecord& rec) {
                                            if (entries.size() == kListDashboardsPageSize) {
                                              more = true;
                                              return false;
                                            }
                                            entries.push_back(Entry(ctx.partition, rec));
                                            last = rec.name;
                                            return true;
                                          });
  if (!s.ok()) return FromStorage(s);
  json out = {{"DashboardEntries", std::move(entries)}};
  if (more) {
    out["NextToken"] = detail::EncodeToken(kListDashboardsToken, ctx.partition,
                                           json{{"after", last}, {"prefix", want}});
  }
  return out;
}

ApiResult HandleDeleteDashboards(const json& request, Context& ctx) {
  Reader r;
  const json* names = r.List(request, "", "DashboardNames", true, kMaxDashboardsPerDelete);
  if (r.failed()) return r.error();
  if (ctx.resources == nullptr) return NoStore();
  std::vector<std::string> wanted;
  for (size_t i = 0; i < names->size(); ++i) {
    const json& n = (*names)[i];
    if (!n.is_string()) {
      return InvalidParameterValue("The parameter " + detail::MemberPath("DashboardNames", i) +
                                   " must be a string.");
    }
    wanted.push_back(n.get<std::string>());
  }
  if (wanted.empty()) {
    return InvalidParameterValue("The parameter DashboardNames must contain at least 1 item.");
  }
  // All or nothing, as CloudWatch: every name must exist before any is deleted.
  std::vector<std::string> missing;
  for (const auto& n : wanted) {
    auto rec = ctx.resources->Get(ctx.partition, ResourceKind::kDashboard, n);
    if (rec.ok()) continue;
    if (rec.status().code() != storage::Status::Code::kNotFound) return FromStorage(rec.status());
    missing.push_back(n);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& n : missing) list += (list.empty() ? "" : ", ") + n;
    return DashboardNotFound("The specified dashboard does not exist. [" + list + "]");
  }
  for (const auto& n : wanted) {
    storage::Status s = ctx.resources->Delete(ctx.partition, ResourceKind::kDashboard, n);
    // A name listed twice, or deleted by a concurrent call, is already gone: that is the goal.
    if (!s.ok() && s.code() != storage::Status::Code::kNotFound) return FromStorage(s);
  }
  return json::object();
}

}  // namespace cwlogd::api::cloudwatch::dashboards
