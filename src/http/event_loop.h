#pragma once
// Owners of an io_context, so that code outside src/http need not include Asio: EventLoop runs
// on the calling thread (the load runner's loop), BackgroundLoop on a thread of its own (servers
// in tests, the simulator's server in a CLI process).

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace boost::asio {
class io_context;
}

namespace lmbench::http {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  boost::asio::io_context& context();
  // Runs handlers until stop() or until no work is left. Callable again after it returns.
  void run();
  // Runs handlers for at most `d` of real time.
  void run_for(std::chrono::nanoseconds d);
  // Thread-safe: makes run() return soon.
  void stop();
  // Thread-safe: `fn` runs on the loop's thread.
  void post(std::function<void()> fn);
  // `fn` runs on the loop's thread after `d` of real (steady) time.
  void call_after(std::chrono::nanoseconds d, std::function<void()> fn);

 private:
  std::unique_ptr<boost::asio::io_context> io_;
};

class BackgroundLoop {
 public:
  // Starts the thread; the loop keeps running, even with no work, until destruction.
  BackgroundLoop();
  // Stops the loop and joins the thread; handlers not yet run are dropped.
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  boost::asio::io_context& context();
  void post(std::function<void()> fn);
  // Runs `fn` on the loop's thread and waits for it to return.
  void run_sync(const std::function<void()>& fn);

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::thread thread_;
};

}  // namespace lmbench::http
