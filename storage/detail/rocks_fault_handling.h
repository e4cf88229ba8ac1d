// How the RocksDB store behaves on disk faults (docs/security.md, "Failure behaviour"):
//  - RocksStderrLogger: RocksDB's info log goes to stderr (warnings and errors only), not to a
//    LOG file on the data disk. On a full disk the file logger fails too, and Debian's librocksdb
//    (built with assertions) aborts the process when it appends to a log file that already
//    failed.
//  - ManualRecoveryListener: turns off RocksDB's own recovery from a background error such as
//    "no space left". That recovery waits for free space >= the largest write buffer (64 MiB),
//    which a small disk never has, and while it waits DB::Resume() answers Busy. The store calls
//    Resume() itself when a write fails (Engine::Write in engine.h), so writes come back as soon as
//    a flush fits.
// Both are thread-safe.
#pragma once

#include <cstdarg>
#include <cstdio>

#include <rocksdb/env.h>
#include <rocksdb/listener.h>

namespace cwlogd::storage::detail {

class RocksStderrLogger final : public rocksdb::Logger {
 public:
  explicit RocksStderrLogger(rocksdb::InfoLogLevel level) : rocksdb::Logger(level) {}

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    std::fprintf(stderr, "rocksdb: %s\n", line);
  }
};

class ManualRecoveryListener final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status /*bg_error*/,
                            bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

}  // namespace cwlogd::storage::detail
