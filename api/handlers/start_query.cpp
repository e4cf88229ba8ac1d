// StartQuery (AWS API reference; docs/insights-api.md): checks the request and the log groups,
// compiles the query, and hands it to the QueryRunner, which runs it in the background.
#include <limits>
#include <set>

#include <fmt/format.h>

#include "api/detail/arn.h"
#include "api/detail/insights.h"
#include "api/handlers/handlers.h"
#include "api/query_runner.h"

namespace cwlogd::api {
namespace {

constexpr int64_t kMaxResultRows = 100'000;
constexpr int64_t kDefaultResultRows = 10'000;
constexpr size_t kMaxGroups = 50;

// Seconds (inclusive) to milliseconds: [s*1000, e*1000+999], saturating.
int64_t StartMillis(int64_t s) {
  return s > std::numeric_limits<int64_t>::max() / 1000 ? std::numeric_limits<int64_t>::max()
                                                        : s * 1000;
}
int64_t EndMillis(int64_t e) {
  return e > (std::numeric_limits<int64_t>::max() - 999) / 1000
             ? std::numeric_limits<int64_t>::max()
             : e * 1000 + 999;
}

// AWS's observed text, Java SDK suffix included (spec logs-api.md 8.1).
ApiError GroupMissing(std::string_view group, const storage::Partition& p) {
  return ApiError::ResourceNotFound(fmt::format(
      "Log group '{}' does not exist for account ID '{}' (Service: AWSLogs; Status Code: 400; "
      "Error Code: ResourceNotFoundException; Request ID: {}; Proxy: null)",
      group, p.account, detail::NewUuid()));
}

ApiError Malformed(const insights::CompileError& e) {
  nlohmann::json detail = {{"location",
                            {{"startCharOffset", static_cast<int64_t>(e.start)},
                             {"endCharOffset", static_cast<int64_t>(e.end)}}},
                           {"message", e.message}};
  ApiError error{"MalformedQueryException", e.message, 400};
  error.extra_json.emplace_back("queryCompileError", detail.dump());
  return error;
}

}  // namespace

ApiResult HandleStartQuery(const nlohmann::json& request, Context& ctx) {
  RequestReader in(request);
  auto language = in.Enum("queryLanguage", detail::kQueryLanguages);
  auto group_name = in.String("logGroupName", kLogGroupNameRule);
  auto group_names = in.StringList("logGroupNames", ListRule{0, kMaxGroups}, kLogGroupNameRule);
  auto identifiers =
      in.StringList("logGroupIdentifiers", ListRule{0, kMaxGroups}, kLogGroupIdentifierRule);
  auto start_time = in.Long("startTime", NumberRule{0}, true);
  auto end_time = in.Long("endTime", NumberRule{0}, true);
  auto query_string =
      in.String("queryString", StringRule{0, insights::kMaxQueryLength, "", nullptr, false}, true);
  auto limit = in.Integer("limit", NumberRule{1, kMaxResultRows});
  if (in.failed()) return in.error();
  if (language && *language != "CWLI") {
    // Our own text: only the Logs Insights language is implemented.
    return ApiError::InvalidParameter(
        "Query language " + *language +
        " is not supported by this server; use CWLI (the Logs Insights query language).");
  }
  const int given = (group_name ? 1 : 0) + (group_names ? 1 : 0) + (identifiers ? 1 : 0);
  if (given != 1) {
    // AWS's text is not recorded.
    return ApiError::InvalidParameter(
        "Exactly one of logGroupName, logGroupNames and logGroupIdentifiers must be specified.");
  }
  if (*end_time < *start_time) {
    return ApiError::InvalidParameter("endTime must not be earlier than startTime.");
  }
  if (ctx.query_runner == nullptr) return detail::NoQueryRunner();

  // The groups, in request order, each once.
  std::vector<std::string> groups;
  std::set<std::string> seen;
  auto add = [&](std::string name) {
    if (seen.insert(name).second) groups.push_back(std::move(name));
  };
  if (group_name) add(*group_name);
  if (group_names) {
    for (auto& n : *group_names) add(n);
  }
  if (identifiers) {
    for (const auto& id : *identifiers) {
      auto name = detail::ResolveLogGroupIdentifier(ctx.partition, id);
      if (!name) return GroupMissing(id, ctx.partition);
      add(std::move(*name));
    }
  }
  if (groups.empty()) {
    return ApiError::InvalidParameter("At least one log group must be specified.");
  }
  for (const auto& g : groups) {
    auto info = ctx.store.GetLogGroup(ctx.partition, g);
    if (!info.ok()) {
      if (info.status().IsNotFound()) return GroupMissing(g, ctx.partition);
      return FromStorage(info.status());
    }
  }

  insights::CompileError compile_error;
  std::shared_ptr<const insights::Query> query =
      insights::Query::Compile(*query_string, &compile_error);
  if (!query) return Malformed(compile_error);

  QuerySpec spec;
  spec.partition = ctx.partition;
  spec.query_string = *query_string;
  spec.groups = std::move(groups);
  spec.start_ms = StartMillis(*start_time);
  spec.end_ms = EndMillis(*end_time);
  spec.limit = static_cast<size_t>(limit.value_or(kDefaultResultRows));
  spec.query = std::move(query);
  auto id = ctx.query_runner->Start(std::move(spec));
  if (!id) {
    // Wording as AWS words this quota [unsure]; the cap is QueryRunnerOptions'.
    return ApiError::LimitExceeded(
        fmt::format("Account maximum query concurrency limit of [{}] reached.",
                    ctx.query_runner->options().max_concurrent_per_partition));
  }
  return nlohmann::json{{"queryId", *id}};
}

}  // namespace cwlogd::api
