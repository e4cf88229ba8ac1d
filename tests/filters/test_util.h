// Helpers the filter-pattern tests share.
#pragma once

#include <string>

#include "filters/filter_pattern.h"
#include "tests/catch2.h"

namespace cwlogd::filters::testing {

// The pattern `text` parses to; fails the test, with AWS's message, when it does not parse.
inline FilterPattern MustParse(const std::string& text) {
  ParseError err;
  auto p = ParseFilterPattern(text, &err);
  INFO("pattern `" << text << "`: " << err.message << " / " << err.detail);
  REQUIRE(p.has_value());
  return *p;
}

}  // namespace cwlogd::filters::testing
