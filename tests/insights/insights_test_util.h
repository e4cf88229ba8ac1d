// Helpers for the insights tests: run a query over a few in-memory events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "insights/query.h"

namespace cwlogd::insights::testing {

struct Event {
  int64_t timestamp = 0;
  std::string message;
  std::string stream = "s";
  int64_t ingestion_time = 0;
};

// Compiles `query` (failing the test when it does not compile), feeds `events` in order, with
// @ptr "p<index>" and @log "123456789012:g", and returns Finish().
QueryOutcome Run(std::string_view query, const std::vector<Event>& events,
                 const ExecutionLimits& limits = {});
// The compile error of a query that must not compile (fails the test when it compiles).
CompileError CompileError(std::string_view query);
// "a=1 b=x; a=2" : cells "field=value" joined by ' ', rows by "; " (@ptr left out unless
// `with_ptr`).
std::string Show(const std::vector<ResultRow>& rows, bool with_ptr = false);
std::optional<std::string> Cell(const ResultRow& row, std::string_view field);

}  // namespace cwlogd::insights::testing
