// Formatting of result values as CloudWatch Logs Insights shows them. Thread-safe (pure).
#pragma once

#include <cstdint>
#include <string>

#include "insights/query.h"
#include "insights/value.h"

namespace cwlogd::insights {

// FormatTimestamp (ms -> "YYYY-MM-DD HH:MM:SS.mmm" UTC) is declared in query.h.
// Integers plainly ("5", "-3"); others in the shortest decimal form that reads back as the same
// double, never with an exponent ("0.1", "175.5").
std::string FormatNumber(double x);
void AppendNumber(double x, std::string* out);
// A value as a result cell ("" for null; callers leave null cells out).
std::string FormatValue(const Value& v);

}  // namespace cwlogd::insights
