// Dashboard body validation, the MetricWidget parser and the PNG renderer of
// GetMetricWidgetImage, plus the dashboard and resource operations through Dispatch.
#include <cstring>
#include <string>

#include <cairo.h>

#include "api/cloudwatch/cloudwatch_api.h"
#include "api/cloudwatch/dashboards/dashboard_body.h"
#include "api/cloudwatch/dashboards/metric_widget.h"
#include "api/cloudwatch/dashboards/widget_renderer.h"
#include "tests/catch2.h"

namespace cwdash = cwlogd::api::cloudwatch::dashboards;
using nlohmann::json;

namespace {

constexpr int64_t kWidgetNowMs = 1704067800000;  // 2024-01-01T00:10:00Z

std::vector<cwdash::ValidationMessage> Validate(const json& body) {
  return cwdash::ValidateDashboardBody(body.dump());
}

struct ReadState {
  const std::string* data;
  size_t offset = 0;
};

cairo_status_t ReadPng(void* closure, unsigned char* out, unsigned int length) {
  auto* st = static_cast<ReadState*>(closure);
  if (st->offset + length > st->data->size()) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(out, st->data->data() + st->offset, length);
  st->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

// Pixels of `png` equal to 0xRRGGBB (the renderer draws opaque colours).
size_t CountPixels(const std::string& png, uint32_t rgb, int* width, int* height) {
  ReadState st{&png};
  cairo_surface_t* s = cairo_image_surface_create_from_png_stream(&ReadPng, &st);
  REQUIRE(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
  *width = cairo_image_surface_get_width(s);
  *height = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  size_t n = 0;
  for (int y = 0; y < *height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < *width; ++x) n += (row[x] & 0xffffff) == rgb ? 1 : 0;
  }
  cairo_surface_destroy(s);
  return n;
}

}  // namespace

TEST_CASE("A dashboard body must be a JSON object with a widgets array", "[dashboards]") {
  CHECK(cwdash::ValidateDashboardBody(R"({"widgets":[]})").empty());
  auto not_json = cwdash::ValidateDashboardBody("{not json");
  REQUIRE(not_json.size() == 1);
  CHECK(not_json[0].data_path.empty());
  auto missing = Validate(json::object());
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message == "Should have required property 'widgets'");
  auto wrong = Validate({{"widgets", "x"}});
  REQUIRE(wrong.size() == 1);
  CHECK(wrong[0].data_path == "/widgets");
  CHECK(cwdash::ValidateDashboardBody(std::string(100, '[') + std::string(100, ']')).size() == 1);
}

TEST_CASE("Dashboard widgets are checked member by member with their data paths", "[dashboards]") {
  json body = {
      {"widgets",
       {{{"type", "metric"},
         {"x", 0},
         {"y", 0},
         {"width", 12},
         {"height", 6},
         {"properties", {{"metrics", json::array({json::array({"AWS/EC2", "CPUUtilization"})})}}}},
        {{"type", "text"}, {"x", 30}, {"width", 0}, {"properties", json::object()}},
        {{"type", "graph"}},
        {{"x", 1}}}}};
  auto m = Validate(body);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& v : m) got.emplace_back(v.data_path, v.message);
  std::string listed;
  for (const auto& [path, message] : got) {
    listed += path;
    listed += ": ";
    listed += message;
    listed += '\n';
  }
  INFO(listed);
  CHECK(got == std::vector<std::pair<std::string, std::string>>{
                   {"/widgets/1/x", "Should be <= 23"},
                   {"/widgets/1/width", "Should be >= 1"},
                   {"/widgets/1/properties", "Should have required property 'markdown'"},
                   {"/widgets/2/type", "Should be equal to one of the allowed values"},
                   {"/widgets/3", "Should have required property 'type'"}});
}

TEST_CASE("Dashboard names are alphanumerics, dash and underscore", "[dashboards]") {
  CHECK(cwdash::IsValidDashboardName("My-dash_1"));
  CHECK_FALSE(cwdash::IsValidDashboardName(""));
  CHECK_FALSE(cwdash::IsValidDashboardName("a b"));
  CHECK_FALSE(cwdash::IsValidDashboardName(std::string(256, 'a')));
}

TEST_CASE("ISO 8601 durations and colours of a widget", "[dashboards][widget]") {
  CHECK(cwdash::ParseIsoDuration("-PT3H") == -3 * 3600 * 1000LL);
  CHECK(cwdash::ParseIsoDuration("P1DT30M") == (86400 + 1800) * 1000LL);
  CHECK(cwdash::ParseIsoDuration("-P1W") == -7 * 86400 * 1000LL);
  CHECK_FALSE(cwdash::ParseIsoDuration("PT3D").has_value());
  CHECK_FALSE(cwdash::ParseIsoDuration("-P").has_value());
  CHECK_FALSE(cwdash::ParseIsoDuration("3H").has_value());
  CHECK(cwdash::ParseColor("#ff0000") == 0xff0000u);
  CHECK(cwdash::ParseColor("#0f0") == 0x00ff00u);
  CHECK_FALSE(cwdash::ParseColor("red").has_value());
}

TEST_CASE("The metric widget shorthand resolves '.' repeats and options", "[dashboards][widget]") {
  json w = {{"metrics",
             {{"App", "Latency", "Host", "a", {{"stat", "Maximum"}, {"color", "#ff0000"}}},
              {".", ".", ".", "b", {{"label", "B"}, {"yAxis", "right"}}},
              {".", "Errors"}}},
            {"start", "-PT6H"},
            {"period", 60},
            {"stat", "Sum"},
            {"title", "T"},
            {"width", 300},
            {"height", 200},
            {"annotations", {{"horizontal", {{{"value", 5}, {"label", "limit"}}}}}}};
  auto parsed = cwdash::ParseMetricWidget(w.dump(), kWidgetNowMs);
  REQUIRE(std::holds_alternative<cwdash::MetricWidget>(parsed));
  const auto& mw = std::get<cwdash::MetricWidget>(parsed);
  REQUIRE(mw.metrics.size() == 3);
  CHECK(mw.metrics[0].stat == cwlogd::api::cloudwatch::detail::Statistic::kMaximum);
  CHECK(mw.metrics[0].color == 0xff0000u);
  CHECK(mw.metrics[1].id.dimensions[0].value == "b");
  CHECK(mw.metrics[1].id.metric_namespace == "App");
  CHECK(mw.metrics[1].label == "B");
  CHECK(mw.metrics[1].right_axis);
  CHECK(mw.metrics[2].id.metric_name == "Errors");
  CHECK(mw.metrics[2].id.dimensions.empty());
  CHECK(mw.metrics[2].stat == cwlogd::api::cloudwatch::detail::Statistic::kSum);
  CHECK(mw.start_ms == kWidgetNowMs - 6 * 3600 * 1000LL);
  CHECK(mw.end_ms == kWidgetNowMs);
  CHECK(mw.width == 300);
  REQUIRE(mw.horizontal.size() == 1);
  CHECK(mw.horizontal[0].value == 5);
}

TEST_CASE("A malformed metric widget is InvalidParameterValue", "[dashboards][widget]") {
  for (const char* text :
       {"nope", "[]", R"({"metrics":[[".", "x"]]})", R"({"metrics":[["A","B"]],"width":5000})",
        R"({"metrics":[["A","B","C"]]})", R"({"metrics":[["A","B"]],"start":"yesterday"})",
        R"({"metrics":[["A","B"]],"start":"-PT1H","end":"-PT2H"})",
        R"({"metrics":[["A","B",{"stat":"p99.9x"}]]})"}) {
    auto parsed = cwdash::ParseMetricWidget(text, kWidgetNowMs);
    INFO(text);
    REQUIRE(std::holds_alternative<cwlogd::api::ApiError>(parsed));
    CHECK(std::get<cwlogd::api::ApiError>(parsed).type == "InvalidParameterValueException");
  }
}

TEST_CASE("The widget renders a PNG of its size with the series colour", "[dashboards][widget]") {
  cwdash::MetricWidget w;
  w.width = 320;
  w.height = 200;
  w.title = "Latency";
  w.start_ms = kWidgetNowMs - 3600 * 1000;
  w.end_ms = kWidgetNowMs;
  w.horizontal.push_back({50, "limit", 0x00aa00, false});
  cwdash::Series s;
  s.label = "p";
  s.color = 0xff0000;
  for (int i = 0; i <= 60; i += 5) s.points.emplace_back(w.start_ms + i * 60000LL, i % 20);
  const std::string png = cwdash::RenderWidgetPng(w, {s});
  REQUIRE(png.size() > 8);
  CHECK(png.substr(1, 3) == "PNG");
  int width = 0;
  int height = 0;
  CHECK(CountPixels(png, 0xff0000, &width, &height) > 100);
  CHECK(width == 320);
  CHECK(height == 200);
  CHECK(CountPixels(png, 0x00aa00, &width, &height) > 50);
  SECTION("no data still draws the axes") {
    const std::string empty = cwdash::RenderWidgetPng(w, {});
    CHECK(CountPixels(empty, 0xff0000, &width, &height) == 0);
    CHECK(CountPixels(empty, 0xffffff, &width, &height) > 1000);
  }
}
