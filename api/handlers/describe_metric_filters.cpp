// DescribeMetricFilters: by group (and name prefix), or by metric name + namespace across
// groups, in (group, filter name) order (by filter name for filterNamePrefix across groups),
// `limit` per page.
#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "api/detail/common.h"
#include "api/detail/paging.h"
#include "api/detail/tokens.h"
#include "api/handlers/metric_filter_handlers.h"
#include "api/request_reader.h"
#include "storage/metric_store.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;

json FilterJson(const storage::MetricFilterDefinition& d) {
  json t = {{"metricName", d.metric_name},
            {"metricNamespace", d.metric_namespace},
            {"metricValue", d.metric_value}};
  // defaultValue is a double on the wire: 0 comes back as 0.0 (nlohmann keeps the type).
  if (d.default_value) t["defaultValue"] = *d.default_value;
  if (d.unit && *d.unit != "None") t["unit"] = *d.unit;
  if (!d.dimensions.empty()) t["dimensions"] = d.dimensions;
  json out = {{"filterName", d.filter_name},
              {"filterPattern", d.filter_pattern},
              {"logGroupName", d.log_group},
              {"creationTime", d.creation_time_ms},
              {"applyOnTransformedLogs", d.apply_on_transformed_logs},
              {"metricTransformations", json::array({std::move(t)})}};
  if (d.field_selection_criteria) out["fieldSelectionCriteria"] = *d.field_selection_criteria;
  if (!d.emit_system_field_dimensions.empty()) {
    out["emitSystemFieldDimensions"] = d.emit_system_field_dimensions;
  }
  return out;
}

}  // namespace

ApiResult HandleDescribeMetricFilters(const json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule);
  auto prefix = in.String("filterNamePrefix", kFilterNameRule);
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto limit = in.Integer("limit", NumberRule{1, 50});
  auto metric_name = in.String("metricName", kMetricNameRule);
  auto metric_namespace = in.String("metricNamespace", kMetricNamespaceRule);
  if (in.failed()) return in.error();
  if (metric_name.has_value() != metric_namespace.has_value()) {
    return ApiError::InvalidParameter(
        "The parameters metricName and metricNamespace must be specified together.");
  }
  storage::MetricStore* metrics = ctx.store.metric_store();
  if (metrics == nullptr) {
    return ApiError::ServiceUnavailable("Metric filters are not available on this store.");
  }
  storage::MetricFilterQuery query;
  query.log_group = group;
  query.filter_name_prefix = prefix.value_or("");
  if (metric_name) query.metric = std::make_pair(*metric_name, *metric_namespace);
  // The token remembers the last (group, filter) returned and the query it belongs to.
  const std::string digest_input = group.value_or("\x01") + "\n" + query.filter_name_prefix + "\n" +
                                   metric_name.value_or("\x01") + "\n" +
                                   metric_namespace.value_or("\x01");
  const uint64_t digest = detail::HashBytes(digest_input, 0x6d66);
  // filterNamePrefix across groups: in filter-name order, as AWS answers (logs-api.md §5.2).
  // Within one group both orders are the same.
  const bool by_filter_name = !group && !query.filter_name_prefix.empty();
  std::optional<std::pair<std::string, std::string>> resume_after;
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kDescribeMetricFilters,
                              ctx.partition);
    std::string g = token.Str();
    std::string f = token.Str();
    if (token.U64() != digest || !token.Done()) return detail::InvalidNextToken();
    if (by_filter_name) {
      resume_after = std::make_pair(std::move(g), std::move(f));  // (filter name, group) here
    } else {
      query.start_after = std::make_pair(std::move(g), std::move(f));
    }
  }
  detail::PageCollector<storage::MetricFilterDefinition> page(
      static_cast<size_t>(limit.value_or(50)));
  if (by_filter_name) {
    // AWS orders these by filter name (then group); the store lists by (group, filter name), so
    // the matches of every group are gathered and sorted here. The token then holds
    // (filter name, group).
    std::vector<storage::MetricFilterDefinition> all;
    storage::MetricFilterQuery every = query;
    every.start_after.reset();
    storage::Status s = metrics->ListMetricFilters(ctx.partition, every,
                                                   [&](const storage::MetricFilterDefinition& d) {
                                                     all.push_back(d);
                                                     return true;
                                                   });
    if (!s.ok()) return FromStorage(s);
    auto key = [](const storage::MetricFilterDefinition& d) {
      return std::tie(d.filter_name, d.log_group);
    };
    std::sort(all.begin(), all.end(),
              [&](const auto& a, const auto& b) { return key(a) < key(b); });
    for (auto& d : all) {
      if (resume_after && std::tie(d.filter_name, d.log_group) <=
                              std::tie(resume_after->first, resume_after->second)) {
        continue;
      }
      if (!page.Offer(std::move(d))) break;
    }
  } else {
    storage::Status s = metrics->ListMetricFilters(
        ctx.partition, query,
        [&](const storage::MetricFilterDefinition& d) { return page.Offer(d); });
    if (!s.ok()) return FromStorage(s);
  }
  json filters = json::array();
  for (const auto& d : page.items()) filters.push_back(FilterJson(d));
  json out = {{"metricFilters", std::move(filters)}};
  if (page.more()) {
    const storage::MetricFilterDefinition& last = page.items().back();
    out["nextToken"] =
        detail::TokenWriter(detail::token_kind::kDescribeMetricFilters, ctx.partition)
            .Str(by_filter_name ? last.filter_name : last.log_group)
            .Str(by_filter_name ? last.log_group : last.filter_name)
            .U64(digest)
            .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
