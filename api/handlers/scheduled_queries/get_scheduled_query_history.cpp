// GetScheduledQueryHistory: a scheduled query's runs triggered within [startTime, endTime],
// oldest first, optionally only those of some execution statuses, maxResults per page.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>

#include "api/detail/resources.h"
#include "api/detail/tokens.h"
#include "api/handlers/scheduled_queries/scheduled_query.h"
#include "api/handlers/scheduled_queries/scheduled_query_handlers.h"
#include "api/scheduled_query_runner.h"

namespace cwlogd::api {

ApiResult HandleGetScheduledQueryHistory(const nlohmann::json& request, Context& ctx) {
  namespace sq = scheduled_queries;
  static constexpr std::array<std::string_view, 5> kStatuses = {"Running", "InvalidQuery",
                                                                "Complete", "Failed", "Timeout"};
  RequestReader in(request);
  auto identifier = in.String("identifier", sq::kIdentifierRule, true);
  auto start = in.Long("startTime", NumberRule{0}, true);
  auto end = in.Long("endTime", NumberRule{0}, true);
  auto statuses = in.EnumList("executionStatuses", ListRule{}, kStatuses);
  auto max_results = in.Integer("maxResults", NumberRule{1, 1000});
  auto next_token = in.String("nextToken", kNextTokenRule);
  if (in.failed()) return sq::AsValidation(in.error());
  auto found = sq::FindQuery(ctx, *identifier);
  if (auto* e = std::get_if<ApiError>(&found)) return *e;
  const std::string& name = std::get<storage::ResourceRecord>(found).name;
  const size_t limit = max_results ? static_cast<size_t>(*max_results) : 50;
  std::string query_key = std::to_string(*start) + '/' + std::to_string(*end);
  for (const auto& status : statuses.value_or(std::vector<std::string>{})) {
    query_key += '/' + status;
  }
  const uint64_t digest = detail::HashBytes(query_key, detail::HashBytes(name, 0x737168));
  auto page = detail::ListResourcePage(
      ctx, storage::ResourceKind::kScheduledQueryRun, RunRecordPrefix(name), next_token, limit,
      detail::token_kind::kGetScheduledQueryHistory, digest, [&](const storage::ResourceRecord& r) {
        auto fired = RunFireTime(r.name);
        if (!fired || *fired < *start || *fired > *end) return false;
        if (!statuses || statuses->empty()) return true;
        auto it = r.fields.find(run_fields::kExecutionStatus);
        return it != r.fields.end() &&
               std::find(statuses->begin(), statuses->end(), it->second) != statuses->end();
      });
  if (auto* e = std::get_if<ApiError>(&page)) return sq::AsValidation(*e);
  auto& p = std::get<detail::ResourcePage>(page);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : p.items) {
    nlohmann::json run = nlohmann::json::object();
    auto put = [&](const char* field) {
      if (auto it = r.fields.find(field); it != r.fields.end()) run[field] = it->second;
    };
    put(run_fields::kQueryId);
    put(run_fields::kExecutionStatus);
    run["triggeredTimestamp"] = RunFireTime(r.name).value_or(0);
    put(run_fields::kErrorMessage);
    if (auto it = r.fields.find(run_fields::kDestinations); it != r.fields.end()) {
      nlohmann::json destinations = nlohmann::json::parse(it->second, nullptr, false);
      if (!destinations.is_discarded()) run["destinations"] = std::move(destinations);
    }
    list.push_back(std::move(run));
  }
  nlohmann::json out = {{"name", name},
                        {"scheduledQueryArn", sq::QueryArn(ctx.partition, name)},
                        {"triggerHistory", std::move(list)}};
  if (p.next_token) out["nextToken"] = *p.next_token;
  return out;
}

}  // namespace cwlogd::api
