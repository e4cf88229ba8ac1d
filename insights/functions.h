// The functions of the query language (docs/insights.md, "Functions"): their names, arities and
// scalar implementations; aggregates are computed by aggregation.cpp. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "insights/lexer.h"
#include "insights/value.h"

namespace cwlogd::insights {

// Longest text a function may compute (concat, replace); longer results are null, so nested
// calls cannot grow a value without bound.
inline constexpr std::size_t kMaxComputedString = 1 << 20;

// Most arguments one call may have (concat, coalesce, greatest, least).
inline constexpr std::size_t kMaxCallArgs = 32;

enum class AggKind {
  kNone,  // a scalar function
  kCount,
  kCountDistinct,
  kSum,
  kAvg,
  kMin,
  kMax,
  kPct,
  kStddev,
  kEarliest,
  kLatest,
  kSortsFirst,
  kSortsLast,
};

// What an argument must be, checked at compile time.
enum class ArgRule {
  kAny,
  kPeriod,          // 2nd argument of datefloor/dateceil; bin's only one
  kPercentLiteral,  // pct's 2nd argument: a number 0..100
};

using ScalarFn = Value (*)(const Value* args, std::size_t n);

struct FunctionDef {
  std::string_view name;
  std::size_t min_args = 0;
  std::size_t max_args = 0;  // kMaxCallArgs for "any number"
  AggKind agg = AggKind::kNone;
  ScalarFn eval = nullptr;
  ArgRule second_arg = ArgRule::kAny;
  bool first_is_period = false;  // bin(period)
};

// The function named `name` (case-insensitive), or nullptr.
const FunctionDef* FindFunction(std::string_view name);
// Why a known AWS function is rejected ("JSON functions are not supported..."), or nullopt.
std::optional<std::string_view> UnsupportedFunction(std::string_view name);

// A period literal as a number: milliseconds for fixed units, minus the number of months for
// mo/q/y (calendar units). nullopt when it is zero, negative or too large.
std::optional<double> PeriodValue(double count, PeriodUnit unit);
// `ms` rounded down / up to a multiple of `period` (a PeriodValue) since the epoch, UTC.
std::optional<double> FloorToPeriod(double ms, double period);
std::optional<double> CeilToPeriod(double ms, double period);

}  // namespace cwlogd::insights
