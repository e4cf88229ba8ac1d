#include "insights/format.h"

#include "tests/catch2.h"

namespace cwlogd::insights {

TEST_CASE("FormatTimestamp prints UTC with milliseconds", "[insights][format]") {
  CHECK(FormatTimestamp(0) == "1970-01-01 00:00:00.000");
  CHECK(FormatTimestamp(1717236000000) == "2024-06-01 10:00:00.000");
  CHECK(FormatTimestamp(1717236065123) == "2024-06-01 10:01:05.123");
  CHECK(FormatTimestamp(951782400000) == "2000-02-29 00:00:00.000");
  CHECK(FormatTimestamp(-1) == "1969-12-31 23:59:59.999");
  CHECK(FormatTimestamp(253402300799999) == "9999-12-31 23:59:59.999");
}

TEST_CASE("FormatNumber prints integers plainly and others shortest, without exponent",
          "[insights][format]") {
  CHECK(FormatNumber(5) == "5");
  CHECK(FormatNumber(-3) == "-3");
  CHECK(FormatNumber(0) == "0");
  CHECK(FormatNumber(-0.0) == "0");
  CHECK(FormatNumber(175) == "175");
  CHECK(FormatNumber(0.1) == "0.1");
  CHECK(FormatNumber(175.5) == "175.5");
  CHECK(FormatNumber(1.0 / 3) == "0.3333333333333333");
  CHECK(FormatNumber(1e21) == "1000000000000000000000");
  CHECK(FormatNumber(1.5e-7) == "0.00000015");
  CHECK(FormatNumber(123456789012) == "123456789012");
}

TEST_CASE("FormatValue formats timestamps as dates", "[insights][format]") {
  CHECK(FormatValue(Value::Timestamp(60000)) == "1970-01-01 00:01:00.000");
  CHECK(FormatValue(Value::View("x")) == "x");
  CHECK(FormatValue(Value()).empty());
}

}  // namespace cwlogd::insights
