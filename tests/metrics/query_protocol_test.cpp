#include <cmath>

#include "server/cloudwatch/errors.h"
#include "server/cloudwatch/query_form.h"
#include "server/cloudwatch/shapes.h"
#include "server/cloudwatch/timestamp.h"
#include "server/cloudwatch/xml_writer.h"
#include "tests/catch2.h"

namespace cw = cwlogd::server::cloudwatch;
using nlohmann::json;

namespace {

std::variant<json, cwlogd::api::ApiError> Decode(std::string_view op, std::string_view body) {
  auto params = cw::ParseForm(body);
  REQUIRE(params.has_value());
  const cw::OperationModel* model = cw::FindOperationModel(op);
  REQUIRE(model != nullptr);
  return cw::DecodeQueryInput(*params, *model->input);
}

}  // namespace

TEST_CASE("ParseForm percent-decodes names and values", "[metrics][query]") {
  auto p = cw::ParseForm("Action=ListMetrics&Namespace=My%2FApp+x&Empty=&Flag");
  REQUIRE(p);
  REQUIRE(p->size() == 4);
  CHECK((*p)[1] == std::pair<std::string, std::string>("Namespace", "My/App x"));
  CHECK((*p)[2].second.empty());
  CHECK((*p)[3].first == "Flag");
  CHECK(cw::FindParam(*p, "Action") == "ListMetrics");
  CHECK_FALSE(cw::ParseForm("a=%zz").has_value());
  CHECK_FALSE(cw::ParseForm("a=%4").has_value());
}

TEST_CASE("Query form decodes PutMetricData lists, structures and numbers", "[metrics][query]") {
  // As botocore's QuerySerializer writes it (members in any order).
  auto r = Decode("PutMetricData",
                  "Action=PutMetricData&Version=2010-08-01&Namespace=App"
                  "&MetricData.member.2.MetricName=Second&MetricData.member.2.Value=2"
                  "&MetricData.member.1.MetricName=Latency"
                  "&MetricData.member.1.Dimensions.member.1.Name=Host"
                  "&MetricData.member.1.Dimensions.member.1.Value=a"
                  "&MetricData.member.1.Timestamp=2024-01-01T00%3A01%3A30.250Z"
                  "&MetricData.member.1.Values.member.1=1.5&MetricData.member.1.Values.member.2=3"
                  "&MetricData.member.1.Counts.member.1=2&MetricData.member.1.Counts.member.2=1"
                  "&MetricData.member.1.Unit=Milliseconds"
                  "&MetricData.member.1.StorageResolution=60"
                  "&MetricData.member.1.StatisticValues.Sum=4.5"
                  "&Unknown.Param=1");
  REQUIRE(std::holds_alternative<json>(r));
  const json& j = std::get<json>(r);
  CHECK(j["Namespace"] == "App");
  REQUIRE(j["MetricData"].size() == 2);
  const json& d = j["MetricData"][0];
  CHECK(d["MetricName"] == "Latency");
  CHECK(d["Dimensions"] == json::parse(R"([{"Name":"Host","Value":"a"}])"));
  CHECK(d["Timestamp"].get<double>() == Approx(1704067290.25));
  CHECK(d["Values"] == json::parse("[1.5,3.0]"));
  CHECK(d["Counts"] == json::parse("[2.0,1.0]"));
  CHECK(d["StorageResolution"] == 60);
  CHECK(d["StatisticValues"]["Sum"] == 4.5);
  CHECK(j["MetricData"][1]["Value"] == 2.0);
  CHECK_FALSE(j.contains("Unknown"));
  CHECK_FALSE(j.contains("Action"));
}

TEST_CASE("Query form decodes an empty list, booleans and maps", "[metrics][query]") {
  auto r = Decode("GetMetricStatistics",
                  "Action=GetMetricStatistics&Namespace=N&MetricName=M&Dimensions="
                  "&Statistics.member.1=Sum&Statistics.member.2=Maximum&Period=60"
                  "&StartTime=2024-01-01T00%3A00%3A00Z&EndTime=2024-01-01T01%3A00%3A00Z");
  REQUIRE(std::holds_alternative<json>(r));
  const json& j = std::get<json>(r);
  CHECK(j["Dimensions"] == json::array());
  CHECK(j["Statistics"] == json::parse(R"(["Sum","Maximum"])"));
  CHECK(j["Period"] == 60);
  CHECK(j["StartTime"].get<double>() == 1704067200.0);
  CHECK(j["EndTime"].get<double>() == 1704070800.0);

  auto l = Decode("ListMetrics", "Action=ListMetrics&IncludeLinkedAccounts=true");
  REQUIRE(std::holds_alternative<json>(l));
  CHECK(std::get<json>(l)["IncludeLinkedAccounts"] == true);

  auto e = Decode("PutMetricData",
                  "Namespace=N&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.key=Type"
                  "&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.value=Service"
                  "&EntityMetricData.member.1.MetricData.member.1.MetricName=m"
                  "&EntityMetricData.member.1.MetricData.member.1.Value=1");
  REQUIRE(std::holds_alternative<json>(e));
  const json& em = std::get<json>(e)["EntityMetricData"][0];
  CHECK(em["Entity"]["KeyAttributes"] == json::parse(R"({"Type":"Service"})"));
  CHECK(em["MetricData"][0]["Value"] == 1.0);
}

TEST_CASE("Query form refuses values of the wrong type with InvalidParameterValue",
          "[metrics][query]") {
  auto r = Decode("GetMetricStatistics", "Period=abc");
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(r));
  CHECK(std::get<cwlogd::api::ApiError>(r).type == "InvalidParameterValueException");
  CHECK(std::get<cwlogd::api::ApiError>(r).message.find("Period") != std::string::npos);
  auto t = Decode("GetMetricStatistics", "StartTime=yesterday");
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(t));
  auto b = Decode("ListMetrics", "IncludeLinkedAccounts=maybe");
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(b));
  auto d = Decode("PutMetricData", "MetricData.member.1.Value=1.5.5");
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(d));
  CHECK(std::get<cwlogd::api::ApiError>(d).message.find("MetricData.member.1.Value") !=
        std::string::npos);
  // botocore writes str(float('nan')); it reaches the handler as NaN, which refuses it.
  auto n = Decode("PutMetricData", "MetricData.member.1.Value=nan");
  REQUIRE(std::holds_alternative<json>(n));
  CHECK(std::isnan(std::get<json>(n)["MetricData"][0]["Value"].get<double>()));
  // Indexes must be positive integers; such parameters are ignored.
  auto i = Decode("PutMetricData", "MetricData.member.0.Value=1&MetricData.member.x.Value=1");
  REQUIRE(std::holds_alternative<json>(i));
  CHECK(std::get<json>(i)["MetricData"] == json::array());
}

TEST_CASE("Timestamps parse ISO 8601 forms and epoch seconds, and format back",
          "[metrics][query]") {
  CHECK(cw::ParseTimestamp("1970-01-01T00:00:00Z") == 0.0);
  CHECK(cw::ParseTimestamp("2024-01-01T00:00:00Z") == 1704067200.0);
  CHECK(cw::ParseTimestamp("2024-01-01T00:00:00") == 1704067200.0);
  CHECK(cw::ParseTimestamp("2024-01-01T01:00:00+01:00") == 1704067200.0);
  CHECK(cw::ParseTimestamp("2024-02-29T12:00:00.5Z") == 1709208000.5);
  CHECK(cw::ParseTimestamp("1700000000") == 1700000000.0);
  CHECK(cw::ParseTimestamp("1700000000.25") == 1700000000.25);
  CHECK_FALSE(cw::ParseTimestamp("2024-13-01T00:00:00Z"));
  CHECK_FALSE(cw::ParseTimestamp("2024-01-01T00:00:00Q"));
  CHECK_FALSE(cw::ParseTimestamp(""));
  CHECK_FALSE(cw::ParseTimestamp("soon"));
  CHECK(cw::FormatIso8601(1704067200.0) == "2024-01-01T00:00:00Z");
  CHECK(cw::FormatIso8601(1709208000.5) == "2024-02-29T12:00:00.500Z");
  CHECK(cw::FormatIso8601(-1.0) == "1969-12-31T23:59:59Z");
}

TEST_CASE("Query responses are XML with Result wrapper, member lists and ISO timestamps",
          "[metrics][query]") {
  json result = {{"Label", "Latency"},
                 {"Datapoints", {{{"Timestamp", 1704067200.0}, {"Sum", 3.0}, {"Unit", "Count"}}}}};
  std::string xml = cw::QueryResponseXml("GetMetricStatistics", result, true, "rid-1");
  CHECK(xml.find("<GetMetricStatisticsResponse xmlns=\"http://monitoring.amazonaws.com/doc/"
                 "2010-08-01/\">") == 0);
  CHECK(xml.find("<GetMetricStatisticsResult><Datapoints><member><Sum>3.0</Sum>"
                 "<Timestamp>2024-01-01T00:00:00Z</Timestamp><Unit>Count</Unit></member>"
                 "</Datapoints><Label>Latency</Label></GetMetricStatisticsResult>") !=
        std::string::npos);
  CHECK(xml.find("<RequestId>rid-1</RequestId>") != std::string::npos);

  json gmd = {{"MetricDataResults",
               {{{"Id", "a&b"}, {"Timestamps", {60.0, 120.0}}, {"Values", {1.0, 2.5}}}}}};
  xml = cw::QueryResponseXml("GetMetricData", gmd, true, "r");
  CHECK(xml.find("<Id>a&amp;b</Id>") != std::string::npos);
  CHECK(xml.find("<Timestamps><member>1970-01-01T00:01:00Z</member><member>1970-01-01T00:02:00Z"
                 "</member></Timestamps>") != std::string::npos);
  CHECK(xml.find("<Values><member>1.0</member><member>2.5</member></Values>") != std::string::npos);

  xml = cw::QueryResponseXml("PutMetricData", json::object(), false, "r");
  CHECK(xml.find("PutMetricDataResult") == std::string::npos);
  CHECK(xml.find("<PutMetricDataResponse") == 0);
}

TEST_CASE("Errors map to query codes, fault sides and statuses", "[metrics][query]") {
  auto w = cw::MapError({"InvalidParameterValueException", "bad <x>", 400});
  CHECK(w.query_code == "InvalidParameterValue");
  CHECK(cw::QueryErrorHeader(w) == "InvalidParameterValue;Sender");
  CHECK(cw::MapError({"MissingRequiredParameterException", "", 400}).query_code ==
        "MissingParameter");
  CHECK(cw::MapError({"InvalidParameterCombinationException", "", 400}).query_code ==
        "InvalidParameterCombination");
  auto fault = cw::MapError({"InternalServiceFault", "", 500});
  CHECK(fault.http_status == 500);
  CHECK(cw::QueryErrorHeader(fault) == "InternalServiceError;Receiver");
  CHECK(cw::MapError({"ResourceNotFound", "", 400}).http_status == 404);
  std::string xml = cw::QueryErrorXml("Sender", "InvalidParameterValue", "bad <x>", "rid");
  CHECK(xml.find("<Error>\n    <Type>Sender</Type>\n    <Code>InvalidParameterValue</Code>\n"
                 "    <Message>bad &lt;x&gt;</Message>") != std::string::npos);
}

TEST_CASE("Query form refuses a parameter given twice with InvalidQueryParameter",
          "[metrics][query]") {
  auto error = [](std::string_view op, std::string_view body) {
    auto r = Decode(op, body);
    REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(r));
    return std::get<cwlogd::api::ApiError>(r);
  };
  cwlogd::api::ApiError ns = error("ListMetrics", "Namespace=a&MetricName=m&Namespace=b");
  CHECK(ns.type == "InvalidQueryParameter");
  CHECK(ns.message == "The parameter Namespace is given more than once.");
  CHECK(ns.http_status == 400);
  // Even with equal values, and for names decoded alike, Action, Version and unknown names.
  CHECK(error("ListMetrics", "Namespace=a&Namespace=a").type == "InvalidQueryParameter");
  CHECK(error("ListMetrics", "Namespace=a&Name%73pace=b").message ==
        "The parameter Namespace is given more than once.");
  CHECK(error("ListMetrics", "Action=ListMetrics&Action=PutMetricData").message ==
        "The parameter Action is given more than once.");
  CHECK(error("ListMetrics", "Version=2010-08-01&Version=2010-08-01").type ==
        "InvalidQueryParameter");
  CHECK(error("ListMetrics", "Unknown=1&Unknown=2").type == "InvalidQueryParameter");
  // Nested members, and an index spelt two ways that names the same member.
  CHECK(error("PutMetricData", "MetricData.member.1.Value=1&MetricData.member.1.Value=2").message ==
        "The parameter MetricData.member.1.Value is given more than once.");
  CHECK(
      error("PutMetricData", "MetricData.member.1.Value=1&MetricData.member.01.Value=2").message ==
      "The parameter MetricData.member.01.Value is given more than once.");
  // A map giving one key in two entries, as a JSON map naming a key twice.
  cwlogd::api::ApiError map =
      error("PutMetricData",
            "EntityMetricData.member.1.Entity.KeyAttributes.entry.1.key=Type"
            "&EntityMetricData.member.1.Entity.KeyAttributes.entry.1.value=Service"
            "&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.key=Type"
            "&EntityMetricData.member.1.Entity.KeyAttributes.entry.2.value=Resource");
  CHECK(map.type == "InvalidQueryParameter");
  CHECK(map.message ==
        "The map EntityMetricData.member.1.Entity.KeyAttributes gives the key 'Type' more than "
        "once.");
  CHECK(error("PutMetricData",
              "EntityMetricData.member.1.Entity.Attributes.entry.1.key=a"
              "&EntityMetricData.member.1.Entity.Attributes.entry.01.key=b")
            .type == "InvalidQueryParameter");

  // Lists repeat member names under different indexes; that is no repetition.
  auto ok = Decode("PutMetricData",
                   "MetricData.member.1.MetricName=m&MetricData.member.2.MetricName=m"
                   "&MetricData.member.1.Dimensions.member.1.Name=d"
                   "&MetricData.member.2.Dimensions.member.1.Name=d");
  REQUIRE(std::holds_alternative<json>(ok));
  CHECK(std::get<json>(ok)["MetricData"].size() == 2);

  auto params = cw::ParseForm("A=1&B=2&A=3");
  REQUIRE(params);
  REQUIRE(cw::CheckRepeatedParams(*params).has_value());
  CHECK(cw::CheckRepeatedParams(*params)->message == "The parameter A is given more than once.");
  CHECK_FALSE(
      cw::CheckRepeatedParams({{"A", "1"}, {"a", "1"}}).has_value());  // names are case-sensitive
}

TEST_CASE("Query form refuses a fraction in an Integer member with InvalidParameterValue",
          "[metrics][query]") {
  for (std::string_view value : {"60.5", "60.0", "6e1", "60,5", " 60", "0x3c", ""}) {
    const std::string body = "Period=" + std::string(value);
    auto r = Decode("GetMetricStatistics", body);
    INFO(body);
    REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(r));
    CHECK(std::get<cwlogd::api::ApiError>(r).type == "InvalidParameterValueException");
    CHECK(std::get<cwlogd::api::ApiError>(r).message ==
          "Value '" + std::string(value) + "' for parameter Period is invalid.");
  }
  auto nested = Decode("GetMetricData", "MetricDataQueries.member.1.MetricStat.Period=60.5");
  REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(nested));
  CHECK(std::get<cwlogd::api::ApiError>(nested).message ==
        "Value '60.5' for parameter MetricDataQueries.member.1.MetricStat.Period is invalid.");
  // A double member takes a fraction, of course.
  auto count = Decode("PutMetricData",
                      "MetricData.member.1.StatisticValues.SampleCount=2.5"
                      "&MetricData.member.1.StorageResolution=60");
  REQUIRE(std::holds_alternative<json>(count));
  CHECK(std::get<json>(count)["MetricData"][0]["StatisticValues"]["SampleCount"] == 2.5);
  CHECK(std::get<json>(count)["MetricData"][0]["StorageResolution"] == 60);
}
