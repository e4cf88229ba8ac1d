// Scalar functions. Non-numeric input to a numeric function gives null (the field is absent),
// as the spec suggests; string functions take the text of numbers.
#include "insights/functions.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "base/civil_time.h"
#include "insights/format.h"

namespace cwlogd::insights {

namespace {

constexpr double kMsPerDay = 86400000.0;
constexpr double kMaxTimeMs = 8.64e15;  // the ECMAScript time range: 275,000 years

// Months since 1970-01 of the month containing `ms`.
int64_t MonthIndex(double ms) {
  const auto days = static_cast<int64_t>(std::floor(ms / kMsPerDay));
  const base::CivilDate date = base::CivilFromDays(days);
  return (date.year - 1970) * 12 + static_cast<int64_t>(date.month) - 1;
}

double MonthStart(int64_t index) {
  const int64_t y = 1970 + (index >= 0 ? index / 12 : -((-index + 11) / 12));
  const auto m = static_cast<unsigned>(index - (y - 1970) * 12 + 1);
  return static_cast<double>(base::DaysFromCivil(y, m, 1)) * kMsPerDay;
}

std::string_view Text(const Value& v, std::string* scratch) { return AsString(v, scratch); }

Value Ispresent(const Value* a, std::size_t) { return Value::Bool(!a[0].null()); }

Value Isempty(const Value* a, std::size_t) {
  return Value::Bool(a[0].null() || (a[0].kind == ValueKind::kString && a[0].str.empty()));
}

Value Isblank(const Value* a, std::size_t) {
  if (a[0].null()) return Value::Bool(true);
  if (a[0].kind != ValueKind::kString) return Value::Bool(false);
  for (char c : a[0].str) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) return Value::Bool(false);
  }
  return Value::Bool(true);
}

Value Coalesce(const Value* a, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!a[i].null()) return a[i];
  }
  return {};
}

Value Concat(const Value* a, std::size_t n) {
  std::string out;
  std::string scratch;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view t = Text(a[i], &scratch);
    if (out.size() + t.size() > kMaxComputedString) return {};
    out.append(t);
  }
  return Value::Owned(std::move(out));
}

std::size_t CodePoints(std::string_view s) {
  std::size_t count = 0;
  for (char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// Byte offset of code point `index` in s (s.size() when past the end).
std::size_t ByteOffset(std::string_view s, std::size_t index) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == index) return i;
      ++seen;
    }
  }
  return s.size();
}

Value Strlen(const Value* a, std::size_t) {
  if (a[0].null()) return {};
  std::string scratch;
  return Value::Number(static_cast<double>(CodePoints(Text(a[0], &scratch))));
}

template <int (*Convert)(int)>
Value MapCase(const Value* a, std::size_t) {
  if (a[0].null()) return {};
  std::string scratch;
  std::string out(Text(a[0], &scratch));
  for (char& c : out) c = static_cast<char>(Convert(static_cast<unsigned char>(c)));
  return Value::Owned(std::move(out));
}

int Upper(int c) { return std::toupper(c); }
int Lower(int c) { return std::tolower(c); }

template <bool kLeft, bool kRight>
Value Trim(const Value* a, std::size_t n) {
  if (a[0].null()) return {};
  std::string scratch;
  std::string scratch2;
  std::string_view s = Text(a[0], &scratch);
  std::string_view chars = " \t\n\r\f\v";
  if (n > 1) {
    if (a[1].null()) return {};
    chars = Text(a[1], &scratch2);
  }
  if (kLeft) {
    const std::size_t first = s.find_first_not_of(chars);
    s = first == std::string_view::npos ? std::string_view() : s.substr(first);
  }
  if (kRight) {
    const std::size_t last = s.find_last_not_of(chars);
    s = last == std::string_view::npos ? std::string_view() : s.substr(0, last + 1);
  }
  return Value::Owned(std::string(s));
}

Value Substr(const Value* a, std::size_t n) {
  double start = 0;
  double len = 0;
  if (a[0].null() || !AsNumber(a[1], &start)) return {};
  if (n > 2 && !AsNumber(a[2], &len)) return {};
  std::string scratch;
  std::string_view s = Text(a[0], &scratch);
  start = std::max(0.0, std::floor(start));
  const std::size_t total = CodePoints(s);
  if (start >= static_cast<double>(total)) return Value::Owned("");
  const std::size_t from = ByteOffset(s, static_cast<std::size_t>(start));
  std::size_t to = s.size();
  if (n > 2) {
    len = std::max(0.0, std::floor(len));
    if (start + len < static_cast<double>(total)) {
      to = ByteOffset(s, static_cast<std::size_t>(start + len));
    }
  }
  return Value::Owned(std::string(s.substr(from, to - from)));
}

Value Replace(const Value* a, std::size_t) {
  if (a[0].null() || a[1].null() || a[2].null()) return {};
  std::string s1;
  std::string s2;
  std::string s3;
  std::string_view s = Text(a[0], &s1);
  std::string_view search = Text(a[1], &s2);
  std::string_view repl = Text(a[2], &s3);
  if (search.empty()) return Value::Owned(std::string(s));
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t hit = s.find(search, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(repl);
    if (out.size() > kMaxComputedString) return {};
    pos = hit + search.size();
  }
  out.append(s.substr(pos));
  return Value::Owned(std::move(out));
}

Value Strcontains(const Value* a, std::size_t) {
  if (a[0].null() || a[1].null()) return {};
  std::string s1;
  std::string s2;
  return Value::Bool(Text(a[0], &s1).find(Text(a[1], &s2)) != std::string_view::npos);
}

template <double (*F)(double)>
Value Numeric(const Value* a, std::size_t) {
  double x = 0;
  if (!AsNumber(a[0], &x)) return {};
  const double r = F(x);
  if (!std::isfinite(r)) return {};
  return Value::Number(r);
}

double Abs(double x) { return std::fabs(x); }
double Ceil(double x) { return std::ceil(x); }
double Floor(double x) { return std::floor(x); }
double Log(double x) { return x > 0 ? std::log(x) : NAN; }
double Sqrt(double x) { return x >= 0 ? std::sqrt(x) : NAN; }

template <bool kGreatest>
Value Extreme(const Value* a, std::size_t n) {
  bool found = false;
  double best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double x = 0;
    if (!AsNumber(a[i], &x)) continue;
    if (!found || (kGreatest ? x > best : x < best)) best = x;
    found = true;
  }
  return found ? Value::Number(best) : Value();
}

template <bool kCeil>
Value DateRound(const Value* a, std::size_t) {
  double ms = 0;
  double period = 0;
  if (!AsNumber(a[0], &ms) || !AsNumber(a[1], &period)) return {};
  auto r = kCeil ? CeilToPeriod(ms, period) : FloorToPeriod(ms, period);
  return r ? Value::Timestamp(*r) : Value();
}

Value FromMillis(const Value* a, std::size_t) {
  double ms = 0;
  if (!AsNumber(a[0], &ms) || std::fabs(ms) > kMaxTimeMs) return {};
  return Value::Timestamp(ms);
}

Value ToMillis(const Value* a, std::size_t) {
  double ms = 0;
  if (!AsNumber(a[0], &ms)) return {};
  return Value::Number(ms);
}

constexpr std::size_t kAny = kMaxCallArgs;

const FunctionDef kFunctions[] = {
    {"ispresent", 1, 1, AggKind::kNone, &Ispresent},
    {"isempty", 1, 1, AggKind::kNone, &Isempty},
    {"isblank", 1, 1, AggKind::kNone, &Isblank},
    {"coalesce", 1, kAny, AggKind::kNone, &Coalesce},
    {"concat", 1, kAny, AggKind::kNone, &Concat},
    {"strlen", 1, 1, AggKind::kNone, &Strlen},
    {"toupper", 1, 1, AggKind::kNone, &MapCase<&Upper>},
    {"tolower", 1, 1, AggKind::kNone, &MapCase<&Lower>},
    {"trim", 1, 2, AggKind::kNone, &Trim<true, true>},
    {"ltrim", 1, 2, AggKind::kNone, &Trim<true, false>},
    {"rtrim", 1, 2, AggKind::kNone, &Trim<false, true>},
    {"substr", 2, 3, AggKind::kNone, &Substr},
    {"replace", 3, 3, AggKind::kNone, &Replace},
    {"strcontains", 2, 2, AggKind::kNone, &Strcontains},
    {"abs", 1, 1, AggKind::kNone, &Numeric<&Abs>},
    {"ceil", 1, 1, AggKind::kNone, &Numeric<&Ceil>},
    {"floor", 1, 1, AggKind::kNone, &Numeric<&Floor>},
    {"log", 1, 1, AggKind::kNone, &Numeric<&Log>},
    {"sqrt", 1, 1, AggKind::kNone, &Numeric<&Sqrt>},
    {"greatest", 1, kAny, AggKind::kNone, &Extreme<true>},
    {"least", 1, kAny, AggKind::kNone, &Extreme<false>},
    // bin(p) is datefloor(@timestamp, p): the compiler adds the @timestamp argument.
    {"bin", 1, 1, AggKind::kNone, &DateRound<false>, ArgRule::kAny, true},
    {"datefloor", 2, 2, AggKind::kNone, &DateRound<false>, ArgRule::kPeriod},
    {"dateceil", 2, 2, AggKind::kNone, &DateRound<true>, ArgRule::kPeriod},
    {"fromMillis", 1, 1, AggKind::kNone, &FromMillis},
    {"toMillis", 1, 1, AggKind::kNone, &ToMillis},
    // Aggregates: only inside stats.
    {"count", 0, 1, AggKind::kCount},
    {"count_distinct", 1, 1, AggKind::kCountDistinct},
    {"sum", 1, 1, AggKind::kSum},
    {"avg", 1, 1, AggKind::kAvg},
    {"min", 1, 1, AggKind::kMin},
    {"max", 1, 1, AggKind::kMax},
    {"pct", 2, 2, AggKind::kPct, nullptr, ArgRule::kPercentLiteral},
    {"percentile", 2, 2, AggKind::kPct, nullptr, ArgRule::kPercentLiteral},  // pct's other name
    {"stddev", 1, 1, AggKind::kStddev},
    {"earliest", 1, 1, AggKind::kEarliest},
    {"latest", 1, 1, AggKind::kLatest},
    {"sortsFirst", 1, 1, AggKind::kSortsFirst},
    {"sortsLast", 1, 1, AggKind::kSortsLast},
};

}  // namespace

const FunctionDef* FindFunction(std::string_view name) {
  for (const FunctionDef& f : kFunctions) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

std::optional<std::string_view> UnsupportedFunction(std::string_view name) {
  struct Entry {
    std::string_view name;
    std::string_view reason;
  };
  static constexpr Entry kUnsupported[] = {
      {"jsonParse", "JSON functions are not supported by this server"},
      {"isValidIp", "IP address functions are not supported by this server"},
      {"isValidIpV4", "IP address functions are not supported by this server"},
      {"isValidIpV6", "IP address functions are not supported by this server"},
      {"isIpInSubnet", "IP address functions are not supported by this server"},
      {"isIpv4InSubnet", "IP address functions are not supported by this server"},
      {"isIpv6InSubnet", "IP address functions are not supported by this server"},
      {"rate", "time-series functions are not supported by this server"},
      {"count_over_time", "time-series functions are not supported by this server"},
      {"sum_over_time", "time-series functions are not supported by this server"},
      {"avg_over_time", "time-series functions are not supported by this server"},
      {"min_over_time", "time-series functions are not supported by this server"},
      {"max_over_time", "time-series functions are not supported by this server"},
  };
  for (const Entry& e : kUnsupported) {
    if (EqualsIgnoreCase(e.name, name)) return e.reason;
  }
  return std::nullopt;
}

std::optional<double> PeriodValue(double count, PeriodUnit unit) {
  if (!(count > 0) || count != std::floor(count) || count > 1e9) return std::nullopt;
  double ms = 0;
  switch (unit) {
    case PeriodUnit::kMillis:
      ms = 1;
      break;
    case PeriodUnit::kSeconds:
      ms = 1000;
      break;
    case PeriodUnit::kMinutes:
      ms = 60000;
      break;
    case PeriodUnit::kHours:
      ms = 3600000;
      break;
    case PeriodUnit::kDays:
      ms = kMsPerDay;
      break;
    case PeriodUnit::kWeeks:
      ms = 7 * kMsPerDay;
      break;
    case PeriodUnit::kMonths:
      return -count;
    case PeriodUnit::kQuarters:
      return -3 * count;
    case PeriodUnit::kYears:
      return -12 * count;
  }
  const double r = count * ms;
  if (r > kMaxTimeMs) return std::nullopt;
  return r;
}

std::optional<double> FloorToPeriod(double ms, double period) {
  if (!std::isfinite(ms) || std::fabs(ms) > kMaxTimeMs || period == 0 || !std::isfinite(period)) {
    return std::nullopt;
  }
  if (period > 0) return std::floor(ms / period) * period;
  const auto months = static_cast<int64_t>(-period);
  const int64_t index = MonthIndex(ms);
  const int64_t q = index >= 0 ? index / months : -((-index + months - 1) / months);
  return MonthStart(q * months);
}

std::optional<double> CeilToPeriod(double ms, double period) {
  auto floor = FloorToPeriod(ms, period);
  if (!floor || *floor == ms) return floor;
  if (period > 0) return *floor + period;
  const auto months = static_cast<int64_t>(-period);
  return MonthStart(MonthIndex(*floor) + months);
}

}  // namespace cwlogd::insights
