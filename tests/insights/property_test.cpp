// Property test: for random events and random filter/stats/sort/limit queries, the engine gives
// what a direct evaluation over the same events gives.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "insights/format.h"
#include "tests/catch2.h"
#include "tests/insights/insights_test_util.h"

namespace cwlogd::insights::testing {

namespace {

struct Fields {
  int64_t ts = 0;
  std::optional<int> a;
  std::optional<std::string> b;
};

struct Predicate {
  std::string text;
  std::function<bool(const Fields&)> eval;
};

std::vector<Predicate> Predicates(int k) {
  const std::string ks = std::to_string(k);
  return {
      {"a > " + ks, [k](const Fields& f) { return f.a && *f.a > k; }},
      {"a <= " + ks, [k](const Fields& f) { return f.a && *f.a <= k; }},
      {"a != " + ks, [k](const Fields& f) { return f.a && *f.a != k; }},
      {"b = 'x'", [](const Fields& f) { return f.b && *f.b == "x"; }},
      {"b != 'y'", [](const Fields& f) { return f.b && *f.b != "y"; }},
      {"b like 'z'", [](const Fields& f) { return f.b && *f.b == "z"; }},
      {"a > " + ks + " or b = 'y'",
       [k](const Fields& f) { return (f.a && *f.a > k) || (f.b && *f.b == "y"); }},
      {"a in [1, 3, " + ks + "] and ispresent(b)",
       [k](const Fields& f) { return f.a && (*f.a == 1 || *f.a == 3 || *f.a == k) && f.b; }},
      {"not ispresent(a)", [](const Fields& f) { return !f.a; }},
      {"@message like 'b\":\"x'", [](const Fields& f) { return f.b && *f.b == "x"; }},
      {"a = a", [](const Fields& f) { return f.a.has_value(); }},
  };
}

std::string Message(const Fields& f) {
  std::string m = "{";
  if (f.a) m += "\"a\":" + std::to_string(*f.a);
  if (f.b) m += std::string(f.a ? "," : "") + "\"b\":\"" + *f.b + "\"";
  return m + "}";
}

}  // namespace

TEST_CASE("Random queries agree with a direct evaluation", "[insights][property]") {
  std::mt19937 rng(20240601);
  for (int iteration = 0; iteration < 300; ++iteration) {
    const int n = static_cast<int>(rng() % 60);
    std::vector<Fields> fields;
    std::vector<Event> events;
    for (int i = 0; i < n; ++i) {
      Fields f;
      f.ts = static_cast<int64_t>(rng() % 20) * 1000;  // many equal timestamps
      if (rng() % 5 != 0) f.a = static_cast<int>(rng() % 10);
      if (rng() % 4 != 0) f.b = std::string(1, static_cast<char>('x' + rng() % 3));
      fields.push_back(f);
      events.push_back({f.ts, Message(f)});
    }
    const auto preds = Predicates(static_cast<int>(rng() % 10));
    const Predicate& p = preds[rng() % preds.size()];
    std::vector<std::size_t> matched;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (p.eval(fields[i])) matched.push_back(i);
    }
    const std::size_t limit = 1 + rng() % 20;
    const int mode = static_cast<int>(rng() % 3);
    std::string query;
    std::string expected;
    if (mode == 0) {  // sort by a, limit: compare the a column (independent of tie order)
      const bool desc = rng() % 2 == 0;
      query = "filter " + p.text + " | fields a | sort a " + (desc ? "desc" : "asc") + " | limit " +
              std::to_string(limit);
      std::vector<std::optional<int>> values;
      for (std::size_t i : matched) values.push_back(fields[i].a);
      std::stable_sort(values.begin(), values.end(), [desc](const auto& x, const auto& y) {
        if (!x || !y) return x.has_value() && !y.has_value();  // missing last
        return desc ? *x > *y : *x < *y;
      });
      if (values.size() > limit) values.resize(limit);
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) expected += "; ";
        if (values[i]) expected += "a=" + std::to_string(*values[i]);
      }
    } else if (mode == 1) {  // default order, limit
      query = "filter " + p.text + " | fields @timestamp | limit " + std::to_string(limit);
      std::vector<int64_t> ts;
      for (std::size_t i : matched) ts.push_back(fields[i].ts);
      std::sort(ts.rbegin(), ts.rend());
      if (ts.size() > limit) ts.resize(limit);
      for (std::size_t i = 0; i < ts.size(); ++i) {
        if (i > 0) expected += "; ";
        expected += "@timestamp=" + FormatTimestamp(ts[i]);
      }
    } else {  // stats by b
      query = "filter " + p.text +
              " | stats count(*) as n, sum(a) as s, min(a) as mn, max(a) as mx, count(a) as c by b";
      struct G {
        int n = 0;
        int c = 0;
        long s = 0;
        int mn = 100;
        int mx = -1;
      };
      std::map<std::string, G> groups;  // "" (absent) sorts first here; printed last below
      for (std::size_t i : matched) {
        G& g = groups[fields[i].b.value_or("")];
        ++g.n;
        if (fields[i].a) {
          ++g.c;
          g.s += *fields[i].a;
          g.mn = std::min(g.mn, *fields[i].a);
          g.mx = std::max(g.mx, *fields[i].a);
        }
      }
      std::vector<std::string> rows;
      std::string absent;
      for (const auto& [b, g] : groups) {
        std::string row = b.empty() ? "" : "b=" + b + " ";
        row += "n=" + std::to_string(g.n);
        if (g.c > 0) {
          row += " s=" + std::to_string(g.s) + " mn=" + std::to_string(g.mn) +
                 " mx=" + std::to_string(g.mx);
        }
        row += " c=" + std::to_string(g.c);
        if (b.empty()) {
          absent = row;
        } else {
          rows.push_back(row);
        }
      }
      if (!absent.empty()) rows.push_back(absent);
      for (std::size_t i = 0; i < rows.size(); ++i) expected += (i > 0 ? "; " : "") + rows[i];
    }
    INFO("iteration " << iteration << ": " << query);
    QueryOutcome out = Run(query, events);
    REQUIRE_FALSE(out.failed);
    CHECK(Show(out.rows) == expected);
    CHECK(out.statistics.records_matched == static_cast<double>(matched.size()));
    CHECK(out.statistics.records_scanned == static_cast<double>(n));
    // Pruning never rejects a block holding a matching record.
    if (!matched.empty()) {
      std::string block;
      for (const Event& e : events) block += e.message + "\n";
      insights::CompileError error;
      auto q = Query::Compile(query, &error);
      REQUIRE(q);
      CHECK(q->MayMatchWithin(block));
    }
  }
}

}  // namespace cwlogd::insights::testing
