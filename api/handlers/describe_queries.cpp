// DescribeQueries (AWS API reference): the partition's queries the runner still holds, newest
// first, filtered by log group and status, paged by maxResults (default 1000). queryString is
// shown as AWS stores it: `SOURCE "<group>" START=<ms> END=<ms> | <query>` (spec 8.4).
#include <fmt/format.h>

#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "api/query_runner.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kMaxQueriesPerPage = 1000;
constexpr std::string_view kStatuses[] = {"Scheduled", "Running", "Complete", "Failed",
                                          "Cancelled", "Timeout", "Unknown"};

// AWS's rewritten form was observed for one group; several groups are listed the same way,
// comma-separated [unsure].
std::string SourceQueryString(const QueryInfo& q) {
  std::string groups;
  for (const auto& g : q.groups) {
    if (!groups.empty()) groups += ", ";
    groups += '"' + g + '"';
  }
  return fmt::format("SOURCE {} START={} END={} | {}", groups, q.start_ms, q.end_ms,
                     q.query_string);
}

uint64_t FilterDigest(const storage::Partition& p, const std::optional<std::string>& group,
                      const std::optional<std::string>& status) {
  return detail::HashBytes(detail::TokenWriter('q', p)
                               .Str(group ? "g" + *group : "")
                               .Str(status ? "s" + *status : "")
                               .Finish(),
                           0);
}

}  // namespace

ApiResult HandleDescribeQueries(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto group = in.String("logGroupName", kLogGroupNameRule);
  auto status = in.Enum("status", kStatuses);
  auto max_results = in.Integer("maxResults", NumberRule{1, kMaxQueriesPerPage});
  auto next_token = in.String("nextToken", kNextTokenRule);
  auto language = in.Enum("queryLanguage", detail::kQueryLanguages);
  if (in.failed()) return in.error();
  if (ctx.query_runner == nullptr) return detail::NoQueryRunner();

  const uint64_t digest = FilterDigest(ctx.partition, group, status);
  std::optional<uint64_t> before_seq;  // the page starts with queries older than this
  if (next_token) {
    detail::TokenReader token(*next_token, detail::token_kind::kDescribeQueries, ctx.partition);
    uint64_t seq = token.U64();
    if (token.U64() != digest || !token.Done() || seq == 0) return detail::InvalidNextToken();
    before_seq = seq;
  }
  const size_t max = static_cast<size_t>(max_results.value_or(kMaxQueriesPerPage));
  nlohmann::json queries = nlohmann::json::array();
  std::optional<uint64_t> last_seq;
  bool more = false;
  // Every query here is CWLI: a filter on another language matches none.
  if (!language || *language == "CWLI") {
    for (const QueryInfo& q : ctx.query_runner->List(ctx.partition)) {
      if (before_seq && q.seq >= *before_seq) continue;
      if (status && QueryStatusName(q.status) != *status) continue;
      if (group && std::find(q.groups.begin(), q.groups.end(), *group) == q.groups.end()) continue;
      if (queries.size() == max) {
        more = true;
        break;
      }
      nlohmann::json e = {{"queryLanguage", "CWLI"},
                          {"queryId", q.id},
                          {"queryString", SourceQueryString(q)},
                          {"status", std::string(QueryStatusName(q.status))},
                          {"createTime", q.create_time_ms},
                          {"logGroupName", q.groups.empty() ? std::string() : q.groups.front()}};
      if (q.duration_ms) e["queryDuration"] = *q.duration_ms;
      e["bytesScanned"] = q.statistics.bytes_scanned;
      queries.push_back(std::move(e));
      last_seq = q.seq;
    }
  }
  nlohmann::json out = {{"queries", std::move(queries)}};
  if (more && last_seq) {
    out["nextToken"] = detail::TokenWriter(detail::token_kind::kDescribeQueries, ctx.partition)
                           .U64(*last_seq)
                           .U64(digest)
                           .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
