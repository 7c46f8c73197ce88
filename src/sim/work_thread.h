#pragma once
// One thread that runs posted jobs in order. The simulated engine's frontend: parsing and
// tokenizing a request (a 17k-token prompt takes milliseconds) runs here, not on the HTTP
// server's thread, so the tokens of other streams go out on time meanwhile (SIMULATOR.md §1.4:
// parsing is part of the modelled frontend delay, not of anybody's wall-clock pacing).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace lmbench::sim {

class WorkThread {
 public:
  WorkThread() : thread_([this] { run(); }) {}
  // Runs the jobs already posted, then joins.
  ~WorkThread() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  WorkThread(const WorkThread&) = delete;
  WorkThread& operator=(const WorkThread&) = delete;

  void post(std::function<void()> job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest exists
};

}  // namespace lmbench::sim
