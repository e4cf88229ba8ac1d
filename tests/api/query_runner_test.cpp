// QueryRunner with a fake query (the engine has its own tests): the status a query goes
// through, the @ptr tokens of its rows, StopQuery's cancel inside a scan, the timeout, the
// concurrency cap and the bounded retention of finished queries.
#include "api/query_runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/detail/insights.h"
#include "tests/api/api_test_util.h"

namespace cwlogd::api::testing {
namespace {

// Blocks Add() while closed; counts what it was fed.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = true;
  std::atomic<int> entered{0};
  int free_passes = 0;  // calls that pass even while closed
  void Close() {
    std::lock_guard<std::mutex> l(mu);
    open = false;
  }
  void Open() {
    {
      std::lock_guard<std::mutex> l(mu);
      open = true;
    }
    cv.notify_all();
  }
  void Pass() {
    if (++entered <= free_passes) return;
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [this] { return open; });
  }
};

class FakeExecution : public insights::Execution {
 public:
  FakeExecution(Gate* gate, Gate* finish_gate) : gate_(gate), finish_gate_(finish_gate) {}
  insights::ExecutionState Add(const insights::Record& r) override {
    if (gate_) gate_->Pass();
    stats_.records_scanned += 1;
    stats_.records_matched += 1;
    stats_.bytes_scanned += static_cast<double>(r.message.size());
    rows_.push_back({{"@message", std::string(r.message)},
                     {"@log", std::string(r.log)},
                     {"@ptr", std::string(r.ptr)}});
    return insights::ExecutionState::kRunning;
  }
  std::vector<insights::ResultRow> PartialRows() const override { return rows_; }
  insights::Statistics statistics() const override { return stats_; }
  insights::QueryOutcome Finish() override {
    if (finish_gate_) finish_gate_->Pass();
    return {false, "", rows_, stats_};
  }

 private:
  Gate* gate_;
  Gate* finish_gate_;
  insights::Statistics stats_;
  std::vector<insights::ResultRow> rows_;
};

class FakeQuery : public insights::Query {
 public:
  explicit FakeQuery(Gate* gate = nullptr, Gate* finish_gate = nullptr)
      : gate_(gate), finish_gate_(finish_gate) {}
  bool MayMatchIfContains(const std::function<bool(std::string_view)>&) const override {
    return true;
  }
  bool MayMatchWithin(std::string_view) const override { return true; }
  bool AcceptsAnyRecordOrder() const override { return false; }
  std::unique_ptr<insights::Execution> Start(const insights::ExecutionLimits&) const override {
    return std::make_unique<FakeExecution>(gate_, finish_gate_);
  }

 private:
  Gate* gate_;
  Gate* finish_gate_;
};

QuerySpec Spec(ApiFixture& f, std::vector<std::string> groups, Gate* gate = nullptr) {
  QuerySpec spec;
  spec.partition = f.partition();
  spec.query_string = "fields @message";
  spec.groups = std::move(groups);
  spec.start_ms = 0;
  spec.end_ms = kNow;
  spec.query = std::make_shared<FakeQuery>(gate);
  return spec;
}

QueryResults WaitFinished(QueryRunner& runner, const storage::Partition& p, const std::string& id) {
  for (int i = 0; i < 2000; ++i) {
    auto r = runner.Results(p, id);
    REQUIRE(r.has_value());
    if (r->info.status != QueryStatus::kScheduled && r->info.status != QueryStatus::kRunning) {
      return *r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("query did not finish");
  return {};
}

void Fill(ApiFixture& f, const std::string& g, int n) {
  f.CreateGroup(g);
  f.CreateStream(g, "s");
  std::vector<std::pair<int64_t, std::string>> events;
  for (int i = 0; i < n; ++i) events.emplace_back(kNow - kHour + i, "event " + std::to_string(i));
  f.Put(g, "s", events);
}

}  // namespace

TEST_CASE("A query runs over its groups to Complete, with @ptr tokens GetLogRecord reads",
          "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 3);
  Fill(f, "b", 2);
  QueryRunner& runner = f.query_runner();
  auto id = runner.Start(Spec(f, {"a", "b", "gone"}));
  REQUIRE(id.has_value());
  QueryResults r = WaitFinished(runner, f.partition(), *id);
  CHECK(r.info.status == QueryStatus::kComplete);
  CHECK(r.info.statistics.records_scanned == 5);
  REQUIRE(r.rows->size() == 5);
  const auto& row = (*r.rows)[0];
  CHECK(row[1].value == "123456789012:a");
  auto ref = detail::DecodeRecordPointer(row[2].value, f.partition());
  REQUIRE(ref.has_value());
  CHECK(ref->group == "a");
  json record = f.Ok("GetLogRecord", {{"logRecordPointer", row[2].value}});
  CHECK(record["logRecord"]["@message"] == row[0].value);
  CHECK(record["logRecord"]["@log"] == "123456789012:a");
  // Bound to the partition.
  CHECK_FALSE(detail::DecodeRecordPointer(row[2].value, {"000000000000", "us-east-1"}));

  json listed = f.Ok("ListLogGroupsForQuery", {{"queryId", *id}});
  CHECK(listed["logGroupIdentifiers"].size() == 3);
  json page = f.Ok("GetQueryResults", {{"queryId", *id}, {"maxItems", 2}});
  CHECK(page["status"] == "Complete");
  CHECK(page["results"].size() == 2);
  CHECK(page["statistics"]["recordsScanned"] == 5.0);
  REQUIRE(page.contains("nextToken"));
}

TEST_CASE("StopQuery cancels a running query inside its scan", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 100);
  Gate gate;
  gate.Close();
  QueryRunner& runner = f.query_runner();
  auto id = runner.Start(Spec(f, {"a"}, &gate));
  REQUIRE(id);
  while (gate.entered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(runner.Info(f.partition(), *id)->status == QueryStatus::kRunning);
  CHECK(f.Ok("StopQuery", {{"queryId", *id}}) == json{{"success", true}});
  gate.Open();
  QueryResults r = WaitFinished(runner, f.partition(), *id);
  CHECK(r.info.status == QueryStatus::kCancelled);
  CHECK(r.info.statistics.records_scanned == 1);  // stopped at the next record
  ApiError again = f.Err("StopQuery", {{"queryId", *id}});
  CHECK(again.type == "InvalidParameterException");
  CHECK(f.Err("StopQuery", {{"queryId", "nope"}}).type == "ResourceNotFoundException");
}

TEST_CASE("A running query's statistics are current to its last record", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 100);
  Fill(f, "b", 1);
  Gate gate;
  gate.free_passes = 10;
  gate.Close();
  QueryRunner& runner = f.query_runner();
  auto id = runner.Start(Spec(f, {"a", "b"}, &gate));
  REQUIRE(id);
  while (gate.entered.load() <= 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  json running = f.Ok("GetQueryResults", {{"queryId", *id}});
  CHECK(running["status"] == "Running");
  CHECK(running["statistics"]["recordsScanned"] == 10.0);
  CHECK(running["statistics"]["recordsMatched"] == 10.0);
  CHECK(running["statistics"]["bytesScanned"] == 70.0);  // "event 0" ... "event 9"
  CHECK(running["statistics"]["logGroupsScanned"] == 1.0);
  gate.Open();
  QueryResults r = WaitFinished(runner, f.partition(), *id);
  CHECK(r.info.statistics.records_scanned == 101);
  CHECK(r.info.statistics.log_groups_scanned == 2);
  json done = f.Ok("GetQueryResults", {{"queryId", *id}});
  CHECK(done["statistics"]["recordsScanned"] == 101.0);
  CHECK(done["statistics"]["bytesScanned"] == 10 * 7 + 90 * 8 + 7.0);
  CHECK(done["statistics"]["estimatedRecordsSkipped"] == 0.0);
  CHECK(done["statistics"]["estimatedBytesSkipped"] == 0.0);
}

TEST_CASE("A query stopped while it finishes ends Cancelled", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 10);
  Gate finish;
  finish.Close();
  QuerySpec spec = Spec(f, {"a"});
  spec.query = std::make_shared<FakeQuery>(nullptr, &finish);
  auto id = f.query_runner().Start(std::move(spec));
  REQUIRE(id);
  while (finish.entered.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(f.query_runner().Stop(f.partition(), *id) == QueryRunner::StopOutcome::kStopped);
  finish.Open();
  QueryResults r = WaitFinished(f.query_runner(), f.partition(), *id);
  CHECK(r.info.status == QueryStatus::kCancelled);
  CHECK(r.rows->size() == 10);
}

TEST_CASE("A partition's scheduled and running queries are capped", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 10);
  Gate gate;
  gate.Close();
  QueryRunnerOptions options;
  options.threads = 1;
  options.max_concurrent_per_partition = 2;
  QueryRunner runner(f.store(), f.clock(), options);
  auto first = runner.Start(Spec(f, {"a"}, &gate));
  auto second = runner.Start(Spec(f, {"a"}));
  REQUIRE(first);
  REQUIRE(second);
  CHECK_FALSE(runner.Start(Spec(f, {"a"})));
  // Another partition has its own count.
  QuerySpec other = Spec(f, {"a"});
  other.partition.account = "000000000000";
  auto other_id = runner.Start(std::move(other));
  CHECK(other_id.has_value());
  // The second never started: stopping it ends it at once.
  CHECK(runner.Stop(f.partition(), *second) == QueryRunner::StopOutcome::kStopped);
  CHECK(runner.Info(f.partition(), *second)->status == QueryStatus::kCancelled);
  CHECK(runner.Start(Spec(f, {"a"})));
  gate.Open();
}

TEST_CASE("A query past its timeout ends as Timeout with its partial rows", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 10000);
  QueryRunnerOptions options;
  options.threads = 1;
  options.timeout = std::chrono::milliseconds(0);
  QueryRunner runner(f.store(), f.clock(), options);
  auto id = runner.Start(Spec(f, {"a"}));
  REQUIRE(id);
  QueryResults r = WaitFinished(runner, f.partition(), *id);
  CHECK(r.info.status == QueryStatus::kTimeout);
  CHECK(r.info.statistics.records_scanned < 10000);
}

TEST_CASE("Finished queries are kept in bounded number and time", "[api][query_runner]") {
  ApiFixture f;
  Fill(f, "a", 1);
  QueryRunnerOptions options;
  options.threads = 1;
  options.max_finished_per_partition = 2;
  options.keep_finished_for = std::chrono::hours(1);
  QueryRunner runner(f.store(), f.clock(), options);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(*runner.Start(Spec(f, {"a"})));
    WaitFinished(runner, f.partition(), ids.back());
  }
  CHECK_FALSE(runner.Info(f.partition(), ids[0]));
  CHECK(runner.Info(f.partition(), ids[1]));
  auto listed = runner.List(f.partition());
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == ids[2]);  // newest first
  f.clock().Set(kNow + 2 * kHour);
  CHECK(runner.List(f.partition()).empty());
}

}  // namespace cwlogd::api::testing
