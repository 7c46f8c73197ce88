#include "support/deploy_fixture.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/ids.h"

namespace lmbench::deploy::testing {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& name)
    : path_(fs::temp_directory_path() /
            ("lmbench-deploy-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(core::random_u32()))) {
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (stat.empty()) return false;
  return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] != 'Z';
}

bool gone_within(pid_t pid, int ms) {
  for (int waited = 0; waited <= ms; waited += 10) {
    if (!alive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !alive(pid);
}

namespace {

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
};

// Every live process (zombies left out) with its parent and process group, from /proc/<pid>/stat.
std::vector<ProcEntry> live_processes() {
  std::vector<ProcEntry> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string stat = read_text(entry.path() / "stat");
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) continue;
    // After ") ": state, ppid, pgrp.
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    long ppid = 0, pgrp = 0;
    rest >> state >> ppid >> pgrp;
    if (state == "Z") continue;
    out.push_back({static_cast<pid_t>(std::stol(name)), static_cast<pid_t>(ppid), static_cast<pid_t>(pgrp)});
  }
  return out;
}

}  // namespace

std::vector<pid_t> processes_in_group(pid_t pgid) {
  std::vector<pid_t> out;
  for (const auto& p : live_processes()) {
    if (p.pgrp == pgid) out.push_back(p.pid);
  }
  return out;
}

std::vector<std::pair<pid_t, std::string>> children_of(pid_t pid) {
  std::vector<std::pair<pid_t, std::string>> out;
  for (const auto& p : live_processes()) {
    if (p.ppid != pid) continue;
    std::string cmd = read_text("/proc/" + std::to_string(p.pid) + "/cmdline");
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    out.emplace_back(p.pid, std::move(cmd));
  }
  return out;
}

ListeningChild::ListeningChild(core::ProcessSpec spec) {
  auto c = core::ChildProcess::spawn(spec);
  if (!c) return;
  child_.emplace(std::move(*c));
  const std::regex line(R"(listening on (http://127\.0\.0\.1:\d+)\n)");
  for (int i = 0; i < 300 && url_.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::smatch m;
    const std::string text = read_text(spec.log_file);
    if (std::regex_search(text, m, line)) url_ = m[1];
  }
}

ListeningChild::~ListeningChild() {
  if (child_) child_->terminate(std::chrono::seconds(2));
}

bool group_gone_within(pid_t pgid, int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!processes_in_group(pgid).empty()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string proc_file(pid_t pid, const std::string& which) {
  std::string text = read_text("/proc/" + std::to_string(pid) + "/" + which);
  for (auto& c : text) {
    if (c == '\0') c = '\n';
  }
  return text;
}

void write_script(const fs::path& path, const std::string& body) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << body;
  }
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, fs::perm_options::replace);
}

bool wait_for_file(const fs::path& path, int ms) {
  for (int waited = 0; waited <= ms; waited += 10) {
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

namespace {

// $1.. are the tool's arguments; "$dir" is the stand-in's folder.
std::string stand_in_script(const fs::path& dir, const std::string& tool) {
  return R"SH(#!/bin/sh
dir=')SH" + dir.string() + R"SH('
tool=')SH" + tool + R"SH('
exec 9>>"$dir/calls.lock"
flock 9
echo "$tool $*" >> "$dir/calls.log"
n=$(wc -l < "$dir/calls.log" | tr -d ' ')
printf '%s\0' "$tool" "$@" > "$dir/call-$n.argv"
flock -u 9
exec 9>&-
input=$(cat)
if [ -n "$input" ]; then printf '%s' "$input" > "$dir/stdin-$n.txt"; fi
args=" $* "
case "$args" in
  *" port-forward "*)
    last=; resource=
    for a in "$@"; do resource=$last; last=$a; done
    target=$(printf '%s' "$resource" | tr / -)
    if [ -e "$dir/fail-port-forward" ] || [ -e "$dir/fail-port-forward-$target" ]; then
      echo "error: unable to forward port: pod is not running"; exit 1
    fi
    local_port=${last%%:*}
    echo $$ > "$dir/port-forward-$target.pid"
    case "$resource" in svc/*) echo $$ > "$dir/port-forward.pid" ;; esac
    echo "Forwarding from 127.0.0.1:$local_port -> ${last##*:}"
    if [ -x "$dir/port-forward-backend" ]; then exec "$dir/port-forward-backend" "$local_port" "$resource"; fi
    exec node -e 'require("net").createServer(c => c.end()).listen(Number(process.argv[1]), "127.0.0.1")' "$local_port"
    ;;
  *" version -o json "*)
    if [ ! -e "$dir/cluster/version.json" ]; then
      echo "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"; exit 1
    fi
    cat "$dir/cluster/version.json"
    ;;
  *" get nodes -o json "*) cat "$dir/cluster/nodes.json" || exit 1 ;;
  *" get storageclass -o json "*) cat "$dir/cluster/storageclasses.json" || exit 1 ;;
  *" get crd -o name "*) cat "$dir/cluster/crds.txt" || exit 1 ;;
  *" get namespace "*)
    name=$(printf '%s\n' "$@" | grep -A1 -x namespace | tail -n 1)
    grep -x "namespace/$name" "$dir/cluster/namespaces.txt" || true
    ;;
  *" version --short "*) echo "v3.16.3+gcfd0749" ;;
  *" show chart "*)
    chart=$(printf '%s\n' "$@" | grep -A1 -x chart | tail -n 1)
    version=$(printf '%s\n' "$@" | grep -A1 -x -- --version | tail -n 1)
    if [ -e "$dir/fail-show-chart" ]; then echo "Error: chart \"${chart##*/}\" version \"$version\" not found in ${chart%%/*} index"; exit 1; fi
    printf 'apiVersion: v2\nname: %s\nversion: %s\n' "${chart##*/}" "$version"
    ;;
  *" rollout status "*)
    if [ -e "$dir/slow-rollout" ]; then sleep 30; fi
    if [ -e "$dir/fail-rollout" ]; then echo "error: timed out waiting for the condition"; exit 1; fi
    echo "deployment successfully rolled out"
    ;;
  *" apply "*)
    if [ -e "$dir/fail-apply" ]; then echo "error: error validating data: unknown field"; exit 1; fi
    echo "applied"
    ;;
  *" status "*)
    if [ "$tool" = helm ]; then
      for release in "$@"; do :; done
      if [ -e "$dir/release-$release" ]; then echo "NAME: $release"; echo "STATUS: deployed"; exit 0; fi
      echo "Error: release: not found"; exit 1
    fi
    echo ok
    ;;
  *" get persistentvolumeclaim "*)
    name=$(printf '%s\n' "$@" | grep -A1 -x persistentvolumeclaim | tail -n 1)
    if [ -e "$dir/claim-$name" ]; then echo "persistentvolumeclaim/$name"; fi
    ;;
  *" get pods "*"-o json "*)
    echo "Warning: this is a stand-in" >&2
    if [ -e "$dir/fail-get-pods" ]; then echo "error: You must be logged in to the server (Unauthorized)"; exit 1; fi
    if [ -e "$dir/pods.json" ]; then cat "$dir/pods.json"; else printf '{\n  "apiVersion": "v1",\n  "items": [],\n  "kind": "List"\n}\n'; fi
    ;;
  *" get pods "*)
    echo "Warning: this is a stand-in" >&2
    if [ -e "$dir/pods.txt" ]; then cat "$dir/pods.txt"; else printf 'pod/vllm-engine-0\npod/vllm-router-1\n'; fi
    ;;
  *" logs "*" --previous "*)
    echo "Error from server (BadRequest): previous terminated container not found"
    exit 1
    ;;
  *" logs "*)
    if [ -e "$dir/pod-log.txt" ]; then cat "$dir/pod-log.txt"; else echo "INFO serving"; fi
    ;;
  *" describe pod "*)
    for last in "$@"; do :; done
    echo "Name: $last"
    ;;
  *" upgrade --install "*)
    release=$(printf '%s\n' "$@" | grep -A1 -x -- --install | tail -n 1)
    if [ -e "$dir/slow-install" ]; then sleep 30; fi
    if [ -e "$dir/fail-install-$release" ] || [ -e "$dir/fail-install" ]; then
      echo "Error: INSTALLATION FAILED: context deadline exceeded"; exit 1
    fi
    : > "$dir/release-$release"
    echo "Release \"$release\" has been upgraded. Happy Helming!"
    ;;
  *" uninstall "*)
    release=$(printf '%s\n' "$@" | grep -A1 -x uninstall | tail -n 1)
    if [ -e "$dir/fail-uninstall" ]; then echo "Error: uninstall: timed out waiting for the condition"; exit 1; fi
    if [ ! -e "$dir/release-$release" ]; then echo "Error: uninstall: Release not loaded: $release: release: not found"; exit 1; fi
    rm -f "$dir/release-$release"
    echo "release \"$release\" uninstalled"
    ;;
  *" get events "*)
    echo "LAST SEEN   TYPE      REASON             OBJECT              MESSAGE"
    echo "12s         Warning   FailedScheduling   pod/vllm-engine-0   0/3 nodes are available: 3 Insufficient nvidia.com/gpu."
    ;;
  *) echo "ok" ;;
esac
exit 0
)SH";
}

}  // namespace

StandIn::StandIn(const fs::path& dir) : dir_(dir) {
  fs::create_directories(dir_);
  write_script(dir_ / "kubectl", stand_in_script(dir_, "kubectl"));
  write_script(dir_ / "helm", stand_in_script(dir_, "helm"));
}

std::vector<Argv> StandIn::calls() const {
  std::vector<Argv> out;
  for (std::size_t n = 1;; ++n) {
    const fs::path file = dir_ / ("call-" + std::to_string(n) + ".argv");
    std::error_code ec;
    if (!fs::exists(file, ec)) break;
    const std::string text = read_text(file);
    Argv argv;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\0', start)) != std::string::npos; start = end + 1) {
      argv.push_back(text.substr(start, end - start));
    }
    out.push_back(std::move(argv));
  }
  return out;
}

Argv words(const std::string& line) {
  Argv out;
  std::size_t start = 0;
  for (std::size_t end; (end = line.find(' ', start)) != std::string::npos; start = end + 1) {
    out.push_back(line.substr(start, end - start));
  }
  out.push_back(line.substr(start));
  return out;
}

Calls::Calls(std::initializer_list<std::string> lines) {
  for (const auto& l : lines) push_back(words(l));
}

std::string joined(const Argv& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

void StandIn::use_cluster(const std::string& fixture) const {
  const fs::path from = fs::path(LMBENCH_SOURCE_DIR) / "tests" / "support" / "clusters" / fixture;
  fs::create_directories(dir_ / "cluster");
  for (const auto& e : fs::directory_iterator(from)) fs::copy_file(e.path(), dir_ / "cluster" / e.path().filename(), fs::copy_options::overwrite_existing);
}

void StandIn::add_release(const std::string& name) const { std::ofstream(dir_ / ("release-" + name)) << name; }
bool StandIn::has_release(const std::string& name) const { return fs::exists(dir_ / ("release-" + name)); }

void StandIn::add_claim(const std::string& name) const { std::ofstream(dir_ / ("claim-" + name)) << name; }

std::string StandIn::stdin_of(std::size_t n) const { return read_text(dir_ / ("stdin-" + std::to_string(n) + ".txt")); }

void StandIn::fail(const std::string& what) const { std::ofstream(dir_ / ("fail-" + what)) << "1"; }
void StandIn::slow(const std::string& what) const { std::ofstream(dir_ / ("slow-" + what)) << "1"; }
void StandIn::set_pod_log(const std::string& text) const { std::ofstream(dir_ / "pod-log.txt") << text; }
void StandIn::set_pods(const std::string& text) const { std::ofstream(dir_ / "pods.txt") << text; }
void StandIn::set_pods_json(const std::string& text) const { std::ofstream(dir_ / "pods.json") << text; }

void StandIn::set_port_forward_backend(const std::string& body) const { write_script(dir_ / "port-forward-backend", body); }

pid_t StandIn::port_forward_pid() const {
  const std::string text = read_text(dir_ / "port-forward.pid");
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

pid_t StandIn::port_forward_pid_of(const std::string& resource) const {
  std::string name = resource;
  std::replace(name.begin(), name.end(), '/', '-');
  const std::string text = read_text(dir_ / ("port-forward-" + name + ".pid"));
  return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

}  // namespace lmbench::deploy::testing
