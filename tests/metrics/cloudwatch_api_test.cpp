#include "api/cloudwatch/cloudwatch_api.h"

#include "storage/clock.h"
#include "tests/catch2.h"
#include "tests/metrics/mem_metric_store.h"

using cwlogd::api::ApiError;
using cwlogd::api::ApiResult;
using nlohmann::json;
namespace cwa = cwlogd::api::cloudwatch;

namespace {

// 2024-01-01T00:10:00Z
constexpr int64_t kNowMs = 1704067800000;
constexpr double kNow = kNowMs / 1000.0;

struct ApiFixture {
  cwlogd::testing::MemMetricStore store;
  cwlogd::storage::FakeClock clock{kNowMs};
  cwa::Context ctx{store, clock, {"000000000000", "us-east-1"}};

  ApiResult Call(std::string_view op, const json& request) {
    return cwa::Dispatch(op, request, ctx);
  }
  json Ok(std::string_view op, const json& request) {
    ApiResult r = Call(op, request);
    if (auto* e = std::get_if<ApiError>(&r)) FAIL(op << ": " << e->type << ": " << e->message);
    return std::get<json>(r);
  }
  ApiError Err(std::string_view op, const json& request) {
    ApiResult r = Call(op, request);
    REQUIRE(std::holds_alternative<ApiError>(r));
    return std::get<ApiError>(r);
  }
  json Stats(const json& extra = json::object()) {
    json req = {{"Namespace", "App"},
                {"MetricName", "Latency"},
                {"StartTime", kNow - 600},
                {"EndTime", kNow + 60},
                {"Period", 60},
                {"Statistics", {"SampleCount", "Sum", "Average", "Minimum", "Maximum"}}};
    req.update(extra);
    return Ok("GetMetricStatistics", req);
  }
};

}  // namespace

TEST_CASE("PutMetricData values aggregate per minute into statistic sets", "[metrics][api]") {
  ApiFixture f;
  f.Ok("PutMetricData",
       {{"Namespace", "App"},
        {"MetricData",
         {{{"MetricName", "Latency"},
           {"Value", 10},
           {"Unit", "Milliseconds"},
           {"Timestamp", kNow - 300}},
          {{"MetricName", "Latency"},
           {"Value", 30},
           {"Unit", "Milliseconds"},
           {"Timestamp", kNow - 290}},
          {{"MetricName", "Latency"},
           {"Values", {1, 2}},
           {"Counts", {3, 1}},
           {"Unit", "Milliseconds"},
           {"Timestamp", kNow - 200}},
          {{"MetricName", "Latency"},
           {"StatisticValues", {{"SampleCount", 4}, {"Sum", 100}, {"Minimum", 5}, {"Maximum", 50}}},
           {"Unit", "Milliseconds"},
           {"Timestamp", kNow - 200}}}}});
  json out = f.Stats();
  CHECK(out["Label"] == "Latency");
  REQUIRE(out["Datapoints"].size() == 2);
  const json& a = out["Datapoints"][0];
  CHECK(a["Timestamp"].get<double>() == kNow - 300);
  CHECK(a["SampleCount"] == 2.0);
  CHECK(a["Sum"] == 40.0);
  CHECK(a["Average"] == 20.0);
  CHECK(a["Minimum"] == 10.0);
  CHECK(a["Maximum"] == 30.0);
  CHECK(a["Unit"] == "Milliseconds");
  const json& b = out["Datapoints"][1];
  CHECK(b["SampleCount"] == 8.0);  // 3 + 1 + 4
  CHECK(b["Sum"] == 105.0);        // 1*3 + 2*1 + 100
  CHECK(b["Minimum"] == 1.0);
  CHECK(b["Maximum"] == 50.0);
}

TEST_CASE("GetMetricStatistics sums minutes into longer periods and filters by unit",
          "[metrics][api]") {
  ApiFixture f;
  for (int m = 0; m < 6; ++m) {
    f.Ok("PutMetricData",
         {{"Namespace", "App"},
          {"MetricData",
           {{{"MetricName", "Latency"}, {"Value", m + 1}, {"Timestamp", kNow - 600 + 60 * m}}}}});
  }
  f.Ok("PutMetricData", {{"Namespace", "App"},
                         {"MetricData",
                          {{{"MetricName", "Latency"},
                            {"Value", 1000},
                            {"Unit", "Seconds"},
                            {"Timestamp", kNow - 600}}}}});
  json out = f.Stats({{"Period", 180}, {"Unit", "None"}});
  REQUIRE(out["Datapoints"].size() == 2);
  CHECK(out["Datapoints"][0]["Sum"] == 6.0);   // 1+2+3
  CHECK(out["Datapoints"][1]["Sum"] == 15.0);  // 4+5+6
  CHECK(out["Datapoints"][0]["Unit"] == "None");
  json all = f.Stats({{"Period", 600}});
  REQUIRE(all["Datapoints"].size() == 2);  // one per unit
  json seconds = f.Stats({{"Period", 600}, {"Unit", "Seconds"}});
  REQUIRE(seconds["Datapoints"].size() == 1);
  CHECK(seconds["Datapoints"][0]["Sum"] == 1000.0);
}

TEST_CASE("Dimensions are part of the metric identity, in any order", "[metrics][api]") {
  ApiFixture f;
  f.Ok("PutMetricData",
       {{"Namespace", "App"},
        {"MetricData",
         {{{"MetricName", "Latency"},
           {"Value", 1},
           {"Timestamp", kNow - 60},
           {"Dimensions", {{{"Name", "B"}, {"Value", "2"}}, {{"Name", "A"}, {"Value", "1"}}}}},
          {{"MetricName", "Latency"}, {"Value", 5}, {"Timestamp", kNow - 60}}}}});
  json dims = json::parse(R"([{"Name":"A","Value":"1"},{"Name":"B","Value":"2"}])");
  json out = f.Stats({{"Dimensions", dims}});
  REQUIRE(out["Datapoints"].size() == 1);
  CHECK(out["Datapoints"][0]["Sum"] == 1.0);
  json none = f.Stats();
  REQUIRE(none["Datapoints"].size() == 1);
  CHECK(none["Datapoints"][0]["Sum"] == 5.0);

  json listed = f.Ok("ListMetrics", {{"Namespace", "App"}});
  REQUIRE(listed["Metrics"].size() == 2);
  json filtered = f.Ok("ListMetrics", {{"Dimensions", {{{"Name", "B"}}}}});
  REQUIRE(filtered["Metrics"].size() == 1);
  CHECK(filtered["Metrics"][0]["Dimensions"] == dims);
  json by_value = f.Ok("ListMetrics", {{"Dimensions", {{{"Name", "B"}, {"Value", "3"}}}}});
  CHECK(by_value["Metrics"].empty());
  CHECK(f.Ok("ListMetrics", {{"Namespace", "Other"}})["Metrics"].empty());
  CHECK(f.Ok("ListMetrics", {{"MetricName", "Latency"}})["Metrics"].size() == 2);
}

TEST_CASE("PutMetricData refuses bad data with CloudWatch's errors", "[metrics][api]") {
  ApiFixture f;
  auto datum = [](const json& extra) {
    json d = {{"MetricName", "m"}, {"Value", 1}};
    d.update(extra);
    return json{{"Namespace", "App"}, {"MetricData", {d}}};
  };
  CHECK(f.Err("PutMetricData", {{"MetricData", json::array()}}).type ==
        "MissingRequiredParameterException");
  CHECK(f.Err("PutMetricData", {{"Namespace", "AWS/EC2"}, {"MetricData", json::array()}}).type ==
        "InvalidParameterValueException");
  CHECK(f.Err("PutMetricData", {{"Namespace", ":x"}, {"MetricData", json::array()}}).type ==
        "InvalidParameterValueException");
  ApiError nan = f.Err("PutMetricData", datum({{"Value", std::nan("")}}));
  CHECK(nan.type == "InvalidParameterValueException");
  CHECK(nan.message == "The value NaN for parameter MetricData.member.1.Value is invalid.");
  CHECK(f.Err("PutMetricData", datum({{"Value", 1e300}})).type == "InvalidParameterValueException");
  ApiError both = f.Err("PutMetricData", datum({{"Values", {1}}}));
  CHECK(both.type == "InvalidParameterCombinationException");
  CHECK(both.message.find("MetricData.member.1.Value and MetricData.member.1.Values") !=
        std::string::npos);
  json no_value = {{"Namespace", "App"}, {"MetricData", {{{"MetricName", "m"}}}}};
  CHECK(f.Err("PutMetricData", no_value).type == "MissingRequiredParameterException");
  json no_name = {{"Namespace", "App"}, {"MetricData", {{{"Value", 1}}}}};
  ApiError missing_name = f.Err("PutMetricData", no_name);
  CHECK(missing_name.message == "The parameter MetricData.member.1.MetricName is required.");
  json mismatched = {{"Namespace", "App"},
                     {"MetricData", {{{"MetricName", "m"}, {"Values", {1, 2}}, {"Counts", {1}}}}}};
  CHECK(f.Err("PutMetricData", mismatched).type == "InvalidParameterValueException");
  CHECK(f.Err("PutMetricData", datum({{"StorageResolution", 5}})).type ==
        "InvalidParameterValueException");
  CHECK(f.Err("PutMetricData", datum({{"Unit", "Furlongs"}})).type ==
        "InvalidParameterValueException");
  CHECK(f.Err("PutMetricData", datum({{"Timestamp", kNow - 15 * 86400}})).type ==
        "InvalidParameterValueException");
  CHECK(f.Err("PutMetricData", datum({{"Timestamp", kNow + 3 * 3600}})).type ==
        "InvalidParameterValueException");
  json dup_dims =
      datum({{"Dimensions", {{{"Name", "A"}, {"Value", "1"}}, {{"Name", "A"}, {"Value", "2"}}}}});
  CHECK(f.Err("PutMetricData", dup_dims).type == "InvalidParameterValueException");
  json bad_stats = datum(
      {{"Value", nullptr},
       {"StatisticValues", {{"SampleCount", 1}, {"Sum", 1}, {"Minimum", 2}, {"Maximum", 1}}}});
  CHECK(f.Err("PutMetricData", bad_stats).type == "InvalidParameterValueException");
  json too_many = {{"Namespace", "App"}, {"MetricData", json::array()}};
  for (int i = 0; i < 1001; ++i)
    too_many["MetricData"].push_back({{"MetricName", "m"}, {"Value", 1}});
  CHECK(f.Err("PutMetricData", too_many).type == "InvalidParameterValueException");
  CHECK(f.store.put_calls() == 0);  // nothing was written by any refused request
  CHECK(f.Err("PutMetricData", json::array()).type == "SerializationException");
  CHECK(f.Err("NoSuchOperation", json::object()).type == "UnknownOperationException");
}

TEST_CASE("GetMetricStatistics validates periods, statistics and the datapoint limit",
          "[metrics][api]") {
  ApiFixture f;
  json base = {{"Namespace", "App"}, {"MetricName", "m"}, {"StartTime", kNow - 3600},
               {"EndTime", kNow},    {"Period", 60},      {"Statistics", {"Sum"}}};
  auto with = [&](const json& extra) {
    json r = base;
    r.update(extra);
    return r;
  };
  CHECK(f.Err("GetMetricStatistics", with({{"Period", 90}})).message ==
        "The parameter Period must be a multiple of 60.");
  CHECK(f.Err("GetMetricStatistics", with({{"Statistics", nullptr}})).type ==
        "InvalidParameterCombinationException");
  CHECK(f.Err("GetMetricStatistics", with({{"ExtendedStatistics", {"p99"}}})).type ==
        "InvalidParameterCombinationException");
  CHECK(f.Ok("GetMetricStatistics",
             with({{"Statistics", nullptr}, {"ExtendedStatistics", {"p99"}}}))["Datapoints"]
            .empty());
  ApiError bad_p = f.Err("GetMetricStatistics",
                         with({{"Statistics", nullptr}, {"ExtendedStatistics", {"p50", "p101"}}}));
  CHECK(bad_p.type == "InvalidParameterValueException");
  CHECK(bad_p.message.rfind("The value p101 for parameter ExtendedStatistics.member.2 is invalid.",
                            0) == 0);
  CHECK(f.Err("GetMetricStatistics", with({{"Statistics", {"Median"}}})).type ==
        "InvalidParameterValueException");
  CHECK(f.Err("GetMetricStatistics", with({{"StartTime", kNow}})).message ==
        "The parameter StartTime must be less than the parameter EndTime.");
  ApiError many = f.Err("GetMetricStatistics", with({{"StartTime", kNow - 1441 * 60}}));
  CHECK(many.type == "InvalidParameterCombinationException");
  CHECK(many.message.rfind("You have requested up to 1,441 datapoints, which exceeds the limit "
                           "of 1,440.",
                           0) == 0);
  CHECK(f.Err("GetMetricStatistics", with({{"MetricName", nullptr}})).type ==
        "MissingRequiredParameterException");
  CHECK(f.Ok("GetMetricStatistics", with({{"StartTime", kNow - 1440 * 60}}))["Datapoints"].empty());
}

TEST_CASE("GetMetricData answers MetricStat queries with ScanBy and pagination", "[metrics][api]") {
  ApiFixture f;
  for (int m = 0; m < 5; ++m) {
    f.Ok("PutMetricData", {{"Namespace", "App"},
                           {"MetricData",
                            {{{"MetricName", "Requests"},
                              {"Value", 10 * (m + 1)},
                              {"Timestamp", kNow - 300 + 60 * m}}}}});
  }
  auto query = [](std::string id, std::string stat) {
    return json{{"Id", id},
                {"MetricStat",
                 {{"Metric", {{"Namespace", "App"}, {"MetricName", "Requests"}}},
                  {"Period", 60},
                  {"Stat", stat}}}};
  };
  json req = {{"MetricDataQueries", {query("sum", "Sum"), query("cnt", "SampleCount")}},
              {"StartTime", kNow - 600},
              {"EndTime", kNow}};
  json out = f.Ok("GetMetricData", req);
  REQUIRE(out["MetricDataResults"].size() == 2);
  const json& r = out["MetricDataResults"][0];
  CHECK(r["Id"] == "sum");
  CHECK(r["Label"] == "Requests");
  CHECK(r["StatusCode"] == "Complete");
  CHECK(r["Values"] == json::parse("[50.0,40.0,30.0,20.0,10.0]"));  // descending by default
  CHECK(r["Timestamps"][0].get<double>() == kNow - 60);
  CHECK(out["MetricDataResults"][1]["Values"] == json::parse("[1.0,1.0,1.0,1.0,1.0]"));
  CHECK_FALSE(out.contains("NextToken"));

  req["ScanBy"] = "TimestampAscending";
  req["MaxDatapoints"] = 3;
  json page1 = f.Ok("GetMetricData", req);
  REQUIRE(page1.contains("NextToken"));
  REQUIRE(page1["MetricDataResults"].size() == 1);
  CHECK(page1["MetricDataResults"][0]["Values"] == json::parse("[10.0,20.0,30.0]"));
  CHECK(page1["MetricDataResults"][0]["StatusCode"] == "PartialData");
  std::vector<double> all;
  json page = page1;
  int pages = 1;
  for (const auto& v : page1["MetricDataResults"][0]["Values"]) all.push_back(v.get<double>());
  while (page.contains("NextToken")) {
    req["NextToken"] = page["NextToken"];
    page = f.Ok("GetMetricData", req);
    ++pages;
    for (const auto& res : page["MetricDataResults"]) {
      for (const auto& v : res["Values"]) all.push_back(v.get<double>());
    }
    REQUIRE(pages < 10);
  }
  CHECK(pages == 4);  // 10 points, 3 per page
  CHECK(all == std::vector<double>{10, 20, 30, 40, 50, 1, 1, 1, 1, 1});

  req["NextToken"] = "garbage";
  CHECK(f.Err("GetMetricData", req).type == "InvalidNextToken");
  req.erase("NextToken");
  json math = req;
  math["MetricDataQueries"] = {{{"Id", "e1"}, {"Expression", "SUM(METRICS()"}}};
  ApiError refused = f.Err("GetMetricData", math);  // metric math: tests/metrics/metric_math_test
  CHECK(refused.type == "ValidationError");
  CHECK(refused.message.find("Error in expression 'e1'") != std::string::npos);
  json dup = req;
  dup["MetricDataQueries"] = {query("a", "Sum"), query("a", "Sum")};
  CHECK(f.Err("GetMetricData", dup).type == "InvalidParameterValueException");
  json bad_id = req;
  bad_id["MetricDataQueries"] = {query("Upper", "Sum")};
  CHECK(f.Err("GetMetricData", bad_id).type == "InvalidParameterValueException");
  json p99 = req;
  p99["MetricDataQueries"] = {query("a", "p99")};
  CHECK(f.Ok("GetMetricData", p99)["MetricDataResults"].size() == 1);
  json median = req;
  median["MetricDataQueries"] = {query("a", "Median")};
  CHECK(f.Err("GetMetricData", median).type == "InvalidParameterValueException");
}

TEST_CASE("ListMetrics pages 500 metrics at a time and honours RecentlyActive", "[metrics][api]") {
  ApiFixture f;
  json data = json::array();
  for (int i = 0; i < 700; ++i) {
    data.push_back({{"MetricName", "m" + std::to_string(i)}, {"Value", 1}});
    if (data.size() == 1000 || i == 699) {
      f.Ok("PutMetricData", {{"Namespace", "Many"}, {"MetricData", data}});
      data = json::array();
    }
  }
  json page1 = f.Ok("ListMetrics", {{"Namespace", "Many"}});
  CHECK(page1["Metrics"].size() == 500);
  REQUIRE(page1.contains("NextToken"));
  json page2 = f.Ok("ListMetrics", {{"Namespace", "Many"}, {"NextToken", page1["NextToken"]}});
  CHECK(page2["Metrics"].size() == 200);
  CHECK_FALSE(page2.contains("NextToken"));
  CHECK(f.Err("ListMetrics", {{"NextToken", "nope"}}).type == "InvalidNextToken");
  CHECK(f.Ok("ListMetrics", {{"RecentlyActive", "PT3H"}})["Metrics"].size() == 500);
  f.clock.Advance(4 * 3600 * 1000LL);
  CHECK(f.Ok("ListMetrics", {{"RecentlyActive", "PT3H"}})["Metrics"].empty());
  CHECK(f.Err("ListMetrics", {{"RecentlyActive", "PT1H"}}).type ==
        "InvalidParameterValueException");
}

TEST_CASE("Metrics are partitioned by account and region", "[metrics][api]") {
  ApiFixture f;
  f.Ok("PutMetricData",
       {{"Namespace", "App"}, {"MetricData", {{{"MetricName", "m"}, {"Value", 1}}}}});
  cwa::Context other{f.store, f.clock, {"111111111111", "us-east-1"}};
  ApiResult r = cwa::Dispatch("ListMetrics", json::object(), other);
  REQUIRE(std::holds_alternative<json>(r));
  CHECK(std::get<json>(r)["Metrics"].empty());
  cwa::Context region{f.store, f.clock, {"000000000000", "eu-west-1"}};
  r = cwa::Dispatch("ListMetrics", json::object(), region);
  CHECK(std::get<json>(r)["Metrics"].empty());
  CHECK(f.Ok("ListMetrics", json::object())["Metrics"].size() == 1);
}

// Issue #14 item 7: CloudWatch's NextToken is bound to its account and region like the Logs
// tokens; the same metrics exist in each partition, so only the binding can refuse it.
TEST_CASE("A metrics NextToken is refused in another account or region", "[metrics][api]") {
  ApiFixture f;
  const cwlogd::storage::Partition issuer = f.ctx.partition;
  const cwlogd::storage::Partition others[] = {{"111111111111", issuer.region},
                                               {issuer.account, "eu-west-1"}};
  json metric_data = json::array();
  for (int i = 0; i < 501; ++i) {
    metric_data.push_back({{"MetricName", "m" + std::to_string(i)}, {"Value", 1}});
  }
  for (const auto& p : {others[0], others[1], issuer}) {
    f.ctx.partition = p;
    f.Ok("PutMetricData", {{"Namespace", "Many"}, {"MetricData", metric_data}});
  }
  json stat_query = {{"Id", "a"},
                     {"MetricStat",
                      {{"Metric", {{"Namespace", "Many"}, {"MetricName", "m0"}}},
                       {"Period", 60},
                       {"Stat", "Sum"}}}};
  json get_data = {{"MetricDataQueries", {stat_query, stat_query}},
                   {"StartTime", kNow - 600},
                   {"EndTime", kNow + 60},
                   {"MaxDatapoints", 1}};
  get_data["MetricDataQueries"][1]["Id"] = "b";
  for (const auto& [op, request] : {std::pair<std::string, json>{"ListMetrics", json::object()},
                                    std::pair<std::string, json>{"GetMetricData", get_data}}) {
    INFO(op);
    f.ctx.partition = issuer;
    json page1 = f.Ok(op, request);
    REQUIRE(page1.contains("NextToken"));
    json next = request;
    next["NextToken"] = page1["NextToken"];
    for (const auto& p : others) {
      f.ctx.partition = p;
      ApiError e = f.Err(op, next);
      CHECK(e.type == "InvalidNextToken");
      CHECK(e.message == "The specified NextToken is invalid.");
    }
    f.ctx.partition = issuer;
    (void)f.Ok(op, next);
  }
}

TEST_CASE("Integer members refuse numbers with a fraction as the Logs API does", "[metrics][api]") {
  ApiFixture f;
  const std::string kNotInteger = "NUMBER_VALUE can not be converted to Integer";
  json stats = {{"Namespace", "App"}, {"MetricName", "m"}, {"StartTime", kNow - 3600},
                {"EndTime", kNow},    {"Period", 60.5},    {"Statistics", {"Sum"}}};
  ApiError period = f.Err("GetMetricStatistics", stats);
  CHECK(period.type == "SerializationException");
  CHECK(period.message == kNotInteger);
  CHECK(period.http_status == 400);

  json datum = {{"MetricName", "m"}, {"Value", 1}, {"StorageResolution", 1.5}};
  ApiError resolution = f.Err("PutMetricData", {{"Namespace", "App"}, {"MetricData", {datum}}});
  CHECK(resolution.type == "SerializationException");
  CHECK(resolution.message == kNotInteger);
  CHECK(f.store.put_calls() == 0);

  json query = {{"Id", "q"},
                {"MetricStat",
                 {{"Metric", {{"Namespace", "App"}, {"MetricName", "m"}}},
                  {"Period", 60.25},
                  {"Stat", "Sum"}}}};
  json data = {{"MetricDataQueries", {query}}, {"StartTime", kNow - 3600}, {"EndTime", kNow}};
  CHECK(f.Err("GetMetricData", data).message == kNotInteger);
  query["MetricStat"]["Period"] = 60;
  data["MetricDataQueries"] = {query};
  data["MaxDatapoints"] = 100.5;
  CHECK(f.Err("GetMetricData", data).type == "SerializationException");

  // A whole number written as a float is that integer (Jackson and the Logs readers agree);
  // a value of another type keeps CloudWatch's InvalidParameterValue.
  stats["Period"] = 60.0;
  CHECK(f.Ok("GetMetricStatistics", stats)["Datapoints"].empty());
  stats["Period"] = 6e1;
  CHECK(f.Ok("GetMetricStatistics", stats)["Datapoints"].empty());
  stats["Period"] = "60";
  CHECK(f.Err("GetMetricStatistics", stats).type == "InvalidParameterValueException");
}

TEST_CASE("ParseJsonInput refuses a member named twice at any depth", "[metrics][api]") {
  auto err = [](std::string_view body) {
    auto r = cwa::ParseJsonInput(body);
    REQUIRE(std::holds_alternative<ApiError>(r));
    return std::get<ApiError>(r);
  };
  ApiError top = err(R"({"Namespace":"a","MetricData":[],"Namespace":"b"})");
  CHECK(top.type == "SerializationException");
  CHECK(top.message == "Duplicate field 'Namespace'");
  CHECK(top.http_status == 400);
  // The first repeated name in document order, however deep.
  CHECK(err(R"({"MetricData":[{"MetricName":"m","Value":1,"Value":2}],"Namespace":"a",)"
            R"("Namespace":"b"})")
            .message == "Duplicate field 'Value'");
  CHECK(err(R"({"MetricData":[{"Dimensions":[{"Name":"d","Value":"1","Name":"e"}]}]})").message ==
        "Duplicate field 'Name'");
  // Escapes are resolved before names are compared.
  CHECK(err(R"({"Period":60,"P\u0065riod":61})").message == "Duplicate field 'Period'");
  // A malformed body is reported as such, even with a repeated name before the error.
  CHECK(err(R"({"a":1,"a":2,)").message == "The request body is not a valid JSON object.");
  CHECK(err("[1]").type == "SerializationException");

  // The same name in different objects is no duplicate.
  auto ok = cwa::ParseJsonInput(
      R"({"Namespace":"a","MetricData":[{"MetricName":"m","Dimensions":[{"Name":"x","Value":"1"},)"
      R"({"Name":"y","Value":"2"}]},{"MetricName":"m"}]})");
  REQUIRE(std::holds_alternative<json>(ok));
  CHECK(std::get<json>(ok)["MetricData"].size() == 2);
}

TEST_CASE("GetMetricStatistics and GetMetricData answer percentiles from raw values",
          "[metrics][api][percentiles]") {
  ApiFixture f;
  json values = json::array();
  json counts = json::array();
  for (int v = 1; v <= 25; ++v) {
    values.push_back(v);
    counts.push_back(v == 25 ? 10 : 1);  // 25 counts ten times: 34 samples
  }
  f.Ok("PutMetricData",
       {{"Namespace", "App"},
        {"MetricData",
         {{{"MetricName", "Latency"},
           {"Values", values},
           {"Counts", counts},
           {"Timestamp", kNow - 300}},
          {{"MetricName", "Latency"}, {"Value", 0}, {"Timestamp", kNow - 300}},
          {{"MetricName", "Latency"},
           {"StatisticValues", {{"SampleCount", 4}, {"Sum", 8}, {"Minimum", 2}, {"Maximum", 2}}},
           {"Timestamp", kNow - 300}}}}});
  // 39 samples, 26 distinct values (kept exactly): 0, 1, 2 x5, 3..24, 25 x10.
  json out = f.Stats(
      {{"Statistics", nullptr}, {"ExtendedStatistics", {"p50", "p70", "p99", "tm90", "PR(:2)"}}});
  REQUIRE(out["Datapoints"].size() == 1);
  const json& point = out["Datapoints"][0];
  CHECK_FALSE(point.contains("Sum"));
  const json& ext = point["ExtendedStatistics"];
  CHECK(ext["p50"] == 15.0);  // rank 20 (v at rank v + 5 for 3..24)
  CHECK(ext["p70"] == 23.0);  // rank 28 (27.3 rounded up)
  CHECK(ext["p99"] == 25.0);  // rank 39
  CHECK(ext["PR(:2)"].get<double>() == Approx(700.0 / 39));
  CHECK(ext["tm90"].get<double>() == Approx(460.5 / 35.1));  // ranks 0..35.1

  // GetMetricData with Stat p70: the same value.
  json q = {{"Id", "a"},
            {"MetricStat",
             {{"Metric", {{"Namespace", "App"}, {"MetricName", "Latency"}}},
              {"Period", 60},
              {"Stat", "p70"}}}};
  json data = f.Ok("GetMetricData",
                   {{"MetricDataQueries", {q}}, {"StartTime", kNow - 600}, {"EndTime", kNow}});
  CHECK(data["MetricDataResults"][0]["Values"] == json::array({23.0}));

  // A statistic set with a spread (Minimum != Maximum) hides percentiles of its period.
  f.Ok("PutMetricData",
       {{"Namespace", "App"},
        {"MetricData",
         {{{"MetricName", "Latency"},
           {"StatisticValues", {{"SampleCount", 2}, {"Sum", 8}, {"Minimum", 1}, {"Maximum", 7}}},
           {"Timestamp", kNow - 300}}}}});
  json hidden = f.Stats({{"Statistics", nullptr}, {"ExtendedStatistics", {"p50"}}});
  REQUIRE(hidden["Datapoints"].size() == 1);
  CHECK_FALSE(hidden["Datapoints"][0].contains("ExtendedStatistics"));
  data = f.Ok("GetMetricData",
              {{"MetricDataQueries", {q}}, {"StartTime", kNow - 600}, {"EndTime", kNow}});
  CHECK(data["MetricDataResults"][0]["Values"].empty());
}

TEST_CASE("StorageResolution 1 keeps per-second buckets for periods under a minute",
          "[metrics][api][highres]") {
  ApiFixture f;
  json data = json::array();
  for (int s = 0; s < 20; ++s) {
    data.push_back({{"MetricName", "Hits"},
                    {"Value", s},
                    {"StorageResolution", 1},
                    {"Timestamp", kNow - 120 + s}});
  }
  f.Ok("PutMetricData", {{"Namespace", "App"}, {"MetricData", data}});
  auto stats = [&](int period, double start) {
    return f.Ok("GetMetricStatistics", {{"Namespace", "App"},
                                        {"MetricName", "Hits"},
                                        {"StartTime", start},
                                        {"EndTime", kNow},
                                        {"Period", period},
                                        {"Statistics", {"Sum", "SampleCount"}}})["Datapoints"];
  };
  json ten = stats(10, kNow - 600);
  REQUIRE(ten.size() == 2);
  CHECK(ten[0]["Timestamp"].get<double>() == kNow - 120);
  CHECK(ten[0]["Sum"] == 45.0);   // 0..9
  CHECK(ten[1]["Sum"] == 145.0);  // 10..19
  CHECK(stats(1, kNow - 600).size() == 20);
  json minute = stats(60, kNow - 600);
  REQUIRE(minute.size() == 1);
  CHECK(minute[0]["SampleCount"] == 20.0);
  // StartTime more than 3 hours ago: sub-minute periods find nothing (AWS's rollup schedule).
  CHECK(stats(10, kNow - 4 * 3600).empty());
  CHECK(stats(60, kNow - 4 * 3600).size() == 1);
  // StartTime more than 15 days ago: multiples of 300 s only.
  CHECK(stats(3600 * 24, kNow - 16 * 86400).empty() == false);
  CHECK(stats(3660, kNow - 16 * 86400).empty());

  json base = {{"Namespace", "App"},
               {"MetricName", "Hits"},
               {"StartTime", kNow - 600},
               {"EndTime", kNow},
               {"Statistics", {"Sum"}}};
  for (int bad : {2, 7, 20, 59, 61, 90}) {
    json r = base;
    r["Period"] = bad;
    INFO(bad);
    CHECK(f.Err("GetMetricStatistics", r).message ==
          "The parameter Period must be a multiple of 60.");
  }
  // GetMetricData also takes 20 s.
  json q = {{"Id", "a"},
            {"MetricStat",
             {{"Metric", {{"Namespace", "App"}, {"MetricName", "Hits"}}},
              {"Period", 20},
              {"Stat", "Sum"}}}};
  json out = f.Ok("GetMetricData", {{"MetricDataQueries", {q}},
                                    {"StartTime", kNow - 600},
                                    {"EndTime", kNow},
                                    {"ScanBy", "TimestampAscending"}});
  CHECK(out["MetricDataResults"][0]["Values"] == json::array({190.0}));
  q["MetricStat"]["Period"] = 7;
  CHECK(f.Err("GetMetricData",
              {{"MetricDataQueries", {q}}, {"StartTime", kNow - 600}, {"EndTime", kNow}})
            .type == "InvalidParameterValueException");
}
