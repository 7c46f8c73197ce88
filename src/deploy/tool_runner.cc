#include "deploy/tool_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "core/interrupt.h"
#include "core/process.h"
#include "deploy/log_tail.h"


namespace lmbench::deploy {

namespace {

// Closes both ends of a pipe on every return path.
struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

// write(2) to a pipe whose reader may be gone, without our process receiving SIGPIPE: the
// signal is blocked for this thread and a pending one is consumed, so the caller sees EPIPE.
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  const ssize_t n = ::write(fd, data, size);
  const int saved = errno;
  if (n < 0 && saved == EPIPE) {
    const struct timespec zero {};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = saved;
  return n;
}

}  // namespace

std::string format_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

core::Result<core::CommandOutput> run_tool(const ToolCall& call, const core::Clock& clock) {
  if (call.argv.empty()) return core::Error{"spawn", "empty command"};
  Pipe in, out;
  if (::pipe2(in.fd, O_CLOEXEC) != 0 || ::pipe2(out.fd, O_CLOEXEC) != 0) {
    return core::Error{"spawn", std::string("cannot create a pipe: ") + std::strerror(errno)};
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  // dup2 clears close-on-exec on the copies; every other descriptor of this process (sockets
  // that Asio opens without close-on-exec included) is closed in the child, so only fds 0, 1
  // and 2 reach kubectl, helm and what they start.
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  std::vector<char*> argv;
  for (const auto& a : call.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto env_strings = core::merged_environment(call.env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return core::Error{"spawn", "cannot start " + call.argv[0] + ": " + std::strerror(rc)};
  // A second Ctrl-C kills the group; every return below unregisters it.
  core::register_child_group(pid);
  struct Unregister {
    pid_t pid;
    ~Unregister() { core::unregister_child_group(pid); }
  } unregister{pid};
  in.close_end(0);
  out.close_end(1);
  ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
  ::fcntl(out.fd[0], F_SETFL, O_NONBLOCK);

  std::size_t written = 0;
  if (call.stdin_data.empty()) in.close_end(1);
  const auto deadline = clock.now() + call.timeout;
  core::CommandOutput result;
  std::optional<core::Error> abort;
  int status = 0;
  bool exited = false;
  bool output_open = true;
  int drain_polls_after_exit = 50;  // about half a second for output still buffered at exit
  // Until the child has exited and its output pipe reached end of file (the output may still
  // be buffered after the exit, or held open by a grandchild, which the group kill ends).
  while (!exited || output_open) {
    pollfd fds[2];
    nfds_t n = 0;
    if (output_open) fds[n++] = {out.fd[0], POLLIN, 0};
    if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
    ::poll(fds, n, 10);
    char buf[16384];
    for (;;) {
      if (!output_open) break;
      const ssize_t r = ::read(out.fd[0], buf, sizeof buf);
      if (r > 0) {
        result.output.append(buf, static_cast<std::size_t>(r));
        continue;
      }
      if (r == 0) output_open = false;
      if (r < 0 && errno != EAGAIN && errno != EINTR) output_open = false;
      break;
    }
    if (in.fd[1] >= 0) {
      const ssize_t w = write_no_sigpipe(in.fd[1], call.stdin_data.data() + written, call.stdin_data.size() - written);
      if (w > 0) written += static_cast<std::size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == call.stdin_data.size()) in.close_end(1);
    }
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (exited && output_open) {
      // The leader is gone; drain what is already buffered, then stop waiting for stragglers
      // (a grandchild that still holds the pipe is killed with the group).
      ::kill(-pid, SIGKILL);
      if (--drain_polls_after_exit > 0) continue;
      break;
    }
    if (exited) break;
    if (call.interruptible && core::stop_requested()) {
      abort = core::Error{"interrupted", format_argv(call.argv) + ": interrupted"};
    } else if (clock.now() >= deadline) {
      abort = core::Error{"timeout", format_argv(call.argv) + ": no answer within " +
                                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(call.timeout).count()) + " s"};
    }
    if (abort) {
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return *abort;
    }
  }
  ::kill(-pid, SIGKILL);  // anything the tool left behind in its group
  result.exit_code = core::decode_wait_status(status);
  return result;
}

}  // namespace lmbench::deploy

namespace lmbench::deploy {

core::Result<std::string> run_tool_checked(const ToolCall& call, const core::Clock& clock, const std::string& error_kind,
                                           const Secret* secret) {
  auto r = run_tool(call, clock);
  if (!r) return r.error();
  std::string output = secret ? redact(std::move(r->output), *secret) : std::move(r->output);
  if (r->exit_code != 0) {
    std::string message = format_argv(call.argv) + " failed with exit code " + std::to_string(r->exit_code);
    const std::string tail = text_tail(output);
    message += tail.empty() ? std::string(" and no output") : ":\n" + tail;
    return core::Error{error_kind, message};
  }
  return output;
}

}  // namespace lmbench::deploy
