#include "core/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/files.h"
#include "core/interrupt.h"

extern char** environ;

namespace lmbench::core {

std::vector<std::string> merged_environment(const std::vector<std::pair<std::string, std::string>>& add) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    const auto name = kv.substr(0, kv.find('='));
    bool replaced = false;
    for (const auto& [k, v] : add) replaced = replaced || k == name;
    if (!replaced) out.emplace_back(kv);
  }
  for (const auto& [k, v] : add) out.push_back(k + "=" + v);
  return out;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

Result<ChildProcess> ChildProcess::spawn(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Error{"spawn", "empty command"};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  // A new process group whose id is the child's pid, and default signal handling in the child
  // (we may have blocked or ignored SIGINT/SIGTERM in the parent).
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  if (!spec.inherit_output) {
    if (spec.log_file.empty()) {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    } else {
      if (spec.log_file.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(spec.log_file.parent_path(), ec);
      }
      posix_spawn_file_actions_addopen(&actions, 1, spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  // Nothing but 0, 1 and 2 reaches the child. Sockets (Asio opens them without close-on-exec),
  // pipes and files of this process would otherwise live on in deployment scripts and whatever
  // they start: a listening port stays bound after lmbench exits, a client connection is never
  // closed. In the child, after the actions above, so the log file is already on 1 and 2.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  auto env_strings = merged_environment(spec.env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Error{"spawn", "cannot start " + spec.argv[0] + ": " + std::strerror(rc)};
  register_child_group(pid);
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_), status_(other.status_) {
  other.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) terminate(std::chrono::seconds(2));
    pid_ = other.pid_;
    status_ = other.status_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) terminate(std::chrono::seconds(2));
}

std::optional<int> ChildProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = decode_wait_status(status);
    unregister_child_group(pid_);
  }
  return status_;
}

int ChildProcess::wait() {
  if (status_ || pid_ <= 0) return status_.value_or(-1);
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? decode_wait_status(status) : -1;
  unregister_child_group(pid_);
  return *status_;
}

void ChildProcess::signal_group(int signal) {
  if (pid_ > 0) ::kill(-pid_, signal);
}

int ChildProcess::terminate(Duration grace) {
  if (pid_ <= 0) return -1;
  if (poll()) {
    // The leader is gone, but what it started may still be running in its group.
    ::kill(-pid_, SIGKILL);
    return *status_;
  }
  signal_group(SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!poll() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Whatever is left of the group gets SIGKILL, leader or not.
  ::kill(-pid_, SIGKILL);
  return wait();
}

Result<CommandOutput> run_command(const ProcessSpec& spec) {
  char tmpl[] = "/tmp/lmbench-cmd-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) return Error{"spawn", std::string("cannot create a temporary file: ") + std::strerror(errno)};
  ::close(fd);
  ProcessSpec s = spec;
  s.inherit_output = false;
  s.log_file = tmpl;
  auto child = ChildProcess::spawn(s);
  if (!child) {
    ::unlink(tmpl);
    return child.error();
  }
  CommandOutput out;
  out.exit_code = child->wait();
  out.output = read_file(tmpl);
  ::unlink(tmpl);
  return out;
}

long raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? -1 : static_cast<long>(limit.rlim_cur);
}

}  // namespace lmbench::core
