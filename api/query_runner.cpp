#include "api/query_runner.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>

#include "api/detail/common.h"
#include "api/detail/data_masking.h"
#include "api/detail/insights.h"

namespace cwlogd::api {
namespace {

constexpr std::string_view kStatusNames[] = {"Scheduled", "Running",   "Complete",
                                             "Failed",    "Cancelled", "Timeout"};

std::string PartitionKey(const storage::Partition& p) { return p.account + '\n' + p.region; }

bool Finished(QueryStatus s) { return s != QueryStatus::kScheduled && s != QueryStatus::kRunning; }

// How often (in records) the scan looks at the clock for the timeout and the partial rows.
constexpr uint32_t kClockCheckEvery = 4096;

}  // namespace

std::string_view QueryStatusName(QueryStatus s) { return kStatusNames[static_cast<int>(s)]; }

std::optional<QueryStatus> ParseQueryStatus(std::string_view name) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (kStatusNames[i] == name) return static_cast<QueryStatus>(i);
  }
  return std::nullopt;
}

struct QueryRunner::State {
  QuerySpec spec;
  std::string id;
  uint64_t seq = 0;
  int64_t create_time_ms = 0;
  std::string partition_key;
  // Set by Stop and by the destructor; the scan checks it on every record.
  std::atomic<bool> cancel{false};
  // The statistics, written by the query's thread after every record (each figure is read on
  // its own, so relaxed order is enough).
  struct LiveStatistics {
    std::atomic<double> records_matched{0};
    std::atomic<double> records_scanned{0};
    std::atomic<double> bytes_scanned{0};
    std::atomic<double> records_skipped{0};
    std::atomic<double> bytes_skipped{0};
    std::atomic<double> log_groups_scanned{0};
  } live;
  // The rest is guarded by QueryRunner::mu_.
  QueryStatus status = QueryStatus::kScheduled;
  int64_t finish_time_ms = 0;
  std::optional<int64_t> duration_ms;
  std::shared_ptr<const std::vector<insights::ResultRow>> rows =
      std::make_shared<const std::vector<insights::ResultRow>>();
  std::string error;
};

struct QueryRunner::PartitionQueries {
  std::map<std::string, std::shared_ptr<State>> by_id;
  std::deque<std::string> finished;  // ids, in the order they finished
};

QueryRunner::QueryRunner(storage::LogStore& store, const storage::Clock& clock,
                         QueryRunnerOptions options)
    : store_(store), clock_(clock), options_(options) {
  const unsigned n = std::max(1u, options_.threads);
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
}

QueryRunner::~QueryRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [key, queries] : partitions_) {
      for (auto& [id, state] : queries.by_id) state->cancel.store(true);
    }
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
}

QueryInfo QueryRunner::Snapshot(const State& s) {
  QueryInfo info;
  info.id = s.id;
  info.seq = s.seq;
  info.status = s.status;
  info.query_string = s.spec.query_string;
  info.groups = s.spec.groups;
  info.start_ms = s.spec.start_ms;
  info.end_ms = s.spec.end_ms;
  info.create_time_ms = s.create_time_ms;
  info.duration_ms = s.duration_ms;
  constexpr auto kRelaxed = std::memory_order_relaxed;
  info.statistics.records_matched = s.live.records_matched.load(kRelaxed);
  info.statistics.records_scanned = s.live.records_scanned.load(kRelaxed);
  info.statistics.bytes_scanned = s.live.bytes_scanned.load(kRelaxed);
  info.statistics.estimated_records_skipped = s.live.records_skipped.load(kRelaxed);
  info.statistics.estimated_bytes_skipped = s.live.bytes_skipped.load(kRelaxed);
  info.statistics.log_groups_scanned = s.live.log_groups_scanned.load(kRelaxed);
  info.error = s.error;
  return info;
}

void QueryRunner::Expire(PartitionQueries& queries, int64_t now_ms) {
  const int64_t keep_ms = options_.keep_finished_for.count();
  while (!queries.finished.empty()) {
    auto it = queries.by_id.find(queries.finished.front());
    const bool too_many = queries.finished.size() > options_.max_finished_per_partition;
    if (it != queries.by_id.end() && !too_many && now_ms - it->second->finish_time_ms < keep_ms) {
      break;
    }
    if (it != queries.by_id.end()) queries.by_id.erase(it);
    queries.finished.pop_front();
  }
}

std::optional<std::string> QueryRunner::Start(QuerySpec spec) {
  auto state = std::make_shared<State>();
  state->spec = std::move(spec);
  state->id = detail::NewUuid();
  state->create_time_ms = clock_.NowMillis();
  state->partition_key = PartitionKey(state->spec.partition);
  {
    std::lock_guard<std::mutex> lock(mu_);
    PartitionQueries& queries = partitions_[state->partition_key];
    Expire(queries, state->create_time_ms);
    const size_t active = queries.by_id.size() - queries.finished.size();
    if (active >= options_.max_concurrent_per_partition) return std::nullopt;
    state->seq = next_seq_++;
    queries.by_id.emplace(state->id, state);
    queue_.push_back(state);
  }
  work_cv_.notify_one();
  return state->id;
}

QueryRunner::State* QueryRunner::FindUnexpired(const storage::Partition& p, const std::string& id) {
  auto pit = partitions_.find(PartitionKey(p));
  if (pit == partitions_.end()) return nullptr;
  Expire(pit->second, clock_.NowMillis());
  auto it = pit->second.by_id.find(id);
  return it == pit->second.by_id.end() ? nullptr : it->second.get();
}

std::optional<QueryResults> QueryRunner::Results(const storage::Partition& p,
                                                 const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  const State* state = FindUnexpired(p, id);
  if (state == nullptr) return std::nullopt;
  return QueryResults{Snapshot(*state), state->rows};
}

std::optional<QueryInfo> QueryRunner::Info(const storage::Partition& p, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  const State* state = FindUnexpired(p, id);
  if (state == nullptr) return std::nullopt;
  return Snapshot(*state);
}

QueryRunner::StopOutcome QueryRunner::Stop(const storage::Partition& p, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto pit = partitions_.find(PartitionKey(p));
  if (pit == partitions_.end()) return StopOutcome::kNotFound;
  auto it = pit->second.by_id.find(id);
  if (it == pit->second.by_id.end()) return StopOutcome::kNotFound;
  State& s = *it->second;
  if (Finished(s.status)) return StopOutcome::kNotRunning;
  s.cancel.store(true);
  if (s.status == QueryStatus::kScheduled) {
    // Never started: it ends now (the worker that dequeues it skips it).
    s.status = QueryStatus::kCancelled;
    s.finish_time_ms = clock_.NowMillis();
    s.duration_ms = 0;
    pit->second.finished.push_back(s.id);
  }
  return StopOutcome::kStopped;
}

std::vector<QueryInfo> QueryRunner::List(const storage::Partition& p) {
  std::vector<QueryInfo> out;
  std::lock_guard<std::mutex> lock(mu_);
  auto pit = partitions_.find(PartitionKey(p));
  if (pit == partitions_.end()) return out;
  Expire(pit->second, clock_.NowMillis());
  out.reserve(pit->second.by_id.size());
  for (const auto& [id, state] : pit->second.by_id) out.push_back(Snapshot(*state));
  std::sort(out.begin(), out.end(),
            [](const QueryInfo& a, const QueryInfo& b) { return a.seq > b.seq; });
  return out;
}

void QueryRunner::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [key, queries] : partitions_) {
    for (auto& [id, state] : queries.by_id) state->cancel.store(true);
  }
  partitions_.clear();
  queue_.clear();
}

void QueryRunner::Work() {
  for (;;) {
    std::shared_ptr<State> state;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      state = std::move(queue_.front());
      queue_.pop_front();
      if (state->status != QueryStatus::kScheduled) continue;  // stopped while waiting
      state->status = QueryStatus::kRunning;
    }
    Run(*state);
  }
}

void QueryRunner::Run(State& state) {
  const QuerySpec& spec = state.spec;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + options_.timeout;
  auto last_refresh = started;
  insights::ExecutionLimits limits;
  limits.max_rows = spec.limit;
  std::unique_ptr<insights::Execution> exec = spec.query->Start(limits);

  // The groups as found when the scan starts: their ids make the @ptr tokens.
  struct Group {
    std::string name;
    uint64_t id = 0;
  };
  std::vector<Group> groups;
  // Chunks the pruning skipped: in the groups done, and in the group being scanned.
  storage::ScanSkips skipped_before;
  storage::ScanSkips skips;
  size_t groups_scanned = 0;  // groups whose time range was not empty
  auto publish_statistics = [&](const insights::Statistics& stats) {
    constexpr auto kRelaxed = std::memory_order_relaxed;
    state.live.records_matched.store(stats.records_matched, kRelaxed);
    state.live.records_scanned.store(stats.records_scanned, kRelaxed);
    state.live.bytes_scanned.store(stats.bytes_scanned, kRelaxed);
    state.live.records_skipped.store(skipped_before.events + skips.events, kRelaxed);
    state.live.bytes_skipped.store(skipped_before.bytes + skips.bytes, kRelaxed);
  };
  auto publish = [&](std::vector<insights::ResultRow> rows, const insights::Statistics& stats) {
    // The internal @ptr values become the tokens GetLogRecord accepts.
    for (auto& row : rows) {
      for (auto& f : row) {
        uint16_t gi = 0;
        storage::EventKey key;
        if (f.field == "@ptr" && detail::ReadInternalPointer(f.value, &gi, &key) &&
            gi < groups.size()) {
          f.value =
              detail::EncodeRecordPointer(spec.partition, {groups[gi].name, groups[gi].id, key});
        }
      }
    }
    auto shared = std::make_shared<const std::vector<insights::ResultRow>>(std::move(rows));
    publish_statistics(stats);
    std::lock_guard<std::mutex> lock(mu_);
    state.rows = std::move(shared);
  };

  bool timed_out = false;
  bool done = false;  // the execution wants no more records
  std::string failure;
  const int64_t now_ms = clock_.NowMillis();
  for (size_t gi = 0; gi < spec.groups.size() && !done && failure.empty(); ++gi) {
    if (state.cancel.load(std::memory_order_relaxed) || timed_out) break;
    auto group = store_.GetLogGroup(spec.partition, spec.groups[gi]);
    if (!group.ok()) {
      if (group.status().IsNotFound()) continue;  // deleted since StartQuery: nothing to read
      failure = "reading log group: " + group.status().message();
      break;
    }
    groups.push_back({spec.groups[gi], group->id});
    const uint16_t group_index = static_cast<uint16_t>(groups.size() - 1);
    storage::GroupScanQuery query;
    query.start_time = std::max(spec.start_ms, detail::RetentionFloor(*group, now_ms));
    query.end_time =
        spec.end_ms < std::numeric_limits<int64_t>::max() ? spec.end_ms + 1 : spec.end_ms;
    if (query.start_time >= query.end_time) continue;
    const insights::Query& q = *spec.query;
    query.chunk_sketch_filter = [&q](const storage::TermSketch& sketch) {
      return q.MayMatchIfContains(
          [&sketch](std::string_view term) { return sketch.MayContain(term); });
    };
    query.chunk_body_filter = [&q](std::string_view body) { return q.MayMatchWithin(body); };
    query.skips = &skips;
    query.any_order = q.AcceptsAnyRecordOrder();
    state.live.log_groups_scanned.store(static_cast<double>(++groups_scanned),
                                        std::memory_order_relaxed);

    // Data protection: the query sees masked text, as it would on AWS, which masks at ingestion.
    detail::EventMasking masking;
    if (storage::Status ms =
            detail::EventMasking::Load(store_, spec.partition, spec.groups[gi], &masking);
        !ms.ok()) {
      failure = "reading data protection policies: " + ms.message();
      break;
    }
    std::string masked;
    const std::string log = spec.partition.account + ":" + spec.groups[gi];
    std::array<char, detail::kInternalPointerSize> ptr{};
    uint32_t until_clock = kClockCheckEvery;
    storage::Status s =
        store_.ScanGroup(spec.partition, spec.groups[gi], query, [&](const storage::EventView& e) {
          if (state.cancel.load(std::memory_order_relaxed)) return false;
          if (--until_clock == 0) {
            until_clock = kClockCheckEvery;
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) {
              timed_out = true;
              return false;
            }
            if (now - last_refresh >= options_.partial_refresh) {
              last_refresh = now;
              publish(exec->PartialRows(), exec->statistics());
            }
          }
          detail::WriteInternalPointer(ptr.data(), group_index, e.key);
          insights::Record r;
          r.timestamp = e.key.timestamp;
          r.ingestion_time = e.ingestion_time;
          r.message = masking.Apply(e.message, e.ingestion_time, &masked);
          r.log_stream = e.stream_name;
          r.log = log;
          r.ptr = std::string_view(ptr.data(), ptr.size());
          const insights::ExecutionState added = exec->Add(r);
          publish_statistics(exec->statistics());
          switch (added) {
            case insights::ExecutionState::kRunning:
              return true;
            case insights::ExecutionState::kComplete:
            case insights::ExecutionState::kFailed:
              done = true;
              return false;
          }
          return true;
        });
    // Chunks skipped after the group's last record count too.
    publish_statistics(exec->statistics());
    skipped_before.chunks += skips.chunks;
    skipped_before.events += skips.events;
    skipped_before.bytes += skips.bytes;
    skips = {};
    if (!s.ok() && !s.IsNotFound()) failure = "scanning log group: " + s.message();
  }

  QueryStatus status = QueryStatus::kComplete;
  std::string error;
  if (!failure.empty()) {
    status = QueryStatus::kFailed;
    error = failure;
    publish({}, exec->statistics());
  } else if (state.cancel.load() || timed_out) {
    status = timed_out ? QueryStatus::kTimeout : QueryStatus::kCancelled;
    publish(exec->PartialRows(), exec->statistics());
  } else {
    insights::QueryOutcome outcome = exec->Finish();
    if (outcome.failed) {
      status = QueryStatus::kFailed;
      error = outcome.error;
    }
    publish(std::move(outcome.rows), outcome.statistics);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::lock_guard<std::mutex> lock(mu_);
  // StopQuery answered success while the query was still Running (e.g. during Finish): it ends
  // Cancelled, as promised. After this the status is final and StopQuery refuses.
  if (status == QueryStatus::kComplete && state.cancel.load()) status = QueryStatus::kCancelled;
  state.status = status;
  state.error = std::move(error);
  state.duration_ms = elapsed.count();
  state.finish_time_ms = clock_.NowMillis();
  // Forgotten meanwhile (Reset): the state dies with the last shared_ptr.
  auto pit = partitions_.find(state.partition_key);
  if (pit != partitions_.end() && pit->second.by_id.contains(state.id)) {
    pit->second.finished.push_back(state.id);
    Expire(pit->second, state.finish_time_ms);
  }
}

}  // namespace cwlogd::api
