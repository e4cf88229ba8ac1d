#include "agent/agent.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>
#include <poll.h>
#include <re2/re2.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "agent/batcher.h"
#include "agent/tailer.h"
#include "agent/timestamp.h"

namespace cwlogd::agent {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Log(const std::string& text) { std::fprintf(stderr, "cwlogd-agent: %s\n", text.c_str()); }

bool IsLatin1(const std::string& encoding) {
  std::string e;
  for (char c : encoding) e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e == "latin-1" || e == "latin1" || e == "iso-8859-1" || e == "iso8859-1" ||
         e == "iso_8859_1";
}

bool IsUtf8(const std::string& encoding) {
  std::string e;
  for (char c : encoding) e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e == "utf-8" || e == "utf8" || e == "utf_8" || e == "ascii" || e == "us-ascii";
}

}  // namespace

class Pipeline {
 public:
  Pipeline(const FileSpec& spec, const AgentOptions& options, LogsClient* client, StateFile* state,
           const std::atomic<bool>* stop)
      : spec_(spec),
        options_(options),
        client_(client),
        state_(state),
        stop_(stop),
        key_(spec.log_group_name + "|" + spec.log_stream_name + "|" + spec.file_glob),
        tailer_(TailerOptions{spec.file_glob, spec.fingerprint_first_line,
                              spec.fingerprint_last_line, spec.start_at_end, spec.auto_removal}),
        batch_(spec.batch_count, spec.batch_size) {}

  bool Init(std::string* error) {
    const std::string where = spec_.name + ": ";
    if (!spec_.datetime_format.empty()) {
      std::string e;
      format_ = TimestampFormat::Compile(spec_.datetime_format, &e);
      if (!format_) {
        *error = where + e;
        return false;
      }
    }
    latin1_ = IsLatin1(spec_.encoding);
    if (!latin1_ && !IsUtf8(spec_.encoding)) {
      *error = where + "unsupported encoding '" + spec_.encoding + "' (utf-8, ascii, latin-1)";
      return false;
    }
    std::string pattern = spec_.multi_line_start_pattern;
    if (pattern.find("{datetime_format}") != std::string::npos ||
        pattern.find("{timestamp_format}") != std::string::npos) {
      if (!format_) {
        *error = where + "multi_line_start_pattern uses the datetime format, but none is set";
        return false;
      }
      start_by_timestamp_ = true;
    } else if (pattern == "^[^\\s]") {
      start_by_nonspace_ = true;
    } else if (!pattern.empty()) {
      start_re_ = std::make_unique<RE2>(pattern, RE2::Quiet);
      if (!start_re_->ok()) {
        *error = where + "bad multi_line_start_pattern: " + start_re_->error();
        return false;
      }
    }
    for (const LineFilter& f : spec_.filters) {
      auto re = std::make_unique<RE2>(f.expression, RE2::Quiet);
      if (!re->ok()) {
        *error = where + "bad filter expression: " + re->error();
        return false;
      }
      filters_.emplace_back(f.include, std::move(re));
    }
    if (auto saved = state_->Get(key_)) tailer_.Restore(*saved);
    return true;
  }

  std::string WatchDirectory() const { return tailer_.WatchDirectory(); }

  // Reads new lines; returns bytes read.
  size_t Poll(int64_t now_ms) {
    if (abandoned_) return 0;
    now_ms_ = now_ms;
    return tailer_.Poll(options_.read_chunk_bytes, now_ms,
                        [this](std::string_view line, const std::shared_ptr<FileId>& id,
                               uint64_t end) { OnLine(line, id, end); });
  }

  // Timers: ends a quiet multi-line event, flushes an old batch.
  void Tick(int64_t now_ms, bool idle) {
    now_ms_ = now_ms;
    if (has_pending_ && idle && now_ms - pending_last_ms_ >= options_.multi_line_timeout_ms) {
      FinalizePending();
    }
    if (!batch_.empty() && now_ms - batch_started_ms_ >= spec_.buffer_duration_ms) {
      (void)Flush(false);  // on failure (stopping) the loop ends and the last flush retries
    } else if (batch_.empty() && state_dirty_ && now_ms - last_save_ms_ >= 1000) {
      SaveState();
    }
  }

  // At stop: what is read and complete goes out.
  void Finish() {
    if (abandoned_) return;
    if (has_pending_) FinalizePending();
    (void)Flush(true);
  }

 private:
  bool IsStart(std::string_view line) const {
    if (start_by_nonspace_) return !line.empty() && line[0] != ' ' && line[0] != '\t';
    if (start_by_timestamp_) return format_->Matches(line);
    // A StringPiece, not the string_view: Debian 13's RE2 takes absl::string_view.
    if (start_re_) return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *start_re_);
    return true;
  }

  void OnLine(std::string_view line, const std::shared_ptr<FileId>& id, uint64_t end) {
    if (abandoned_) return;
    const bool multi = start_by_nonspace_ || start_by_timestamp_ || start_re_ != nullptr;
    if (!multi) {
      AddEvent(line, id, end);
      return;
    }
    if (!has_pending_ || IsStart(line) || pending_.size() + line.size() + 1 > kMaxMessageBytes) {
      if (has_pending_) FinalizePending();
      pending_.assign(line.data(), line.size());
      has_pending_ = true;
    } else {
      pending_ += '\n';
      pending_.append(line.data(), line.size());
    }
    pending_id_ = id;
    pending_end_ = end;
    pending_last_ms_ = now_ms_;
  }

  void FinalizePending() {
    has_pending_ = false;
    AddEvent(pending_, pending_id_, pending_end_);
    pending_.clear();
  }

  void AddEvent(std::string_view text, const std::shared_ptr<FileId>& id, uint64_t end) {
    if (abandoned_) return;
    Event event;
    event.message = SanitizeMessage(text, latin1_);
    bool keep = !event.message.empty();
    for (const auto& [include, re] : filters_) {
      if (!keep) break;
      keep = RE2::PartialMatch(event.message, *re) == include;
    }
    if (keep) {
      std::optional<int64_t> ts;
      if (format_) ts = format_->Find(event.message, spec_.utc, now_ms_);
      event.timestamp_ms = ts.value_or(now_ms_);
      if (!batch_.Fits(event) && !Flush(false)) {
        abandoned_ = true;  // stopping with the endpoint failing: the state keeps these lines
        return;
      }
      if (batch_.empty()) batch_started_ms_ = now_ms_;
      batch_.Add(std::move(event));
    }
    resolved_id_ = id;
    resolved_end_ = end;
    state_dirty_ = true;
    // A full batch goes now rather than at the next event or the timer.
    if (static_cast<int>(batch_.size()) >= spec_.batch_count && !Flush(false)) abandoned_ = true;
  }

  void SaveState() {
    if (resolved_id_ == nullptr) return;
    state_->Set(key_, FilePosition{resolved_id_->path, resolved_id_->dev, resolved_id_->ino,
                                   resolved_id_->fingerprint, resolved_end_});
    std::string error;
    if (!state_->Save(&error)) Log(error);
    state_dirty_ = false;
    last_save_ms_ = now_ms_;
  }

  bool Sleep(int64_t ms) {
    const int64_t until = NowMs() + ms;
    while (NowMs() < until) {
      if (stop_->load()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // Creates the group (and its retention) and the stream; "already exists" is fine.
  CallResult EnsureGroupAndStream() {
    std::string group;
    AppendJsonString(spec_.log_group_name, &group);
    std::string stream;
    AppendJsonString(spec_.log_stream_name, &stream);
    CallResult r = client_->Call("CreateLogGroup", "{\"logGroupName\":" + group + "}");
    if (!r.ok() && r.error_type != "ResourceAlreadyExistsException") return r;
    if (r.ok() && spec_.retention_in_days) {
      const CallResult p = client_->Call("PutRetentionPolicy",
                                         "{\"logGroupName\":" + group + ",\"retentionInDays\":" +
                                             std::to_string(*spec_.retention_in_days) + "}");
      if (!p.ok()) Log("PutRetentionPolicy " + spec_.log_group_name + ": " + p.message);
    }
    r = client_->Call("CreateLogStream",
                      "{\"logGroupName\":" + group + ",\"logStreamName\":" + stream + "}");
    if (!r.ok() && r.error_type != "ResourceAlreadyExistsException") return r;
    return CallResult{200, "", "", ""};
  }

  // Ships the batch, retrying what is worth retrying; commits the position on success. false
  // if it gave up because the agent is stopping (nothing committed).
  bool Flush(bool final) {
    if (batch_.empty()) {
      if (state_dirty_) SaveState();
      return true;
    }
    const std::string body = batch_.Body(spec_.log_group_name, spec_.log_stream_name);
    int64_t backoff = 200;
    int attempts = 0;
    static thread_local std::mt19937 rng{std::random_device{}()};
    while (true) {
      CallResult r = client_->Call("PutLogEvents", body);
      ++attempts;
      if (r.error_type == "ResourceNotFoundException") {
        r = EnsureGroupAndStream();
        if (r.ok()) continue;
      }
      if (r.ok() || r.error_type == "DataAlreadyAcceptedException") {
        if (r.ok() && r.body.find("rejectedLogEventsInfo") != std::string::npos) {
          Log(spec_.name + ": some events were rejected: " + r.body);
        }
        break;
      }
      const bool auth = r.status == 401 || r.status == 403;
      if (!r.retryable() && !auth) {
        // The batch itself is wrong (validation): skipping it is the only way forward.
        Log(spec_.name + ": PutLogEvents refused a batch of " + std::to_string(batch_.size()) +
            " events, dropped: " + r.error_type + ": " + r.message);
        break;
      }
      if (final && attempts >= options_.final_flush_attempts) return false;
      Log(spec_.name + ": PutLogEvents failed (" +
          (r.status == 0 ? r.message : std::to_string(r.status) + " " + r.error_type) +
          "), retrying in about " + std::to_string(backoff) + " ms");
      std::uniform_int_distribution<int64_t> jitter(backoff / 2, backoff);
      if (final) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::min<int64_t>(jitter(rng), 1000)));
      } else if (!Sleep(jitter(rng))) {
        return false;
      }
      backoff = std::min(backoff * 2, options_.max_backoff_ms);
    }
    if (options_.verbose) {
      Log(spec_.name + ": shipped " + std::to_string(batch_.size()) + " events to " +
          spec_.log_group_name + "/" + spec_.log_stream_name);
    }
    batch_.Clear();
    SaveState();
    return true;
  }

  const FileSpec& spec_;
  const AgentOptions& options_;
  LogsClient* client_;
  StateFile* state_;
  const std::atomic<bool>* stop_;
  std::string key_;
  Tailer tailer_;
  Batch batch_;
  std::optional<TimestampFormat> format_;
  bool latin1_ = false;
  bool start_by_timestamp_ = false;
  bool start_by_nonspace_ = false;
  std::unique_ptr<RE2> start_re_;
  std::vector<std::pair<bool, std::unique_ptr<RE2>>> filters_;

  int64_t now_ms_ = 0;
  bool has_pending_ = false;
  std::string pending_;
  std::shared_ptr<FileId> pending_id_;
  uint64_t pending_end_ = 0;
  int64_t pending_last_ms_ = 0;

  std::shared_ptr<FileId> resolved_id_;
  uint64_t resolved_end_ = 0;
  bool state_dirty_ = false;
  int64_t last_save_ms_ = 0;
  int64_t batch_started_ms_ = 0;
  bool abandoned_ = false;
};

Agent::Agent(AgentConfig config, AgentOptions options, LogsClient* client, StateFile* state,
             const std::atomic<bool>* stop)
    : config_(std::move(config)), options_(options), client_(client), state_(state), stop_(stop) {}

Agent::~Agent() = default;

bool Agent::Init(std::string* error) {
  for (const FileSpec& spec : config_.files) {
    auto p = std::make_unique<Pipeline>(spec, options_, client_, state_, stop_);
    if (!p->Init(error)) return false;
    pipelines_.push_back(std::move(p));
  }
  return true;
}

void Agent::Run() {
  // inotify wakes the loop as soon as a watched directory changes; the poll interval is the
  // fallback (no inotify, globbed directories, missed events).
  const int ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (ino >= 0) {
    for (const auto& p : pipelines_) {
      const std::string dir = p->WatchDirectory();
      if (dir.empty()) continue;
      if (inotify_add_watch(ino, dir.c_str(),
                            IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                IN_CLOSE_WRITE) < 0) {
        Log("inotify on " + dir + " failed; polling it every " +
            std::to_string(options_.poll_interval_ms) + " ms");
      }
    }
  }
  while (!stop_->load()) {
    const int64_t now = NowMs();
    bool busy = false;
    for (const auto& p : pipelines_) {
      const size_t n = p->Poll(now);
      busy = busy || n >= options_.read_chunk_bytes;
      p->Tick(NowMs(), n == 0);
    }
    if (busy) continue;
    if (ino >= 0) {
      struct pollfd pfd {
        ino, POLLIN, 0
      };
      if (::poll(&pfd, 1, static_cast<int>(options_.poll_interval_ms)) > 0) {
        char buf[4096];
        while (::read(ino, buf, sizeof(buf)) > 0) {
        }
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.poll_interval_ms));
    }
  }
  for (const auto& p : pipelines_) p->Finish();
  if (ino >= 0) ::close(ino);
}

}  // namespace cwlogd::agent
