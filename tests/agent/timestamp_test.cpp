#include "agent/timestamp.h"

#include "tests/catch2.h"

using cwlogd::agent::TimestampFormat;

namespace {

TimestampFormat Compile(const char* format) {
  std::string error;
  auto f = TimestampFormat::Compile(format, &error);
  REQUIRE(f.has_value());
  return *f;
}

constexpr int64_t kNow = 1796659670000;  // 2026-12-07T16:07:50Z

}  // namespace

TEST_CASE("An httpd access_log line's stamp is found inside the line", "[agent][timestamp]") {
  const auto f = Compile("%d/%b/%Y:%H:%M:%S");
  const std::string line =
      R"(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)";
  REQUIRE(f.Find(line, true, kNow) == 971186136000);
  REQUIRE(f.Matches(line));
  REQUIRE_FALSE(f.Matches("no stamp here 10/Oct/20"));
}

TEST_CASE("A /var/log/messages stamp takes the current year, or last year after New Year",
          "[agent][timestamp]") {
  const auto f = Compile("%b %d %H:%M:%S");
  REQUIRE(f.Find("Dec  7 16:07:50 host sshd[42]: Accepted", true, kNow) == kNow);
  constexpr int64_t kNewYear = 1798761610000;  // 2027-01-01T00:00:10Z
  REQUIRE(f.Find("Dec 31 23:59:59 host kernel: x", true, kNewYear) == 1798761599000);
}

TEST_CASE("Directives: %y %m %j %f %p %I %z %A %B", "[agent][timestamp]") {
  SECTION("ISO-8601 with fraction and offset") {
    const auto f = Compile("%Y-%m-%dT%H:%M:%S.%f%z");
    REQUIRE(f.Find("at 2000-10-10T15:55:36.250+02:00 x", true, kNow) == 971186136250);
  }
  SECTION("12-hour clock") {
    const auto f = Compile("%m/%d/%y %I:%M:%S %p");
    REQUIRE(f.Find("10/10/00 01:55:36 PM", true, kNow) == 971186136000);
    REQUIRE(f.Find("10/10/00 12:00:00 AM", true, kNow) == 971136000000);
  }
  SECTION("day of year") {
    const auto f = Compile("%Y %j %H:%M:%S");
    REQUIRE(f.Find("2000 284 13:55:36", true, kNow) == 971186136000);
  }
  SECTION("names, full and abbreviated") {
    const auto f = Compile("%A, %B %d %Y %H:%M:%S %Z");
    REQUIRE(f.Find("Tuesday, October 10 2000 13:55:36 UTC", false, kNow) == 971186136000);
  }
  SECTION("the CloudWatch agent's unpadded forms") {
    const auto f = Compile("%Y-%-m-%-d %-H:%M:%S");
    REQUIRE(f.Find("2000-10-10 13:55:36", true, kNow) == 971186136000);
  }
}

TEST_CASE("A line without a stamp in the format gives nothing", "[agent][timestamp]") {
  const auto f = Compile("%Y-%m-%d %H:%M:%S");
  REQUIRE_FALSE(f.Find("2000-13-10 13:55:36", true, kNow).has_value());
  REQUIRE_FALSE(f.Find("", true, kNow).has_value());
  REQUIRE_FALSE(f.Find("2000-10-10 13:55", true, kNow).has_value());
}

TEST_CASE("Unknown directives are refused when compiling", "[agent][timestamp]") {
  std::string error;
  REQUIRE_FALSE(TimestampFormat::Compile("%Q", &error).has_value());
  REQUIRE_THAT(error, ContainsSubstring("%Q"));
  REQUIRE_FALSE(TimestampFormat::Compile("%Y %", &error).has_value());
  REQUIRE_FALSE(TimestampFormat::Compile("", &error).has_value());
}
