// libFuzzer target for scheduled queries' schedule expressions (api/schedule_expression.h): any
// bytes must parse or be refused with a reason, never crash; a schedule that parses must give
// fire times that agree with each other:
// - the next fire time is strictly after the time asked about;
// - a cron fire time is a whole minute of its local time;
// - asking just before a fire time gives that fire time (no earlier one was skipped).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/schedule_expression.h"

namespace api = cwlogd::api;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 512) return 0;  // the model caps the expression at 256 characters
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto schedule = api::ParseScheduleExpression(text, &error);
  if (!schedule) {
    Check(!error.empty());
    return 0;
  }
  // 2026-12-07T12:34:56.789Z, and an offset within +-14 h chosen by the input.
  const int64_t after = 1796646896789;
  const int offset = static_cast<int>(size % 57) * 30 - 840;
  const int64_t anchor = after - 12345;
  auto next = api::NextFireTime(*schedule, after, anchor, offset);
  if (!next) return 0;
  Check(*next > after);
  if (schedule->rate_minutes == 0) Check((*next + int64_t{offset} * 60'000) % 60'000 == 0);
  Check(api::NextFireTime(*schedule, *next - 1, anchor, offset) == next);
  auto later = api::NextFireTime(*schedule, *next, anchor, offset);
  if (later) Check(*later > *next);
  return 0;
}
