#pragma once
// Ctrl-C handling for long runs. The first SIGINT/SIGTERM asks everything to stop gracefully
// (stop sending, write what finished, tear down what was started); a second one exits at once.
// Long-running loops poll stop_requested() or wait on the eventfd.

namespace lmbench::core {

// Installs the handlers (idempotent). Until then stop_requested() stays false.
void install_interrupt_handlers();

// True once a first SIGINT or SIGTERM arrived (or request_stop() was called).
bool stop_requested();

// The signal that asked to stop (SIGINT or SIGTERM), or 0.
int stop_signal();

// For tests and for components that decide to stop the run themselves.
void request_stop();

// Child process groups that a second Ctrl-C must not leave behind (a GPU server started by a
// script, a port-forward): the handler SIGKILLs every registered group before exiting. Up to
// 256 groups at once; registration is lock-free and async-signal-safe to read.
void register_child_group(int pgid);
void unregister_child_group(int pgid);

// A file descriptor that becomes readable when a stop is requested, so event loops can wait on
// it together with their sockets (e.g. with an asio posix::stream_descriptor).
int stop_eventfd();

}  // namespace lmbench::core
