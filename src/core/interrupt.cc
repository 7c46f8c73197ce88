#include "core/interrupt.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace lmbench::core {

namespace {

std::atomic<int> g_signal{0};
std::atomic<bool> g_stop{false};
int g_eventfd = -1;
constexpr int kMaxGroups = 256;
std::atomic<int> g_groups[kMaxGroups];  // 0 = free slot

void kill_registered_groups() {
  for (auto& g : g_groups) {
    const int pgid = g.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
}

void notify() {
  if (g_eventfd >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(g_eventfd, &one, sizeof one);
  }
}

extern "C" void on_signal(int sig) {
  // Async-signal-safe only: atomics, write(2), _exit(2).
  if (g_stop.exchange(true)) {
    static const char msg[] = "\nlmbench: second interrupt, exiting now\n";
    [[maybe_unused]] const auto n = ::write(2, msg, sizeof msg - 1);
    kill_registered_groups();
    ::_exit(128 + sig);
  }
  g_signal.store(sig);
  static const char msg[] = "\nlmbench: stopping (finishing what is in flight, tearing down); Ctrl-C again to exit at once\n";
  [[maybe_unused]] const auto n = ::write(2, msg, sizeof msg - 1);
  notify();
}

}  // namespace

int stop_eventfd() {
  static const int fd = [] {
    g_eventfd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return g_eventfd;
  }();
  return fd;
}

void install_interrupt_handlers() {
  stop_eventfd();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

void register_child_group(int pgid) {
  for (auto& g : g_groups) {
    int expected = 0;
    if (g.compare_exchange_strong(expected, pgid)) return;
  }
}

void unregister_child_group(int pgid) {
  for (auto& g : g_groups) {
    int expected = pgid;
    if (g.compare_exchange_strong(expected, 0)) return;
  }
}

bool stop_requested() { return g_stop.load(); }

int stop_signal() { return g_signal.load(); }

void request_stop() {
  stop_eventfd();
  if (!g_stop.exchange(true)) notify();
}

}  // namespace lmbench::core
