// Logs Insights engine speed: feeds N synthetic records (default 1,000,000) to a few queries
// through Execution::Add and prints the time per query. Never fails on speed.
// Usage: insights_bench [records]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "insights/query.h"

namespace insights = cwlogd::insights;

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  std::mt19937_64 rng(42);
  std::vector<std::string> messages;
  std::vector<int64_t> timestamps;
  messages.reserve(n);
  const char* methods[] = {"GET", "PUT", "POST", "DELETE"};
  const int64_t start = 1717236000000;
  for (std::size_t i = 0; i < n; ++i) {
    timestamps.push_back(start + static_cast<int64_t>(rng() % 86400000));
    if (i % 4 == 3) {
      messages.push_back("{\"level\":\"" + std::string(rng() % 10 == 0 ? "ERROR" : "INFO") +
                         "\",\"latency\":" + std::to_string(rng() % 1000) +
                         ",\"user\":{\"id\":\"u" + std::to_string(rng() % 50) + "\"}}");
    } else {
      messages.push_back("request method=" + std::string(methods[rng() % 4]) +
                         " path=/api/v1/items/" + std::to_string(rng() % 1000) +
                         " status=" + std::to_string(rng() % 10 == 0 ? 500 : 200) +
                         " bytes=" + std::to_string(rng() % 100000));
    }
  }
  const char* queries[] = {
      "stats count(*) by bin(5m)",
      "parse @message \"method=* path=* status=* bytes=*\" as method, path, status, bytes | "
      "stats sum(bytes) by method",
      "parse @message \"method=* \" as method | stats count(*) by method",
      "filter @message like \"status=500\" | stats count(*) as errors by bin(1h)",
      "fields @timestamp, @message | filter @message like /status=5\\d\\d/ | sort @timestamp desc "
      "| limit 100",
      "fields @timestamp, @message",
      "filter level = \"ERROR\" | stats count(*), avg(latency), pct(latency, 99) by user.id",
      "fields @timestamp, @message | sort @timestamp asc | limit 20",
  };
  for (const char* text : queries) {
    insights::CompileError error;
    auto q = insights::Query::Compile(text, &error);
    if (!q) {
      std::printf("does not compile: %s: %s\n", text, error.message.c_str());
      return 1;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto exec = q->Start({});
    for (std::size_t i = 0; i < n; ++i) {
      insights::Record r;
      r.timestamp = timestamps[i];
      r.ingestion_time = timestamps[i];
      r.message = messages[i];
      r.log_stream = "stream";
      r.log = "123456789012:g";
      r.ptr = "ptr";
      exec->Add(r);
    }
    insights::QueryOutcome out = exec->Finish();
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%8.1f ms  %6zu rows  %s%s\n", ms, out.rows.size(), text,
                out.failed ? (" FAILED: " + out.error).c_str() : "");
  }
  return 0;
}
