// ScheduledQueryRunner: a due query runs once per fire time; a run left Running by a stopped
// server is recorded as Failed, never run again; the next fire time moves with the run's record.
#include "api/scheduled_query_runner.h"

#include <string>
#include <vector>

#include "tests/api/api_test_util.h"

namespace cwlogd::api {
namespace {

using nlohmann::json;
using testing::ApiFixture;
using testing::kNow;
constexpr int64_t kRunMinute = 60'000;

json CreateRequest(const std::string& name) {
  return {{"name", name},
          {"queryLanguage", "CWLI"},
          {"queryString", "fields @message"},
          {"logGroupIdentifiers", {"g"}},
          {"scheduleExpression", "rate(5 minutes)"},
          {"executionRoleArn", "arn:aws:iam::000000000000:role/r"}};
}

std::vector<storage::ResourceRecord> Runs(ApiFixture& f, const std::string& name) {
  std::vector<storage::ResourceRecord> runs;
  REQUIRE(f.store()
              .resource_store()
              ->List(f.partition(), storage::ResourceKind::kScheduledQueryRun,
                     RunRecordPrefix(name), "",
                     [&](const storage::ResourceRecord& r) {
                       runs.push_back(r);
                       return true;
                     })
              .ok());
  return runs;
}

TEST_CASE("A due scheduled query runs once per fire time", "[api][scheduled_query]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.Ok("CreateScheduledQuery", CreateRequest("q"));
  ScheduledQueryRunner runner(f.store(), *f.store().resource_store(), f.clock(), f.query_runner(),
                              {});
  runner.RunDue();
  CHECK(Runs(f, "q").empty());  // not due yet
  f.clock().Advance(5 * kRunMinute);
  runner.RunDue();
  runner.RunDue();
  auto runs = Runs(f, "q");
  REQUIRE(runs.size() == 1);
  CHECK(RunFireTime(runs[0].name) == kNow + 5 * kRunMinute);
  CHECK(runs[0].fields.at(run_fields::kExecutionStatus) == "Complete");
  json got = f.Ok("GetScheduledQuery", {{"identifier", "q"}});
  CHECK(got["lastTriggeredTime"] == kNow + 5 * kRunMinute);
  CHECK(got["lastExecutionStatus"] == "Complete");
  CHECK(got["lastUpdatedTime"] == kNow);  // a run is no change of the settings
}

TEST_CASE("A run left Running by a stopped server is recorded Failed and not run again",
          "[api][scheduled_query]") {
  ApiFixture f;
  f.CreateGroup("g");
  f.Ok("CreateScheduledQuery", CreateRequest("q"));
  const int64_t fire = kNow + 5 * kRunMinute;
  // What a kill -9 between the claim and the end of the run leaves.
  REQUIRE(f.store()
              .resource_store()
              ->Update(f.partition(), storage::ResourceKind::kScheduledQueryRun,
                       RunRecordName("q", fire), fire, {},
                       [](const storage::ResourceRecord*, storage::ResourceRecord* out) {
                         out->fields[run_fields::kExecutionStatus] = "Running";
                         return storage::Status::OK();
                       })
              .ok());
  f.clock().Advance(7 * kRunMinute);
  ScheduledQueryRunner runner(f.store(), *f.store().resource_store(), f.clock(), f.query_runner(),
                              {});
  runner.RunDue();
  auto runs = Runs(f, "q");
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].fields.at(run_fields::kExecutionStatus) == "Failed");
  CHECK(runs[0].fields.at(run_fields::kErrorMessage) == "The server stopped while the query ran.");
  CHECK_FALSE(runs[0].fields.contains(run_fields::kQueryId));
  // The next fire time is after now (missed runs are not made up): 10 minutes after creation.
  auto query =
      f.store().resource_store()->Get(f.partition(), storage::ResourceKind::kScheduledQuery, "q");
  REQUIRE(query.ok());
  CHECK(query->fields.at(scheduled_fields::kNextFireTime) ==
        std::to_string(kNow + 10 * kRunMinute));
  runner.RunDue();
  CHECK(Runs(f, "q").size() == 1);
}

TEST_CASE("A disabled or ended scheduled query does not run", "[api][scheduled_query]") {
  ApiFixture f;
  f.CreateGroup("g");
  json off = CreateRequest("off");
  off["state"] = "DISABLED";
  f.Ok("CreateScheduledQuery", off);
  json ended = CreateRequest("ended");
  ended["scheduleEndTime"] = kNow + kRunMinute;
  f.Ok("CreateScheduledQuery", ended);
  ScheduledQueryRunner runner(f.store(), *f.store().resource_store(), f.clock(), f.query_runner(),
                              {});
  f.clock().Advance(60 * kRunMinute);
  runner.RunDue();
  CHECK(Runs(f, "off").empty());
  CHECK(Runs(f, "ended").empty());
}

}  // namespace
}  // namespace cwlogd::api
