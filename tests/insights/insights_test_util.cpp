#include "tests/insights/insights_test_util.h"

#include "tests/catch2.h"

namespace cwlogd::insights::testing {

QueryOutcome Run(std::string_view query, const std::vector<Event>& events,
                 const ExecutionLimits& limits) {
  insights::CompileError error;
  auto q = Query::Compile(query, &error);
  INFO("query: " << query << " error: " << error.message << " at " << error.start);
  REQUIRE(q);
  auto exec = q->Start(limits);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string ptr = "p" + std::to_string(i);
    Record r;
    r.timestamp = events[i].timestamp;
    r.ingestion_time = events[i].ingestion_time;
    r.message = events[i].message;
    r.log_stream = events[i].stream;
    r.log = "123456789012:g";
    r.ptr = ptr;
    if (exec->Add(r) != ExecutionState::kRunning) break;
  }
  return exec->Finish();
}

insights::CompileError CompileError(std::string_view query) {
  insights::CompileError error;
  auto q = Query::Compile(query, &error);
  INFO("query: " << query);
  REQUIRE_FALSE(q);
  CHECK_FALSE(error.message.empty());
  CHECK(error.start <= error.end);
  return error;
}

std::string Show(const std::vector<ResultRow>& rows, bool with_ptr) {
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (r > 0) out += "; ";
    bool first = true;
    for (const ResultField& f : rows[r]) {
      if (f.field == "@ptr" && !with_ptr) continue;
      if (!first) out += ' ';
      first = false;
      out += f.field + "=" + f.value;
    }
  }
  return out;
}

std::optional<std::string> Cell(const ResultRow& row, std::string_view field) {
  for (const ResultField& f : row) {
    if (f.field == field) return f.value;
  }
  return std::nullopt;
}

}  // namespace cwlogd::insights::testing
