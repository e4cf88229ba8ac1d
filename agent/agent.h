// The agent's loop: one Pipeline per configured file (tailer -> multi-line events -> batch ->
// PutLogEvents -> state file). Single-threaded; Run() returns after `stop` is set and a last
// flush. Not thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/client.h"
#include "agent/config.h"
#include "agent/state_file.h"

namespace cwlogd::agent {

struct AgentOptions {
  int64_t poll_interval_ms = 250;        // polling fallback when inotify says nothing. Default: 250
  size_t read_chunk_bytes = 1 << 20;     // read per file per round. Default: 1 MiB
  int64_t multi_line_timeout_ms = 1000;  // a multi-line event ends after this much silence
  int64_t max_backoff_ms = 30000;        // retry pause cap. Default: 30 s
  int final_flush_attempts = 5;          // tries of the last flush at stop when the endpoint fails
  bool verbose = false;                  // one line per batch on stderr
};

class Pipeline;

class Agent {
 public:
  // `stop` ends Run() (set it from a signal handler); it also cuts retry pauses short.
  Agent(AgentConfig config, AgentOptions options, LogsClient* client, StateFile* state,
        const std::atomic<bool>* stop);
  ~Agent();

  // Compiles formats and patterns, restores positions. false and *error on a bad config.
  bool Init(std::string* error);
  void Run();

 private:
  AgentConfig config_;
  AgentOptions options_;
  LogsClient* client_;
  StateFile* state_;
  const std::atomic<bool>* stop_;
  std::vector<std::unique_ptr<Pipeline>> pipelines_;
};

}  // namespace cwlogd::agent
