// ListMetrics: known metrics filtered by namespace, name and dimensions, 500 per page.
#include "api/cloudwatch/detail/reader.h"
#include "api/cloudwatch/handlers.h"

namespace cwlogd::api::cloudwatch {
namespace {

using detail::MemberPath;
using detail::Reader;
using nlohmann::json;

json MetricIdToJson(const storage::MetricId& id) {
  json dims = json::array();
  for (const auto& d : id.dimensions) dims.push_back({{"Name", d.name}, {"Value", d.value}});
  return {{"Namespace", id.metric_namespace},
          {"MetricName", id.metric_name},
          {"Dimensions", std::move(dims)}};
}

std::optional<storage::MetricId> MetricIdFromToken(const json& s) {
  if (!s.is_array() || s.size() != 3 || !s[0].is_string() || !s[1].is_string() ||
      !s[2].is_array()) {
    return std::nullopt;
  }
  storage::MetricId id{s[0].get<std::string>(), s[1].get<std::string>(), {}};
  for (const auto& d : s[2]) {
    if (!d.is_array() || d.size() != 2 || !d[0].is_string() || !d[1].is_string()) {
      return std::nullopt;
    }
    id.dimensions.push_back({d[0].get<std::string>(), d[1].get<std::string>()});
  }
  return id;
}

json MetricIdToToken(const storage::MetricId& id) {
  json dims = json::array();
  for (const auto& d : id.dimensions) dims.push_back(json::array({d.name, d.value}));
  return json::array({id.metric_namespace, id.metric_name, std::move(dims)});
}

}  // namespace

ApiResult HandleListMetrics(const json& request, Context& ctx) {
  Reader r;
  storage::MetricListQuery query;
  query.metric_namespace = r.Namespace(request, "", false);
  query.metric_name = r.String(request, "", "MetricName", false, 1, 255);
  const json* filters = r.List(request, "", "Dimensions", false, 10);
  auto token = r.String(request, "", "NextToken", false, 0, 4096);
  auto recently_active = r.String(request, "", "RecentlyActive", false, 0, 16);
  (void)r.Bool(request, "", "IncludeLinkedAccounts");
  (void)r.String(request, "", "OwningAccount", false, 1, 255);
  if (r.failed()) return r.error();
  if (filters != nullptr) {
    for (size_t i = 0; i < filters->size(); ++i) {
      const std::string p = MemberPath("Dimensions", i);
      if (!r.CheckObject((*filters)[i], p)) return r.error();
      auto name = r.String((*filters)[i], p, "Name", true, 1, 255);
      auto value = r.String((*filters)[i], p, "Value", false, 1, 1024);
      if (r.failed()) return r.error();
      query.dimension_filters.emplace_back(*name, value);
    }
  }
  if (recently_active) {
    if (*recently_active != "PT3H") {
      return InvalidParameterValue("The value " + *recently_active +
                                   " for parameter RecentlyActive is invalid.");
    }
    query.active_since_ms = ctx.clock.NowMillis() - 3LL * 3600 * 1000;
  }
  std::optional<storage::MetricId> start_after;
  if (token) {
    auto state = detail::DecodeToken("ListMetrics", ctx.partition, *token);
    if (state) start_after = MetricIdFromToken(*state);
    if (!start_after) return InvalidNextToken();
  }

  json metrics = json::array();
  std::optional<storage::MetricId> last;
  bool more = false;
  storage::Status s = ctx.metrics.ListMetrics(ctx.partition, query, start_after,
                                              [&](const storage::MetricInfo& info) {
                                                if (metrics.size() == kListMetricsPageSize) {
                                                  more = true;
                                                  return false;
                                                }
                                                metrics.push_back(MetricIdToJson(info.id));
                                                last = info.id;
                                                return true;
                                              });
  if (!s.ok()) return InternalServiceFault("The service cannot complete the request.");
  json out = {{"Metrics", std::move(metrics)}};
  if (more && last)
    out["NextToken"] = detail::EncodeToken("ListMetrics", ctx.partition, MetricIdToToken(*last));
  return out;
}

}  // namespace cwlogd::api::cloudwatch
