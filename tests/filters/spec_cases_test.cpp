// Runs every case of tests/filters/cases/filter-pattern-cases.jsonl (the project's own record of
// CloudWatch's filter-pattern behaviour, read at test time) through ParseFilterPattern + Match.
// Cases without `unsure` must pass. `unsure` cases are reported one by one, and must follow the
// decisions written in docs/filter-patterns.md
// (kDecisionsDifferingFromSpec lists where our decision differs from the file).
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "filters/filter_pattern.h"
#include "tests/catch2.h"

namespace {

using cwlogd::filters::ExtractedValues;
using cwlogd::filters::ParseError;
using cwlogd::filters::ParseFilterPattern;

struct SpecCase {
  int line = 0;
  std::string pattern;
  std::string message;
  bool matches = false;
  bool invalid = false;
  bool unsure = false;
  bool has_extracted = false;
  ExtractedValues extracted;  // in the file's order
  std::string note;
};

// Unsure cases (by line number) where cwlogd deliberately answers differently from the file.
// Empty: every unsure expectation of the file is also our decision.
const std::set<int> kDecisionsDifferingFromSpec = {};

std::vector<SpecCase> LoadCases() {
  const std::string path = CWLOGD_FILTER_CASES_FILE;
  std::ifstream in(path);
  INFO("cases file: " << path);
  REQUIRE(in.good());  // a missing file must fail the suite, never pass it silently
  std::vector<SpecCase> cases;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = nlohmann::ordered_json::parse(line, nullptr, false);
    INFO("line " << n << ": " << line);
    REQUIRE_FALSE(j.is_discarded());
    SpecCase c;
    c.line = n;
    c.pattern = j.at("pattern").get<std::string>();
    c.message = j.at("message").get<std::string>();
    c.matches = j.at("matches").get<bool>();
    c.invalid = j.value("invalid", false);
    c.unsure = j.value("unsure", false);
    c.note = j.value("note", "");
    if (j.contains("extracted")) {
      c.has_extracted = true;
      for (auto& [k, v] : j["extracted"].items()) c.extracted.emplace_back(k, v.get<std::string>());
    }
    cases.push_back(std::move(c));
  }
  REQUIRE(cases.size() >= 100);  // the file has ~214 cases; far fewer means it was damaged
  return cases;
}

std::string Show(const ExtractedValues& v) {
  std::string s = "{";
  for (const auto& [k, val] : v) {
    s += k;
    s += '=';
    s += val;
    s += "; ";
  }
  s += '}';
  return s;
}

// Returns an empty string when the case passes, else what went wrong.
std::string RunCase(const SpecCase& c) {
  ParseError err;
  auto p = ParseFilterPattern(c.pattern, &err);
  if (c.invalid) {
    if (p) return "pattern was accepted, expected InvalidParameterException";
    if (err.message.empty()) return "rejected without a message";
    return "";
  }
  if (!p) return "pattern rejected: " + err.message + " (" + err.detail + ")";
  ExtractedValues values;
  const bool got = p->Match(c.message, &values);
  if (got != c.matches) return std::string("match = ") + (got ? "true" : "false");
  if (got != p->Matches(c.message)) return "Matches() disagrees with Match()";
  if (c.has_extracted && values != c.extracted) {
    return "extracted " + Show(values) + ", expected " + Show(c.extracted);
  }
  return "";
}

}  // namespace

TEST_CASE("Every sure case of filter-pattern-cases.jsonl passes", "[filters][spec]") {
  const auto cases = LoadCases();
  int sure = 0;
  for (const SpecCase& c : cases) {
    if (c.unsure) continue;
    ++sure;
    INFO("line " << c.line << " pattern `" << c.pattern << "` message `" << c.message << "` ("
                 << c.note << ")");
    // Compared with "" rather than .empty() so a failure prints what RunCase found.
    CHECK(RunCase(c) == "");  // NOLINT(readability-container-size-empty)
  }
  std::cout << "filter-pattern-cases.jsonl: " << sure << " sure cases checked\n";
  CHECK(sure > 0);
}

TEST_CASE("Unsure cases of filter-pattern-cases.jsonl follow our documented decisions",
          "[filters][spec]") {
  const auto cases = LoadCases();
  int total = 0;
  int agree = 0;
  for (const SpecCase& c : cases) {
    if (!c.unsure) continue;
    ++total;
    const std::string problem = RunCase(c);
    const bool agrees_with_file = problem.empty();
    if (agrees_with_file) ++agree;
    std::cout << "unsure line " << c.line << " `" << c.pattern << "` / `" << c.message
              << "`: " << (agrees_with_file ? "PASS (as the file expects)" : "DIFFERS: " + problem)
              << "\n";
    INFO("line " << c.line << " pattern `" << c.pattern << "`: " << problem);
    CHECK(agrees_with_file != (kDecisionsDifferingFromSpec.count(c.line) == 1));
  }
  std::cout << "unsure cases: " << agree << "/" << total << " as the file expects\n";
  CHECK(total > 0);
}
