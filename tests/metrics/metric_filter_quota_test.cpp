// PutMetricFilter's quota of 5 regex-containing filter patterns per log group (CloudWatch Logs
// quotas; docs/filter-patterns.md), through the real handler and RocksDB store.
#include "api/context.h"
#include "api/dispatch.h"
#include "api/metric_filter_eval.h"
#include "storage/clock.h"
#include "tests/catch2.h"
#include "tests/storage/test_util.h"

namespace {

using cwlogd::api::ApiError;
using nlohmann::json;

struct QuotaFixture {
  cwlogd::storage::testing::TempDir dir;
  std::unique_ptr<cwlogd::storage::LogStore> store;
  cwlogd::storage::SystemClock clock;
  cwlogd::api::ApiOptions api_options;
  cwlogd::api::MetricFilterCache metric_filter_cache;
  std::optional<cwlogd::api::Context> ctx;

  QuotaFixture() {
    cwlogd::storage::StorageOptions options;
    options.path = dir.path();
    auto opened = cwlogd::storage::OpenRocksLogStore(options);
    REQUIRE(opened.ok());
    store = std::move(opened.value());
    ctx.emplace(cwlogd::api::Context{
        *store, clock, api_options, metric_filter_cache, {"000000000000", "us-east-1"}});
  }

  cwlogd::api::ApiResult Call(std::string_view op, const json& body) {
    return cwlogd::api::Dispatch("Logs_20140328." + std::string(op), body.dump(), *ctx);
  }

  cwlogd::api::ApiResult Put(const std::string& group, const std::string& name,
                             const std::string& pattern) {
    return Call(
        "PutMetricFilter",
        {{"logGroupName", group},
         {"filterName", name},
         {"filterPattern", pattern},
         {"metricTransformations",
          json::array({{{"metricName", "m"}, {"metricNamespace", "ns"}, {"metricValue", "1"}}})}});
  }
};

void RequireOk(const cwlogd::api::ApiResult& r) {
  if (auto* e = std::get_if<ApiError>(&r)) FAIL(e->type << ": " << e->message);
}

void RequireLimitExceeded(const cwlogd::api::ApiResult& r) {
  REQUIRE(std::holds_alternative<ApiError>(r));
  const auto& e = std::get<ApiError>(r);
  CHECK(e.type == "LimitExceededException");
  CHECK(e.http_status == 400);
  CHECK(e.message.find("regular expression") != std::string::npos);
}

}  // namespace

TEST_CASE("PutMetricFilter allows at most 5 regex-containing patterns per log group",
          "[metrics][put_metric_filter][quota]") {
  QuotaFixture f;
  RequireOk(f.Call("CreateLogGroup", {{"logGroupName", "g"}}));
  RequireOk(f.Call("CreateLogGroup", {{"logGroupName", "other"}}));
  // Each kind of pattern that can hold a regex counts once, however many it holds.
  const char* regex_patterns[] = {"%ERROR%", "%gra|ey%", "{ $.level = %WARN% }",
                                  "[ip=%^10\\.%, rest]", "[a=%x%, b=%y%]"};
  for (int i = 0; i < 5; ++i) RequireOk(f.Put("g", "r" + std::to_string(i), regex_patterns[i]));

  SECTION("a sixth regex filter is refused and not stored") {
    RequireLimitExceeded(f.Put("g", "r5", "%timeout%"));
    auto listed = f.Call("DescribeMetricFilters", {{"logGroupName", "g"}});
    REQUIRE(std::holds_alternative<json>(listed));
    CHECK(std::get<json>(listed)["metricFilters"].size() == 5);
  }
  SECTION("filters without a regex are not counted") {
    RequireOk(f.Put("g", "plain", "ERROR"));
    RequireOk(f.Put("g", "json", "{ $.level = \"WARN\" }"));
    RequireOk(f.Put("g", "delimited", "[ip, rest]"));
    RequireOk(f.Put("g", "all", ""));
  }
  SECTION("replacing a regex filter by name does not count the filter it replaces") {
    RequireOk(f.Put("g", "r0", "%FATAL%"));
    RequireOk(f.Put("g", "r4", "{ $.msg = %oops% }"));
  }
  SECTION("a regex filter replaced by a plain one frees a slot") {
    RequireOk(f.Put("g", "r0", "ERROR"));
    RequireOk(f.Put("g", "r5", "%timeout%"));
    RequireLimitExceeded(f.Put("g", "r6", "%again%"));
  }
  SECTION("a deleted regex filter frees a slot") {
    RequireOk(f.Call("DeleteMetricFilter", {{"logGroupName", "g"}, {"filterName", "r2"}}));
    RequireOk(f.Put("g", "r5", "%timeout%"));
  }
  SECTION("the quota is per log group") {
    for (int i = 0; i < 5; ++i) RequireOk(f.Put("other", "r" + std::to_string(i), "%x%"));
    RequireLimitExceeded(f.Put("other", "r5", "%x%"));
  }
}
