// TestMetricFilter through the real dispatch table (api/handlers/test_metric_filter.cpp):
// request validation, the response shape (AWS API reference; docs/filter-patterns.md), and
// AWS's error texts for invalid patterns.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "api/dispatch.h"
#include "api/metric_filter_eval.h"
#include "storage/clock.h"
#include "storage/log_store.h"
#include "tests/catch2.h"

namespace {

using nlohmann::json;
using namespace cwlogd;

class Fixture {
 public:
  Fixture() : clock_(1'700'000'000'000) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cwlogd-tmf-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    storage::StorageOptions options;
    options.path = dir_;
    options.block_cache_bytes = 1 << 20;
    auto store = storage::OpenRocksLogStore(options);
    REQUIRE(store.ok());
    store_ = std::move(store).value();
  }
  ~Fixture() {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  api::ApiResult Call(const json& body) { return CallRaw(body.dump()); }
  api::ApiResult CallRaw(const std::string& body) {
    api::Context ctx{
        *store_, clock_, options_, metric_filter_cache_, {"000000000000", "us-east-1"}};
    return api::Dispatch("Logs_20140328.TestMetricFilter", body, ctx);
  }
  json Ok(const json& body) {
    auto r = Call(body);
    if (auto* e = std::get_if<api::ApiError>(&r)) FAIL(e->type << ": " << e->message);
    return std::get<json>(r);
  }
  api::ApiError Err(const json& body) {
    auto r = Call(body);
    if (auto* j = std::get_if<json>(&r)) FAIL("unexpected success: " << j->dump());
    return std::get<api::ApiError>(r);
  }

 private:
  std::string dir_;
  storage::FakeClock clock_;
  api::ApiOptions options_;
  api::MetricFilterCache metric_filter_cache_;
  std::unique_ptr<storage::LogStore> store_;
};

}  // namespace

TEST_CASE("TestMetricFilter returns the API reference example", "[filters][api]") {
  Fixture f;
  const json got = f.Ok(
      {{"filterPattern", "[ip, identity, user_id, timestamp, request, status_code, size]"},
       {"logEventMessages",
        {"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 1534",
         "127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] \"GET /apache_pb.gif HTTP/1.0\" 500 5324",
         "127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 "
         "4355"}}});
  REQUIRE(got["matches"].size() == 3);
  CHECK(got["matches"][1] == json{{"eventNumber", 1},
                                  {"eventMessage",
                                   "127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] \"GET "
                                   "/apache_pb.gif HTTP/1.0\" 500 5324"},
                                  {"extractedValues",
                                   {{"$ip", "127.0.0.1"},
                                    {"$identity", "-"},
                                    {"$user_id", "frank"},
                                    {"$timestamp", "10/Oct/2000:13:35:22 -0700"},
                                    {"$request", "GET /apache_pb.gif HTTP/1.0"},
                                    {"$status_code", "500"},
                                    {"$size", "5324"}}}});
  CHECK(got.size() == 1);
}

TEST_CASE("TestMetricFilter lists only matches, by index, with empty extractedValues for terms",
          "[filters][api]") {
  Fixture f;
  const json got = f.Ok({{"filterPattern", "ERROR -DEBUG"},
                         {"logEventMessages", {"INFO a", "ERROR b", "ERROR DEBUG", "x ERROR"}}});
  CHECK(
      got ==
      json{{"matches",
            {{{"eventNumber", 1}, {"eventMessage", "ERROR b"}, {"extractedValues", json::object()}},
             {{"eventNumber", 3},
              {"eventMessage", "x ERROR"},
              {"extractedValues", json::object()}}}}});
  CHECK(f.Ok({{"filterPattern", "NOPE"}, {"logEventMessages", {"a"}}}) ==
        json{{"matches", json::array()}});
  CHECK(f.Ok({{"filterPattern", ""}, {"logEventMessages", {"a"}}})["matches"].size() == 1);
  CHECK(f.Ok({{"filterPattern", "{ $.latency > 10 }"},
              {"logEventMessages", {R"({"latency": 50})", R"({"latency": 5})", "not json"}}}) ==
        json{{"matches",
              {{{"eventNumber", 0},
                {"eventMessage", R"({"latency": 50})"},
                {"extractedValues", json::object()}}}}});
}

TEST_CASE("TestMetricFilter rejects invalid patterns with AWS's message", "[filters][api]") {
  Fixture f;
  auto e = f.Err({{"filterPattern", "/api"}, {"logEventMessages", {"a"}}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message == "Invalid character(s) in term '/api'");
  e = f.Err({{"filterPattern", "{ $.a = 1"}, {"logEventMessages", {"a"}}});
  CHECK(e.message == "If a filter pattern starts with '{' it must end with '}'");
  e = f.Err({{"filterPattern", "{ $.x IS NOT NULL }"}, {"logEventMessages", {"a"}}});
  CHECK(e.type == "InvalidParameterException");
  CHECK(e.message == "Invalid filter pattern");
}

TEST_CASE("TestMetricFilter validates its request like the model", "[filters][api]") {
  Fixture f;
  CHECK(f.Err({{"logEventMessages", {"a"}}}).type == "InvalidParameterException");
  CHECK(f.Err({{"filterPattern", "x"}}).type == "InvalidParameterException");
  CHECK(f.Err({{"filterPattern", "x"}, {"logEventMessages", json::array()}}).type ==
        "InvalidParameterException");
  CHECK(f.Err({{"filterPattern", "x"}, {"logEventMessages", {""}}}).type ==
        "InvalidParameterException");
  json fifty_one = json::array();
  for (int i = 0; i < 51; ++i) fifty_one.push_back("m");
  auto e = f.Err({{"filterPattern", "x"}, {"logEventMessages", fifty_one}});
  CHECK(e.message.find("length less than or equal to 50") != std::string::npos);
  e = f.Err({{"filterPattern", std::string(1025, 'a')}, {"logEventMessages", {"a"}}});
  CHECK(e.message.find("length less than or equal to 1024") != std::string::npos);
  json fifty = json::array();
  for (int i = 0; i < 50; ++i) fifty.push_back("m" + std::to_string(i));
  CHECK(f.Ok({{"filterPattern", "m"}, {"logEventMessages", fifty}})["matches"].size() == 50);
  CHECK(f.Err({{"filterPattern", 5}, {"logEventMessages", {"a"}}}).type ==
        "SerializationException");
}
