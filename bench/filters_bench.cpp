// Throughput of compiled filter patterns on one core (build Release):
//   term patterns over ~170-byte nginx access-log lines, in GB/s (goal >= 1 GB/s, rare term);
//   space-delimited patterns, in events/s (goal >= 5 M/s);
//   JSON patterns over ~200-byte JSON events, in events/s (goal >= 1 M/s).
// Usage: filters_bench [events]   (default 1,000,000)
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "filters/filter_pattern.h"

namespace {

using cwlogd::filters::FilterPattern;
using cwlogd::filters::ParseError;
using cwlogd::filters::ParseFilterPattern;

struct Corpus {
  std::string bytes;                    // all messages back to back
  std::vector<std::string_view> lines;  // views into bytes
};

Corpus MakeNginx(std::size_t n) {
  std::mt19937 gen(42);
  auto rng = [&gen] { return static_cast<unsigned>(gen()); };
  const char* methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
  const char* paths[] = {"/api/v1/users/", "/api/v1/orders/",
                         "/static/app.js?v=", "/index.html?page=", "/api/v2/search?q="};
  const int statuses[] = {200, 200, 200, 200, 201, 204, 301, 304, 400, 404, 500, 503};
  const char* agents[] = {"Mozilla/5.0 (X11; Linux x86_64; rv:118.0) Gecko/20100101 Firefox/118.0",
                          "curl/8.4.0", "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_5) Safari/605.1",
                          "python-requests/2.31.0"};
  std::vector<std::string> tmp;
  tmp.reserve(n);
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char buf[512];
    const int len =
        std::snprintf(buf, sizeof buf,
                      "%u.%u.%u.%u - - [10/Oct/2023:13:%02u:%02u +0000] \"%s %s%u HTTP/1.1\" %d %u "
                      "\"https://example.com/\" \"%s\"",
                      10 + rng() % 200, rng() % 256, rng() % 256, rng() % 256, rng() % 60,
                      rng() % 60, methods[rng() % 6], paths[rng() % 5], rng() % 100000,
                      statuses[rng() % 12], rng() % 50000, agents[rng() % 4]);
    tmp.emplace_back(buf, static_cast<std::size_t>(len));
    total += static_cast<std::size_t>(len);
  }
  Corpus c;
  c.bytes.reserve(total);
  for (auto& s : tmp) c.bytes += s;
  std::size_t off = 0;
  for (auto& s : tmp) {
    c.lines.emplace_back(c.bytes.data() + off, s.size());
    off += s.size();
  }
  return c;
}

Corpus MakeJson(std::size_t n) {
  std::mt19937 gen(7);
  auto rng = [&gen] { return static_cast<unsigned>(gen()); };
  const char* types[] = {"GET", "PUT", "POST", "DELETE"};
  std::vector<std::string> tmp;
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char buf[512];
    const int len = std::snprintf(
        buf, sizeof buf,
        R"({"timestamp":"2023-10-10T13:%02u:%02u.%03uZ","level":"%s","requestType":"%s",)"
        R"("status":%d,"latency":%u,"user":{"id":%u,"name":"user%u"},"path":"/api/v1/items/%u"})",
        rng() % 60, rng() % 60, rng() % 1000, rng() % 10 == 0 ? "ERROR" : "INFO", types[rng() % 4],
        rng() % 10 == 0 ? 500 : 200, rng() % 300, rng() % 100000, rng() % 1000, rng() % 100000);
    tmp.emplace_back(buf, static_cast<std::size_t>(len));
    total += static_cast<std::size_t>(len);
  }
  Corpus c;
  c.bytes.reserve(total);
  for (auto& s : tmp) c.bytes += s;
  std::size_t off = 0;
  for (auto& s : tmp) {
    c.lines.emplace_back(c.bytes.data() + off, s.size());
    off += s.size();
  }
  return c;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

FilterPattern Compile(const char* text) {
  ParseError err;
  auto p = ParseFilterPattern(text, &err);
  if (!p) {
    std::fprintf(stderr, "bad pattern %s: %s\n", text, err.message.c_str());
    std::exit(1);
  }
  return *p;
}

void Run(const char* label, const char* pattern, const Corpus& c, int rounds) {
  const FilterPattern p = Compile(pattern);
  std::size_t matched = 0;
  // Warm-up round, then the timed rounds.
  for (auto line : c.lines) matched += p.Matches(line) ? 1 : 0;
  matched = 0;
  // CPU time of this thread: the figure per core, even on a machine shared with other work.
  const double t0 = ThreadCpuSeconds();
  for (int r = 0; r < rounds; ++r) {
    for (auto line : c.lines) matched += p.Matches(line) ? 1 : 0;
  }
  const double s = ThreadCpuSeconds() - t0;
  const double events = static_cast<double>(c.lines.size()) * rounds;
  const double bytes = static_cast<double>(c.bytes.size()) * rounds;
  std::printf("%-34s %-48s %7.2f GB/s %7.2f M events/s (%4.1f%% matched)\n", label, pattern,
              bytes / s / 1e9, events / s / 1e6, 100.0 * matched / events);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  const Corpus nginx = MakeNginx(n);
  const Corpus json = MakeJson(n);
  std::printf("throughput per core (thread CPU time)\n");
  std::printf("%zu nginx lines, %.0f bytes avg; %zu JSON events, %.0f bytes avg\n",
              nginx.lines.size(), double(nginx.bytes.size()) / nginx.lines.size(),
              json.lines.size(), double(json.bytes.size()) / json.lines.size());
  Run("term, rare (goal >= 1 GB/s)", "FATAL", nginx, 5);
  Run("term, rare phrase", "\"connection reset by peer\"", nginx, 5);
  Run("term, common", "GET", nginx, 5);
  Run("terms, AND + exclusion", "POST -curl", nginx, 5);
  Run("terms, optional", "?FATAL ?PANIC ?Segfault", nginx, 5);
  Run("regex", "%/api/v[0-9]/orders/[0-9]+ HTTP%", nginx, 2);
  Run("space-delimited (goal >= 5 M/s)",
      "[ip, id, user, ts, request, status_code = 5*, bytes, referrer, agent]", nginx, 3);
  Run("space-delimited, ellipsis", "[ip, ..., status_code >= 400, bytes, referrer, agent]", nginx,
      3);
  Run("JSON (goal >= 1 M/s)", "{ $.status = 500 && $.latency > 100 }", json, 3);
  Run("JSON, nested + wildcard", "{ $.user.name = \"user1*\" || $.* = \"ERROR\" }", json, 3);
  return 0;
}
