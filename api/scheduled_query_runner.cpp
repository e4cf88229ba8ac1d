#include "api/scheduled_query_runner.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/detail/arn.h"
#include "api/export_runner.h"
#include "api/query_runner.h"
#include "api/schedule_expression.h"
#include "insights/query.h"

namespace cwlogd::api {
namespace {

namespace fs = std::filesystem;
namespace f = scheduled_fields;

constexpr size_t kFireDigits = 20;
// Rows a run writes at most (StartQuery's own cap).
constexpr size_t kMaxRunRows = 10000;
// The look-back of a cron schedule without startTimeOffset (our choice: AWS's default is not
// recorded); a rate schedule looks back one period.
constexpr int64_t kDefaultCronWindowMs = 3'600'000;

std::optional<int64_t> IntField(const std::map<std::string, std::string>& fields,
                                const char* name) {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

std::string StringField(const std::map<std::string, std::string>& fields, const char* name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

// An S3 key's path below the bucket's folder: every component made safe as ExportRunner makes
// stream names ('/' inside a component cannot occur; "." and ".." are escaped), empty ones
// dropped.
fs::path SafeKeyPath(std::string_view key) {
  fs::path out;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view part = key.substr(start, end - start);
    if (!part.empty()) out /= ExportStreamFolder(part);
    start = end + 1;
  }
  return out;
}

struct RunOutcome {
  std::string query_id;
  std::string status = "Failed";  // ExecutionStatus
  std::string error;
  std::shared_ptr<const std::vector<insights::ResultRow>> rows;
};

}  // namespace

std::string RunRecordName(std::string_view query_name, int64_t fire_ms) {
  return fmt::format("{}{}{:0{}}", query_name, '\0', fire_ms < 0 ? 0 : fire_ms, kFireDigits);
}

std::string RunRecordPrefix(std::string_view query_name) {
  std::string out(query_name);
  out.push_back('\0');
  return out;
}

std::optional<int64_t> RunFireTime(std::string_view run_name) {
  const size_t nul = run_name.rfind('\0');
  if (nul == std::string_view::npos || run_name.size() - nul - 1 != kFireDigits) {
    return std::nullopt;
  }
  int64_t v = 0;
  const char* begin = run_name.data() + nul + 1;
  auto [p, ec] = std::from_chars(begin, run_name.data() + run_name.size(), v);
  if (ec != std::errc() || p != run_name.data() + run_name.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> NextScheduledRun(const std::map<std::string, std::string>& fields,
                                        int64_t after_ms, int64_t creation_ms) {
  std::string error;
  auto schedule = ParseScheduleExpression(StringField(fields, f::kScheduleExpression), &error);
  if (!schedule) return std::nullopt;
  const auto start = IntField(fields, f::kScheduleStartTime);
  const auto end = IntField(fields, f::kScheduleEndTime);
  // The query does not run before its start time: look from just before it.
  if (start && after_ms < *start) after_ms = *start - 1;
  const int offset = FixedUtcOffsetMinutes(StringField(fields, f::kTimezone)).value_or(0);
  auto next = NextFireTime(*schedule, after_ms, start.value_or(creation_ms), offset);
  if (next && end && *next > *end) return std::nullopt;
  return next;
}

ScheduledQueryRunner::ScheduledQueryRunner(storage::LogStore& store,
                                           storage::ResourceStore& resources,
                                           const storage::Clock& clock, QueryRunner& queries,
                                           ScheduledQueryOptions options)
    : store_(store),
      resources_(resources),
      clock_(clock),
      queries_(queries),
      options_(std::move(options)) {}

ScheduledQueryRunner::~ScheduledQueryRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ScheduledQueryRunner::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Work(); });
}

void ScheduledQueryRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void ScheduledQueryRunner::Work() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.poll, [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    RunDue();
  }
}

void ScheduledQueryRunner::RunDue() {
  std::lock_guard run_lock(run_mu_);
  const int64_t now = clock_.NowMillis();
  struct Due {
    storage::Partition partition;
    storage::ResourceRecord query;
    int64_t fire_ms;
  };
  std::vector<Due> due;
  storage::Status s = resources_.ListAllPartitions(
      storage::ResourceKind::kScheduledQuery,
      [&](const storage::Partition& p, const storage::ResourceRecord& r) {
        if (StringField(r.fields, f::kState) != "ENABLED") return true;
        auto next = IntField(r.fields, f::kNextFireTime);
        if (next && *next <= now) due.push_back({p, r, *next});
        return true;
      });
  if (!s.ok() && options_.on_warning) {
    options_.on_warning("scheduled queries: cannot list the queries: " + s.message());
  }
  for (const Due& d : due) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    Fire(d.partition, d.query, d.fire_ms);
  }
}

void ScheduledQueryRunner::WhilePaused(const std::function<void()>& f) {
  std::lock_guard run_lock(run_mu_);
  f();
}

void ScheduledQueryRunner::Fire(const storage::Partition& p, const storage::ResourceRecord& query,
                                int64_t fire_ms) {
  const std::string run_name = RunRecordName(query.name, fire_ms);
  const int64_t now = clock_.NowMillis();
  // 1. Claim the run: its record is keyed by the fire time, so a run already recorded (the
  // server stopped before it moved the query's next fire time) is never run or recorded again.
  storage::ResourceRecord run;
  bool claimed = false;
  storage::Status s = resources_.Update(
      p, storage::ResourceKind::kScheduledQueryRun, run_name, now, {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current != nullptr) {
          run = *current;
          return storage::Status::AlreadyExists(storage::Status::Resource::kResource);
        }
        claimed = true;
        out->fields[run_fields::kExecutionStatus] = "Running";
        run = *out;
        return storage::Status::OK();
      });
  if (!s.ok() && !(s.IsAlreadyExists() && !claimed)) {
    if (options_.on_warning) options_.on_warning("scheduled query: " + s.message());
    return;
  }
  run.name = run_name;
  if (claimed) {
    run.creation_time_ms = now;
    run.last_updated_ms = now;
    run.revision = 1;
  } else if (StringField(run.fields, run_fields::kExecutionStatus) == "Running") {
    // Interrupted by a stop of the server: it did not finish.
    run.fields[run_fields::kExecutionStatus] = "Failed";
    run.fields[run_fields::kErrorMessage] = "The server stopped while the query ran.";
  }

  RunOutcome outcome;
  nlohmann::json destinations = nlohmann::json::array();
  if (claimed) {
    // 2. Run the query over its window.
    const std::string language = StringField(query.fields, f::kQueryLanguage);
    const std::string text = StringField(query.fields, f::kQueryString);
    std::vector<std::string> groups;
    nlohmann::json ids =
        nlohmann::json::parse(StringField(query.fields, f::kLogGroupIdentifiers), nullptr, false);
    if (ids.is_array()) {
      for (const auto& id : ids) {
        if (!id.is_string()) continue;
        auto name = detail::ResolveLogGroupIdentifier(p, id.get<std::string>());
        if (name && store_.GetLogGroup(p, *name).ok()) {
          groups.push_back(*name);
        } else {
          outcome.error = "The log group " + id.get<std::string>() + " does not exist.";
        }
      }
    }
    insights::CompileError compile_error;
    std::shared_ptr<const insights::Query> compiled;
    if (language != "CWLI") {
      outcome.status = "InvalidQuery";
      outcome.error = "Query language " + language + " is not supported by this server.";
    } else if (!(compiled = insights::Query::Compile(text, &compile_error))) {
      outcome.status = "InvalidQuery";
      outcome.error = compile_error.message;
    } else if (groups.empty() || !outcome.error.empty()) {
      if (outcome.error.empty()) outcome.error = "The scheduled query has no log groups.";
    } else {
      int64_t window_ms = kDefaultCronWindowMs;
      std::string why;
      auto schedule =
          ParseScheduleExpression(StringField(query.fields, f::kScheduleExpression), &why);
      if (schedule && schedule->rate_minutes > 0) window_ms = schedule->rate_minutes * 60'000;
      if (auto offset = IntField(query.fields, f::kStartTimeOffset)) window_ms = *offset * 1000;
      QuerySpec spec;
      spec.partition = p;
      spec.query_string = text;
      spec.groups = std::move(groups);
      spec.start_ms = fire_ms - window_ms;
      spec.end_ms = fire_ms - 1;  // the window ends at the fire time, excluded
      spec.limit = kMaxRunRows;
      spec.query = std::move(compiled);
      auto id = queries_.Start(std::move(spec));
      if (!id) {
        outcome.error = "Too many queries are running in the account.";
      } else {
        outcome.query_id = *id;
        const auto deadline = std::chrono::steady_clock::now() + options_.run_timeout;
        for (;;) {
          auto results = queries_.Results(p, *id);
          if (!results) {
            outcome.error = "The query was forgotten before it finished.";
            break;
          }
          const QueryStatus status = results->info.status;
          if (status == QueryStatus::kComplete) {
            outcome.status = "Complete";
            outcome.rows = results->rows;
            break;
          }
          if (status == QueryStatus::kTimeout) {
            outcome.status = "Timeout";
            break;
          }
          if (status == QueryStatus::kFailed || status == QueryStatus::kCancelled) {
            outcome.error =
                results->info.error.empty() ? "The query did not finish." : results->info.error;
            break;
          }
          if (std::chrono::steady_clock::now() > deadline) {
            (void)queries_.Stop(p, *id);  // recorded as Timeout whatever Stop says
            outcome.status = "Timeout";
            break;
          }
          std::unique_lock lock(mu_);
          if (cv_.wait_for(lock, std::chrono::milliseconds(10), [this] { return stopping_; })) {
            // Left Running: the next start records it as interrupted.
            return;
          }
        }
      }
    }

    // 3. Deliver the rows to the S3 destination.
    nlohmann::json config = nlohmann::json::parse(
        StringField(query.fields, f::kDestinationConfiguration), nullptr, false);
    if (outcome.status == "Complete" && config.is_object() && config.contains("s3Configuration")) {
      const std::string uri =
          config["s3Configuration"].value("destinationIdentifier", std::string());
      nlohmann::json d = {{"destinationType", "S3"}, {"destinationIdentifier", uri}};
      std::string_view rest = std::string_view(uri).substr(5);  // after "s3://"
      const size_t slash = rest.find('/');
      const std::string bucket(rest.substr(0, slash));
      const std::string prefix(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
      char stamp[40];
      const size_t stamp_len = FormatExportTimestamp(fire_ms, stamp);
      std::string key = prefix;
      if (!key.empty() && key.back() != '/') key += '/';
      key += query.name;
      key += '/';
      key.append(stamp, stamp_len);
      key += '/' + outcome.query_id + ".jsonl";
      std::error_code ec;
      const fs::path bucket_dir = fs::path(options_.export_dir) / bucket;
      if (options_.export_dir.empty() || !fs::is_directory(bucket_dir, ec)) {
        d["status"] = "CLIENT_ERROR";
        d["errorMessage"] = "The specified bucket does not exist.";
      } else {
        const fs::path file = bucket_dir / SafeKeyPath(key);
        fs::create_directories(file.parent_path(), ec);
        const fs::path temp = file.string() + ".tmp";
        {
          std::ofstream out(temp, std::ios::binary | std::ios::trunc);
          if (outcome.rows) {
            for (const auto& row : *outcome.rows) {
              nlohmann::json line = nlohmann::json::object();
              for (const auto& cell : row) line[cell.field] = cell.value;
              out << line.dump() << '\n';
            }
          }
          out.flush();
          if (!out) ec = std::make_error_code(std::errc::io_error);
        }
        if (!ec) fs::rename(temp, file, ec);
        if (ec) {
          fs::remove(temp, ec);
          d["status"] = "FAILED";
          d["errorMessage"] = "The results could not be written.";
          if (options_.on_warning) {
            options_.on_warning("scheduled query " + query.name + ": cannot write " +
                                file.string());
          }
        } else {
          d["status"] = "COMPLETE";
          d["processedIdentifier"] = "s3://" + bucket + "/" + key;
        }
      }
      destinations.push_back(std::move(d));
    }

    // 4. How the run ended (written with the query's next fire time, below).
    run.fields[run_fields::kExecutionStatus] = outcome.status;
    if (!outcome.query_id.empty()) run.fields[run_fields::kQueryId] = outcome.query_id;
    if (!outcome.error.empty()) run.fields[run_fields::kErrorMessage] = outcome.error;
    run.fields[run_fields::kDestinations] = destinations.dump();
  }
  run.last_updated_ms = clock_.NowMillis();
  ++run.revision;

  // 5. Move the query to its next fire time, in one batch with the run's record: runs missed
  // while the server was down are not made up, the next one is after now.
  const int64_t after = std::max(fire_ms, clock_.NowMillis());
  auto latest = resources_.Get(p, storage::ResourceKind::kScheduledQuery, query.name);
  // The query's lastUpdatedTime is its settings' (a run does not change it).
  const int64_t settings_time = latest.ok() ? latest->last_updated_ms : query.last_updated_ms;
  s = resources_.UpdateWith(
      p, storage::ResourceKind::kScheduledQuery, query.name, settings_time, {},
      [&](const storage::ResourceRecord* current, storage::ResourceRecord* out) {
        if (current == nullptr) {
          return storage::Status::NotFound(storage::Status::Resource::kResource);
        }
        *out = *current;
        out->fields[f::kLastTriggeredTime] = std::to_string(fire_ms);
        out->fields[f::kLastExecutionStatus] =
            StringField(run.fields, run_fields::kExecutionStatus);
        // An update meanwhile set its own next fire time: keep it.
        if (IntField(current->fields, f::kNextFireTime) == fire_ms) {
          out->fields.erase(f::kNextFireTime);
          if (auto next = NextScheduledRun(out->fields, after, current->creation_time_ms)) {
            out->fields[f::kNextFireTime] = std::to_string(*next);
          }
        }
        return storage::Status::OK();
      },
      {{storage::ResourceKind::kScheduledQueryRun, run}});
  if (!s.ok() && !s.IsNotFound() && options_.on_warning) {
    options_.on_warning("scheduled query " + query.name + ": " + s.message());
  }
}

}  // namespace cwlogd::api
