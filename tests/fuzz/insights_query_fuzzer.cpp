// libFuzzer target for the Logs Insights engine (insights/): the input's first line is the
// query; each further line is one record's message. Any bytes must give a compile error or a
// result, never a crash, and the answers must agree with each other:
// - a rejected query has a message and offsets start <= end <= its length in characters;
// - a compiled query runs over the records within small caps and finishes;
// - pruning never rejects the block of messages when some record passed the filters.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "insights/query.h"

namespace insights = cwlogd::insights;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

std::size_t Chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view text = input.substr(0, newline);
  std::vector<std::string_view> messages;
  if (newline != std::string_view::npos) {
    std::string_view rest = input.substr(newline + 1);
    while (!rest.empty() && messages.size() < 64) {
      const std::size_t end = rest.find('\n');
      messages.push_back(rest.substr(0, end));
      if (end == std::string_view::npos) break;
      rest = rest.substr(end + 1);
    }
  }
  for (std::string_view m : messages) {
    insights::DiscoverFields(m, [](std::string_view name) { Check(!name.empty()); });
  }

  insights::CompileError error;
  auto query = insights::Query::Compile(text, &error);
  if (!query) {
    Check(!error.message.empty());
    Check(error.start <= error.end);
    Check(error.end <= Chars(text));
    return 0;
  }
  insights::ExecutionLimits limits;
  limits.max_rows = 50;
  limits.max_memory_bytes = 1 << 20;
  auto exec = query->Start(limits);
  int64_t ts = 1717236000000;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    insights::Record r;
    r.timestamp = ts + static_cast<int64_t>(i % 7) * 61000;
    r.ingestion_time = r.timestamp + 5;
    r.message = messages[i];
    r.log_stream = "s";
    r.log = "123456789012:g";
    r.ptr = "p";
    if (exec->Add(r) != insights::ExecutionState::kRunning) break;
  }
  (void)exec->PartialRows();
  const insights::Statistics stats = exec->statistics();
  insights::QueryOutcome out = exec->Finish();
  Check(out.rows.size() <= limits.max_rows);
  Check(!out.failed || !out.error.empty());
  if (stats.records_matched > 0) {
    std::string block;
    for (std::string_view m : messages) {
      block.append(m);
      block.push_back('\n');
    }
    Check(query->MayMatchWithin(block));
  }
  return 0;
}
