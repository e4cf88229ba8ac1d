#include "storage/detail/scan_helper.h"

#include <algorithm>
#include <atomic>

namespace cwlogd::storage::detail {
namespace {

std::atomic<int>& HelpersLeft() {
  static std::atomic<int> left{
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1)};
  return left;
}

}  // namespace

std::unique_ptr<ScanHelper> ScanHelper::TryAcquire() {
  std::atomic<int>& left = HelpersLeft();
  int n = left.load(std::memory_order_relaxed);
  while (n > 0) {
    if (left.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel)) {
      return std::unique_ptr<ScanHelper>(new ScanHelper());
    }
  }
  return nullptr;
}

ScanHelper::ScanHelper() : thread_([this] { Loop(); }) {}

ScanHelper::~ScanHelper() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !busy_; });
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  HelpersLeft().fetch_add(1, std::memory_order_acq_rel);
}

void ScanHelper::Start(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    work_ = std::move(work);
    busy_ = true;
  }
  cv_.notify_all();
}

void ScanHelper::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !busy_; });
}

void ScanHelper::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return busy_ || stop_; });
    if (busy_) {
      std::function<void()> work = std::move(work_);
      lock.unlock();
      work();
      lock.lock();
      busy_ = false;
      cv_.notify_all();
      continue;
    }
    if (stop_) return;
  }
}

}  // namespace cwlogd::storage::detail
