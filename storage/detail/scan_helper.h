// A second thread for one long scan. A rare-term FilterLogEvents spends nearly all its time
// decompressing chunks only to find the term absent; a helper thread lets it use two cores.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace cwlogd::storage::detail {

class ScanHelper {
 public:
  // A helper, or nullptr when every one the process allows is lent out: at most
  // max(1, cores - 1) exist at once, so concurrent scans fall back to one thread each
  // instead of oversubscribing the machine.
  static std::unique_ptr<ScanHelper> TryAcquire();

  ~ScanHelper();  // waits for work in progress, then joins the thread
  ScanHelper(const ScanHelper&) = delete;
  ScanHelper& operator=(const ScanHelper&) = delete;

  // Runs `work` on the helper thread; returns at once. One piece of work at a time: call
  // Wait() before the next Start().
  void Start(std::function<void()> work);
  // Returns when the work given to Start() has finished.
  void Wait();

 private:
  ScanHelper();
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> work_;
  bool busy_ = false;  // work_ is set and not finished
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cwlogd::storage::detail
