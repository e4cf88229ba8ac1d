// Helpers for api tests: a real RocksLogStore in a temp dir, a FakeClock, and Dispatch wrappers
// that unwrap the result. Not thread-safe; one fixture per test.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/dispatch.h"
#include "api/metric_filter_eval.h"
#include "api/query_runner.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "tests/catch2.h"

namespace cwlogd::api::testing {

using nlohmann::json;

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

class ApiFixture {
 public:
  ApiFixture() : clock_(kNow) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cwlogd-api-XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    dir_ = made;
    storage::StorageOptions options;
    options.path = dir_;
    options.block_cache_bytes = 8 << 20;
    auto store = storage::OpenRocksLogStore(options);
    INFO(store.status().message());
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    QueryRunnerOptions runner_options;
    runner_options.threads = 1;
    runner_ = std::make_unique<QueryRunner>(*store_, clock_, runner_options);
  }
  ~ApiFixture() {
    runner_.reset();  // joins its thread while the store is open
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ApiFixture(const ApiFixture&) = delete;
  ApiFixture& operator=(const ApiFixture&) = delete;

  ApiResult Raw(std::string_view op, std::string_view body) {
    Context ctx{*store_, clock_, options_, metric_filter_cache_, partition_, runner_.get()};
    return Dispatch("Logs_20140328." + std::string(op), body, ctx);
  }
  ApiResult Call(std::string_view op, const json& body) { return Raw(op, body.dump()); }

  // The successful result; fails the test with the error otherwise.
  json Ok(std::string_view op, const json& body) {
    ApiResult r = Call(op, body);
    if (auto* e = std::get_if<ApiError>(&r)) {
      FAIL_CHECK(op << " failed: " << e->type << ": " << e->message);
      return json();
    }
    if (auto* text = std::get_if<RenderedJson>(&r)) return json::parse(text->text);
    return std::get<json>(r);
  }
  // The error; fails the test when the call succeeded.
  ApiError Err(std::string_view op, const json& body) {
    ApiResult r = Call(op, body);
    if (auto* j = std::get_if<json>(&r)) {
      FAIL_CHECK(op << " unexpectedly succeeded: " << j->dump());
      return ApiError{};
    }
    if (auto* text = std::get_if<RenderedJson>(&r)) {
      FAIL_CHECK(op << " unexpectedly succeeded: " << text->text);
      return ApiError{};
    }
    return std::get<ApiError>(r);
  }

  void CreateGroup(const std::string& g) { Ok("CreateLogGroup", {{"logGroupName", g}}); }
  // Sets a retention the API would refuse (any number of days), straight in the store.
  void SetRetentionDays(const std::string& g, int32_t days) {
    REQUIRE(store()
                .UpdateLogGroup(partition(), g,
                                [days](storage::LogGroupInfo& info) {
                                  info.retention_days = days;
                                  return storage::Status::OK();
                                })
                .ok());
  }
  void CreateStream(const std::string& g, const std::string& s) {
    Ok("CreateLogStream", {{"logGroupName", g}, {"logStreamName", s}});
  }
  // Puts events (timestamp, message) into g/s; returns the response.
  json Put(const std::string& g, const std::string& s,
           const std::vector<std::pair<int64_t, std::string>>& events) {
    json list = json::array();
    for (const auto& [ts, m] : events) list.push_back({{"timestamp", ts}, {"message", m}});
    return Ok("PutLogEvents", {{"logGroupName", g}, {"logStreamName", s}, {"logEvents", list}});
  }

  storage::FakeClock& clock() { return clock_; }
  ApiOptions& options() { return options_; }
  MetricFilterCache& metric_filter_cache() { return metric_filter_cache_; }
  storage::Partition& partition() { return partition_; }
  storage::LogStore& store() { return *store_; }
  QueryRunner& query_runner() { return *runner_; }

 private:
  std::string dir_;
  std::unique_ptr<storage::LogStore> store_;
  storage::FakeClock clock_;
  ApiOptions options_;
  MetricFilterCache metric_filter_cache_;
  storage::Partition partition_{"123456789012", "us-east-1"};
  std::unique_ptr<QueryRunner> runner_;
};

// The messages of an events array, in order.
inline std::vector<std::string> Messages(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.at("message").get<std::string>());
  return out;
}

}  // namespace cwlogd::api::testing
