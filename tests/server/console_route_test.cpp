#include "server/console_route.h"

#include <optional>
#include <string>
#include <string_view>

#include <zlib.h>

#include "tests/catch2.h"

using cwlogd::server::CloudWatchHttpResponse;
using cwlogd::server::HandleConsoleRequest;

namespace {

std::string HeaderOf(const CloudWatchHttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string Inflate(const std::string& gz) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

}  // namespace

TEST_CASE("The console route redirects / and serves index.html with its validators",
          "[server][console]") {
  std::optional<CloudWatchHttpResponse> root = HandleConsoleRequest("/?x=1", "", "");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(HeaderOf(*root, "Location") == "/console/");

  std::optional<CloudWatchHttpResponse> plain = HandleConsoleRequest("/console/", "", "");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(HeaderOf(*plain, "Content-Type") == "text/html; charset=utf-8");
  CHECK(HeaderOf(*plain, "Content-Encoding").empty());
  CHECK(plain->body.find("<!doctype html>") == 0);
  const std::string etag = HeaderOf(*plain, "ETag");
  CHECK(etag.size() == 18);

  auto gz = HandleConsoleRequest("/console/index.html", "deflate, gzip;q=0.5", "");
  REQUIRE(gz);
  CHECK(HeaderOf(*gz, "Content-Encoding") == "gzip");
  CHECK(Inflate(gz->body) == plain->body);
  CHECK(HeaderOf(*gz, "ETag") == etag);

  auto refused = HandleConsoleRequest("/console/", "gzip;q=0, br", "");
  REQUIRE(refused);
  CHECK(HeaderOf(*refused, "Content-Encoding").empty());

  auto cached = HandleConsoleRequest("/console/", "gzip", etag);
  REQUIRE(cached);
  CHECK(cached->status == 304);
  CHECK(cached->body.empty());
}

TEST_CASE("The console route types its files and leaves other paths alone", "[server][console]") {
  auto js = HandleConsoleRequest("/console/js/app.js", "", "");
  REQUIRE(js);
  CHECK(HeaderOf(*js, "Content-Type") == "text/javascript; charset=utf-8");
  auto css = HandleConsoleRequest("/console/app.css", "", "");
  REQUIRE(css);
  CHECK(HeaderOf(*css, "Content-Type") == "text/css; charset=utf-8");
  CHECK_FALSE(HandleConsoleRequest("/console/missing.js", "", ""));
  CHECK_FALSE(HandleConsoleRequest("/console/../CMakeLists.txt", "", ""));
  CHECK_FALSE(HandleConsoleRequest("/_cwlogd/health", "", ""));
  CHECK_FALSE(HandleConsoleRequest("/consoleX", "", ""));
}
