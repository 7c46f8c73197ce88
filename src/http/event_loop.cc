#include "http/event_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <future>
#include <optional>

namespace lmbench::http {

namespace net = boost::asio;

EventLoop::EventLoop() : io_(std::make_unique<net::io_context>(1)) {}
EventLoop::~EventLoop() = default;

net::io_context& EventLoop::context() { return *io_; }

void EventLoop::run() {
  io_->restart();
  io_->run();
}

void EventLoop::run_for(std::chrono::nanoseconds d) {
  io_->restart();
  io_->run_for(d);
}

void EventLoop::stop() { io_->stop(); }

void EventLoop::post(std::function<void()> fn) { net::post(*io_, std::move(fn)); }

void EventLoop::call_after(std::chrono::nanoseconds d, std::function<void()> fn) {
  auto timer = std::make_shared<net::steady_timer>(*io_, d);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

struct BackgroundLoop::State {
  net::io_context io{1};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work{io.get_executor()};
};

BackgroundLoop::BackgroundLoop() : state_(std::make_unique<State>()) {
  thread_ = std::thread([s = state_.get()] { s->io.run(); });
}

BackgroundLoop::~BackgroundLoop() {
  state_->work.reset();
  state_->io.stop();
  if (thread_.joinable()) thread_.join();
}

net::io_context& BackgroundLoop::context() { return state_->io; }

void BackgroundLoop::post(std::function<void()> fn) { net::post(state_->io, std::move(fn)); }

void BackgroundLoop::run_sync(const std::function<void()>& fn) {
  if (state_->io.get_executor().running_in_this_thread()) {
    fn();
    return;
  }
  std::promise<void> done;
  net::post(state_->io, [&] {
    try {
      fn();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

}  // namespace lmbench::http
