// GetQueryResults (AWS API reference): a query's status, statistics and rows, a page of at most
// maxItems (default and cap 10,000) rows; nextToken = the row offset, bound to the query.
#include <cmath>

#include "api/detail/common.h"
#include "api/detail/insights.h"
#include "api/detail/tokens.h"
#include "api/handlers/handlers.h"
#include "api/query_runner.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kMaxItems = 10'000;
const StringRule kResultsTokenRule{0, 1024, "", nullptr, false};

}  // namespace

ApiResult HandleGetQueryResults(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto query_id = in.String("queryId", detail::kQueryIdRule, true);
  auto next_token = in.String("nextToken", kResultsTokenRule);
  auto max_items = in.Integer("maxItems", NumberRule{0, kMaxItems});
  if (in.failed()) return in.error();
  if (ctx.query_runner == nullptr) return detail::NoQueryRunner();
  auto results = ctx.query_runner->Results(ctx.partition, *query_id);
  if (!results) return detail::QueryNotFound();

  const auto& rows = *results->rows;
  size_t begin = 0;
  if (next_token && !next_token->empty()) {
    detail::TokenReader token(*next_token, detail::token_kind::kGetQueryResults, ctx.partition);
    std::string id = token.Str();
    uint64_t offset = token.U64();
    if (!token.Done() || id != *query_id || offset > rows.size()) return detail::InvalidNextToken();
    begin = static_cast<size_t>(offset);
  }
  // maxItems 0 (allowed by the model) is read as "no preference".
  const size_t page = max_items && *max_items > 0 ? static_cast<size_t>(*max_items) : kMaxItems;
  const size_t end = std::min(rows.size(), begin + page);

  const QueryStatistics& st = results->info.statistics;
  nlohmann::json out = {
      {"queryLanguage", "CWLI"},
      {"results", detail::ResultRowsJson(rows, begin, end)},
      {"statistics",
       {{"recordsMatched", st.records_matched},
        {"recordsScanned", st.records_scanned},
        {"bytesScanned", st.bytes_scanned},
        // Estimates prorate the chunks straddling the time range: shown as whole numbers.
        {"estimatedRecordsSkipped", std::round(st.estimated_records_skipped)},
        {"estimatedBytesSkipped", std::round(st.estimated_bytes_skipped)},
        {"logGroupsScanned", st.log_groups_scanned}}},
      {"status", std::string(QueryStatusName(results->info.status))},
  };
  // Only finished rows page: a running query's partial rows change between calls.
  const bool finished = results->info.status != QueryStatus::kScheduled &&
                        results->info.status != QueryStatus::kRunning;
  if (finished && end < rows.size()) {
    out["nextToken"] = detail::TokenWriter(detail::token_kind::kGetQueryResults, ctx.partition)
                           .Str(*query_id)
                           .U64(end)
                           .Finish();
  }
  return out;
}

}  // namespace cwlogd::api
