// Logger: leveled, line-at-a-time logging to a FILE* (stderr in the server). Thread-safe: each
// line is written with one locked fwrite, so lines from IO threads never interleave.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace cwlogd::server {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// "error" | "warn" | "info" | "debug" (case-sensitive); nullopt otherwise.
std::optional<LogLevel> ParseLogLevel(std::string_view text);
std::string_view LogLevelName(LogLevel level);

// Milliseconds from `start` to now, for the durations the log lines report.
inline double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, std::FILE* out = stderr)
      : level_(level), out_(out) {}

  bool Enabled(LogLevel level) const { return level <= level_; }

  template <typename... Args>
  void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
    if (!Enabled(level)) return;
    Write(level, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Error(fmt::format_string<Args...> format, Args&&... args) {
    Log(LogLevel::kError, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Warn(fmt::format_string<Args...> format, Args&&... args) {
    Log(LogLevel::kWarn, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> format, Args&&... args) {
    Log(LogLevel::kInfo, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void Debug(fmt::format_string<Args...> format, Args&&... args) {
    Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
  }

 private:
  void Write(LogLevel level, std::string_view message);

  const LogLevel level_;
  std::FILE* const out_;
  std::mutex mu_;
};

}  // namespace cwlogd::server
