// Catch2 for every test file, whichever major version the machine has: Debian 12 ships Catch2 2
// (one header, catch2/catch.hpp), Debian 13 ships Catch2 3 (a compiled library with one header per
// feature). Tests include this file only, and use ContainsSubstring for string matchers.
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)  // Catch2 3
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
using Catch::Approx;
using Catch::Matchers::ContainsSubstring;
#else  // Catch2 2
#include <catch2/catch.hpp>
inline Catch::Matchers::StdString::ContainsMatcher ContainsSubstring(const std::string& needle) {
  return Catch::Matchers::Contains(needle);
}
#endif
