#pragma once
// Helpers for the deploy tests: temporary folders, free loopback ports, process checks by pid,
// and the recording stand-in for kubectl and helm.

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "core/process.h"

namespace lmbench::deploy::testing {

// A fresh folder under the temporary directory, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A loopback port that was free a moment ago (bound to port 0, then released).
int free_port();

// Alive and not a zombie (an orphan killed by SIGKILL stays a zombie until init reaps it).
bool alive(pid_t pid);
// Polls alive() for up to `ms` milliseconds; true once the process is gone.
bool gone_within(pid_t pid, int ms);

// Pids of every process whose process group is `pgid`.
std::vector<pid_t> processes_in_group(pid_t pgid);
// Polls processes_in_group() for up to `ms` milliseconds; true once it is empty. A process killed
// by SIGKILL is still listed (running its exit) for a moment after the signal.
bool group_gone_within(pid_t pgid, int ms);
// Every live process whose parent is `pid`, with its command line (arguments joined by spaces).
std::vector<std::pair<pid_t, std::string>> children_of(pid_t pid);

// A child that serves and says so with a line "listening on http://127.0.0.1:PORT" in its log
// (`lmbench sim`, `lmbench router`): started with `spec` (whose log_file must be set), its first
// such URL waited for up to 15 s ("" if it never came); stopped by the destructor.
class ListeningChild {
 public:
  explicit ListeningChild(core::ProcessSpec spec);
  ~ListeningChild();
  ListeningChild(const ListeningChild&) = delete;
  ListeningChild& operator=(const ListeningChild&) = delete;
  const std::string& url() const { return url_; }
  pid_t pid() const { return child_ ? child_->pid() : -1; }

 private:
  std::optional<core::ChildProcess> child_;
  std::string url_;
};

// /proc/<pid>/cmdline or /proc/<pid>/environ with the NULs turned into '\n' ("" if unreadable).
std::string proc_file(pid_t pid, const std::string& which);

// Writes an executable shell script.
void write_script(const std::filesystem::path& path, const std::string& body);
std::string read_text(const std::filesystem::path& path);
// Waits up to `ms` milliseconds for a file to exist and be non-empty.
bool wait_for_file(const std::filesystem::path& path, int ms);

// One call's arguments, the program's name first, with their boundaries kept.
using Argv = std::vector<std::string>;
// Expected calls written one line each, split at spaces into the argument vector: a call whose
// real arguments differ in boundaries ("a b" as one argument) does not compare equal. Write an
// argument that holds a space as an explicit Argv instead.
Argv words(const std::string& line);
struct Calls : std::vector<Argv> {
  Calls(std::initializer_list<std::string> lines);
  explicit Calls(std::vector<Argv> calls) : std::vector<Argv>(std::move(calls)) {}
};
std::string joined(const Argv& argv);  // for messages and substring checks

// The one allowed stand-in of these tests: no cluster can run on the test machines, so
// `kubectl` and `helm` are shell scripts that record each call's argument vector exactly
// (call-<n>.argv, NUL-separated; calls.log has one readable line per call), keep whatever
// arrived on stdin in stdin-<call number>.txt, and answer like the real tools do.
// `port-forward` execs a small node TCP listener on the local port and records its pid in
// port-forward-<resource>.pid ("svc/x" -> port-forward-svc-x.pid) and, for a Service, in
// port-forward.pid, so the readiness check and the teardown by pid are real. `get pods -o json`
// answers with set_pods_json()'s text (default: an empty List), after a warning on stderr. A
// file fail-<what> in the folder makes the matching call fail (rollout, port-forward,
// port-forward-<resource> such as port-forward-pod-x, get-pods (the -o json listing), install,
// install-<release>, uninstall, apply);
// slow-<what> makes it hang. set_port_forward_backend() replaces the listener by any server (a
// simulator, say) started with the local port as $1 and the resource ("svc/x", "pod/y") as $2,
// so everything behind the port-forward can be real.
class StandIn {
 public:
  explicit StandIn(const std::filesystem::path& dir);
  std::string kubectl() const { return (dir_ / "kubectl").string(); }
  std::string helm() const { return (dir_ / "helm").string(); }
  const std::filesystem::path& dir() const { return dir_; }

  std::vector<Argv> calls() const;  // one entry per call, in order
  // What call number `n` (1-based) read from stdin; "" when nothing.
  std::string stdin_of(std::size_t n) const;
  void fail(const std::string& what) const;
  void slow(const std::string& what) const;
  void set_pod_log(const std::string& text) const;  // what `kubectl logs` prints
  void set_pods(const std::string& text) const;     // what `kubectl get pods -o name` prints
  void set_pods_json(const std::string& text) const;  // what `kubectl get pods ... -o json` prints
  // Helm releases: `upgrade --install` creates one, `uninstall` removes it (and fails with
  // "release: not found" when there is none), `status` finds it. add_release() leaves one as
  // an earlier run would have.
  void add_release(const std::string& name) const;
  // Answer the preflight's queries (kubectl version/get nodes/storageclass/crd/namespace -o ...)
  // from a recorded cluster under tests/support/clusters/: "gke-a100", "cpu-only",
  // "no-llmd-crds". Without one, `kubectl version` fails as with no cluster.
  void use_cluster(const std::string& fixture) const;
  bool has_release(const std::string& name) const;
  // `kubectl get persistentvolumeclaim <name>` finds this claim (by default it finds none).
  void add_claim(const std::string& name) const;
  void set_port_forward_backend(const std::string& script_body) const;
  pid_t port_forward_pid() const;                    // the last Service's; 0 when none was started
  pid_t port_forward_pid_of(const std::string& resource) const;  // "pod/x": 0 when none was started

 private:
  std::filesystem::path dir_;
};

}  // namespace lmbench::deploy::testing
