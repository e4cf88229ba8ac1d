#include "server/cloudwatch_route.h"

#include <zlib.h>

#include "server/cloudwatch/cbor.h"
#include "storage/clock.h"
#include "tests/catch2.h"
#include "tests/metrics/mem_metric_store.h"

using cwlogd::server::CloudWatchHttpRequest;
using cwlogd::server::CloudWatchHttpResponse;
using cwlogd::server::HandleCloudWatchRequest;
using nlohmann::json;
namespace cw = cwlogd::server::cloudwatch;

namespace {

constexpr int64_t kRouteNowMs = 1704067800000;  // 2024-01-01T00:10:00Z

struct RouteFixture {
  cwlogd::testing::MemMetricStore store;
  cwlogd::storage::FakeClock clock{kRouteNowMs};
  cwlogd::api::cloudwatch::Context ctx{store, clock, {"000000000000", "us-east-1"}};

  CloudWatchHttpResponse Send(const CloudWatchHttpRequest& r) {
    return HandleCloudWatchRequest(r, "req-1", ctx);
  }
  CloudWatchHttpResponse Json(std::string_view op, std::string_view body) {
    std::string target = "GraniteServiceVersion20100801." + std::string(op);
    CloudWatchHttpRequest r;
    r.content_type = "application/x-amz-json-1.0";
    r.amz_target = target;
    r.body = body;
    return Send(r);
  }
  CloudWatchHttpResponse Query(std::string_view body) {
    CloudWatchHttpRequest r;
    r.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    r.body = body;
    return Send(r);
  }
  CloudWatchHttpResponse Cbor(std::string_view op, std::string_view body) {
    std::string path = "/service/GraniteServiceVersion20100801/operation/" + std::string(op);
    CloudWatchHttpRequest r;
    r.target = path;
    r.smithy_protocol = "rpc-v2-cbor";
    r.content_type = "application/cbor";
    r.body = body;
    return Send(r);
  }
};

std::string Header(const CloudWatchHttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

std::string Gzip(std::string_view in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(compressBound(static_cast<uLong>(in.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

const std::string kPut =
    R"({"Namespace":"App","MetricData":[{"MetricName":"Hits","Value":2,"Unit":"Count",)"
    R"("Timestamp":1704067500}]})";
const std::string kStats =
    R"({"Namespace":"App","MetricName":"Hits","StartTime":1704067200,"EndTime":1704067800,)"
    R"("Period":60,"Statistics":["Sum"]})";

}  // namespace

TEST_CASE("JSON 1.0 requests get JSON 1.0 answers", "[metrics][route]") {
  RouteFixture f;
  auto put = f.Json("PutMetricData", kPut);
  CHECK(put.status == 200);
  CHECK(put.body == "{}");
  CHECK(Header(put, "Content-Type") == "application/x-amz-json-1.0");
  CHECK(Header(put, "x-amzn-RequestId") == "req-1");
  auto get = f.Json("GetMetricStatistics", kStats);
  REQUIRE(get.status == 200);
  json body = json::parse(get.body);
  REQUIRE(body["Datapoints"].size() == 1);
  CHECK(body["Datapoints"][0]["Sum"] == 2.0);
  CHECK(body["Datapoints"][0]["Timestamp"] == 1704067500.0);
}

TEST_CASE("JSON 1.0 errors carry __type and x-amzn-query-error", "[metrics][route]") {
  RouteFixture f;
  auto bad = f.Json("PutMetricData", R"({"Namespace":"App","MetricData":[{"MetricName":"m"}]})");
  CHECK(bad.status == 400);
  CHECK(Header(bad, "x-amzn-query-error") == "MissingParameter;Sender");
  json body = json::parse(bad.body);
  CHECK(body["__type"] == "com.amazonaws.cloudwatch#MissingRequiredParameterException");
  CHECK(body["message"].get<std::string>().find("MetricData.member.1.Value") != std::string::npos);
  auto malformed = f.Json("ListMetrics", "{not json");
  CHECK(malformed.status == 400);
  CHECK(json::parse(malformed.body)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
  auto array = f.Json("ListMetrics", "[]");
  CHECK(array.status == 400);
  auto unknown = f.Json("NoSuchOperation", "{}");
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body)["__type"] ==
        "com.amazonaws.cloudwatch#UnknownOperationException");
  auto empty = f.Json("ListMetrics", "");
  CHECK(empty.status == 200);
}

TEST_CASE("Query requests get XML answers and XML errors", "[metrics][route]") {
  RouteFixture f;
  auto put = f.Query(
      "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=Hits"
      "&MetricData.member.1.Value=2&MetricData.member.1.Unit=Count"
      "&MetricData.member.1.Timestamp=2024-01-01T00%3A05%3A00Z");
  CHECK(put.status == 200);
  CHECK(Header(put, "Content-Type") == "text/xml");
  CHECK(put.body.find("<PutMetricDataResponse") == 0);
  auto get = f.Query(
      "Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=Hits"
      "&StartTime=2024-01-01T00%3A00%3A00Z&EndTime=2024-01-01T00%3A10%3A00Z&Period=60"
      "&Statistics.member.1=Sum&Statistics.member.2=SampleCount");
  REQUIRE(get.status == 200);
  CHECK(get.body.find("<member><SampleCount>1.0</SampleCount><Sum>2.0</Sum>"
                      "<Timestamp>2024-01-01T00:05:00Z</Timestamp><Unit>Count</Unit></member>") !=
        std::string::npos);
  auto list = f.Query("Action=ListMetrics&Version=2010-08-01");
  CHECK(list.body.find("<Metrics><member><Dimensions></Dimensions><MetricName>Hits</MetricName>"
                       "<Namespace>App</Namespace></member></Metrics>") != std::string::npos);

  auto err = f.Query(
      "Action=GetMetricStatistics&Namespace=App&MetricName=Hits&Period=61"
      "&StartTime=2024-01-01T00%3A00%3A00Z&EndTime=2024-01-01T00%3A10%3A00Z"
      "&Statistics.member.1=Sum");
  CHECK(err.status == 400);
  CHECK(err.body.find("<Code>InvalidParameterValue</Code>") != std::string::npos);
  CHECK(err.body.find("<Type>Sender</Type>") != std::string::npos);
  CHECK(Header(err, "x-amzn-query-error") == "<absent>");
  auto no_action = f.Query("Version=2010-08-01");
  CHECK(no_action.status == 400);
  CHECK(no_action.body.find("<Code>MissingAction</Code>") != std::string::npos);
  auto bad_action = f.Query("Action=NoSuchOperation");
  CHECK(bad_action.body.find("<Code>InvalidAction</Code>") != std::string::npos);
  auto bad_form = f.Query("Action=ListMetrics&x=%zz");
  CHECK(bad_form.status == 400);
  auto bad_type = f.Query("Action=GetMetricStatistics&Period=sixty");
  CHECK(bad_type.body.find("<Code>InvalidParameterValue</Code>") != std::string::npos);

  CloudWatchHttpRequest via_url;  // GET /?Action=ListMetrics
  via_url.method = "GET";
  via_url.target = "/?Action=ListMetrics&Namespace=App";
  auto url = f.Send(via_url);
  CHECK(url.status == 200);
  CHECK(url.body.find("<MetricName>Hits</MetricName>") != std::string::npos);
}

TEST_CASE("RPC v2 CBOR requests get CBOR answers with tag 1 timestamps", "[metrics][route]") {
  RouteFixture f;
  // Timestamps as the JS/Go SDKs send them: tag 1 + float64.
  json put = json::parse(kPut);
  std::string put_cbor = cw::EncodeCbor(put, [](std::string_view n) { return n == "Timestamp"; });
  REQUIRE(put_cbor.find("\xc1\xfb") != std::string::npos);
  auto r = f.Cbor("PutMetricData", put_cbor);
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(Header(r, "Content-Type") == "<absent>");
  CHECK(Header(r, "smithy-protocol") == "rpc-v2-cbor");

  json stats = json::parse(kStats);
  auto get = f.Cbor("GetMetricStatistics", cw::EncodeCbor(stats, [](std::string_view n) {
                      return n == "StartTime" || n == "EndTime";
                    }));
  REQUIRE(get.status == 200);
  CHECK(Header(get, "Content-Type") == "application/cbor");
  CHECK(get.body.find("\xc1\xfb") != std::string::npos);  // Datapoint.Timestamp is tag 1
  auto decoded = cw::DecodeCbor(get.body, nullptr);
  REQUIRE(decoded);
  CHECK((*decoded)["Datapoints"][0]["Sum"] == 2.0);
  CHECK((*decoded)["Datapoints"][0]["Timestamp"] == 1704067500.0);

  auto bad = f.Cbor("ListMetrics", std::string("\xbf\x61", 2));
  CHECK(bad.status == 400);
  CHECK(Header(bad, "smithy-protocol") == "rpc-v2-cbor");
  auto err = cw::DecodeCbor(bad.body, nullptr);
  REQUIRE(err);
  CHECK((*err)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
  auto invalid = f.Cbor("GetMetricStatistics", cw::EncodeCbor(json{{"Namespace", "App"}}));
  CHECK(invalid.status == 400);
  CHECK(Header(invalid, "x-amzn-query-error") == "MissingParameter;Sender");
  auto unknown = f.Cbor("NoSuchOperation", cw::EncodeCbor(json::object()));
  CHECK(unknown.status == 400);
  auto empty = f.Cbor("ListMetrics", "");
  CHECK(empty.status == 200);
}

TEST_CASE("gzip request bodies are inflated in every protocol", "[metrics][route]") {
  RouteFixture f;
  std::string gz = Gzip(kPut);
  CloudWatchHttpRequest r;
  r.content_type = "application/x-amz-json-1.0";
  r.amz_target = "GraniteServiceVersion20100801.PutMetricData";
  r.content_encoding = "gzip";
  r.body = gz;
  CHECK(f.Send(r).status == 200);
  std::string form = Gzip(
      "Action=PutMetricData&Namespace=App&MetricData.member.1.MetricName=Hits"
      "&MetricData.member.1.Value=3&MetricData.member.1.Unit=Count"
      "&MetricData.member.1.Timestamp=2024-01-01T00%3A05%3A00Z");
  CloudWatchHttpRequest q;
  q.content_type = "application/x-www-form-urlencoded";
  q.content_encoding = "gzip";
  q.body = form;
  CHECK(f.Send(q).status == 200);
  auto get = f.Json("GetMetricStatistics", kStats);
  CHECK(json::parse(get.body)["Datapoints"][0]["Sum"] == 5.0);
  r.body = "not gzip at all";
  auto bad = f.Send(r);
  CHECK(bad.status == 400);
  CHECK(json::parse(bad.body)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
}

namespace {

// A CBOR text string of fewer than 24 bytes.
std::string CborText(std::string_view s) {
  return static_cast<char>(0x60 + s.size()) + std::string(s);
}

}  // namespace

TEST_CASE("A member named twice is refused in every protocol", "[metrics][route]") {
  RouteFixture f;
  SECTION("JSON 1.0: SerializationException, as the Logs API answers") {
    auto r =
        f.Json("PutMetricData", R"({"Namespace":"App","MetricData":[{"MetricName":"m","Value":1}],)"
                                R"("Namespace":"Other"})");
    CHECK(r.status == 400);
    CHECK(Header(r, "x-amzn-query-error") == "SerializationException;Sender");
    json body = json::parse(r.body);
    CHECK(body["__type"] == "com.amazonaws.cloudwatch#SerializationException");
    CHECK(body["message"] == "Duplicate field 'Namespace'");
    auto nested =
        f.Json("PutMetricData", R"({"Namespace":"App","MetricData":[{"MetricName":"m","Value":1,)"
                                R"("Value":2}]})");
    CHECK(json::parse(nested.body)["message"] == "Duplicate field 'Value'");
  }
  SECTION("CBOR: the same SerializationException, CBOR-encoded") {
    std::string body = "\xa3" + CborText("Namespace") + CborText("App") + CborText("MetricData") +
                       "\x80" + CborText("Namespace") + CborText("Other");
    auto r = f.Cbor("PutMetricData", body);
    CHECK(r.status == 400);
    CHECK(Header(r, "smithy-protocol") == "rpc-v2-cbor");
    CHECK(Header(r, "x-amzn-query-error") == "SerializationException;Sender");
    auto err = cw::DecodeCbor(r.body, nullptr);
    REQUIRE(err);
    CHECK((*err)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
    CHECK((*err)["message"] == "Duplicate field 'Namespace'");
  }
  SECTION("query: InvalidQueryParameter, in the body, in the URL or across both") {
    auto r = f.Query(
        "Action=PutMetricData&Version=2010-08-01&Namespace=App&MetricData.member.1.MetricName=m"
        "&MetricData.member.1.Value=1&Namespace=Other");
    CHECK(r.status == 400);
    CHECK(r.body.find("<Type>Sender</Type>") != std::string::npos);
    CHECK(r.body.find("<Code>InvalidQueryParameter</Code>") != std::string::npos);
    CHECK(r.body.find("<Message>The parameter Namespace is given more than once.</Message>") !=
          std::string::npos);
    CloudWatchHttpRequest across;  // Action in the URL names another operation than the body's
    across.target = "/?Action=ListMetrics";
    across.content_type = "application/x-www-form-urlencoded";
    across.body =
        "Action=PutMetricData&Namespace=App&MetricData.member.1.MetricName=m"
        "&MetricData.member.1.Value=1";
    auto both = f.Send(across);
    CHECK(both.status == 400);
    CHECK(both.body.find("The parameter Action is given more than once.") != std::string::npos);
    CloudWatchHttpRequest url;
    url.method = "GET";
    url.target = "/?Action=ListMetrics&Namespace=a&Namespace=b";
    CHECK(f.Send(url).body.find("<Code>InvalidQueryParameter</Code>") != std::string::npos);
  }
  CHECK(f.store.put_calls() == 0);
}

TEST_CASE("An Integer member given a fraction is refused in every protocol", "[metrics][route]") {
  RouteFixture f;
  json stats = json::parse(kStats);
  stats["Period"] = 60.5;
  auto j = f.Json("GetMetricStatistics", stats.dump());
  CHECK(j.status == 400);
  CHECK(Header(j, "x-amzn-query-error") == "SerializationException;Sender");
  CHECK(json::parse(j.body)["message"] == "NUMBER_VALUE can not be converted to Integer");

  auto c = f.Cbor("GetMetricStatistics", cw::EncodeCbor(stats));
  CHECK(c.status == 400);
  auto err = cw::DecodeCbor(c.body, nullptr);
  REQUIRE(err);
  CHECK((*err)["__type"] == "com.amazonaws.cloudwatch#SerializationException");
  CHECK((*err)["message"] == "NUMBER_VALUE can not be converted to Integer");
  // CBOR has half, single and double floats: 60.5 as a half (f9 5390) too.
  stats["Period"] = 1;
  std::string half = cw::EncodeCbor(stats);
  const std::string period_one = "\x66Period\x01";
  const size_t at = half.find(period_one);
  REQUIRE(at != std::string::npos);
  half.replace(at + period_one.size() - 1, 1, "\xf9\x53\x90");
  auto h = f.Cbor("GetMetricStatistics", half);
  CHECK(cw::DecodeCbor(h.body, nullptr).value()["message"] ==
        "NUMBER_VALUE can not be converted to Integer");

  auto q = f.Query(
      "Action=GetMetricStatistics&Namespace=App&MetricName=Hits&Period=60.5"
      "&StartTime=2024-01-01T00%3A00%3A00Z&EndTime=2024-01-01T00%3A10%3A00Z"
      "&Statistics.member.1=Sum");
  CHECK(q.status == 400);
  CHECK(q.body.find("<Code>InvalidParameterValue</Code>") != std::string::npos);
  CHECK(q.body.find("<Message>Value &apos;60.5&apos; for parameter Period is invalid.</Message>") !=
        std::string::npos);

  // A whole number written as a float is that integer in JSON and CBOR.
  stats["Period"] = 60.0;
  CHECK(f.Json("GetMetricStatistics", stats.dump()).status == 200);
  CHECK(f.Cbor("GetMetricStatistics", cw::EncodeCbor(stats)).status == 200);
}
